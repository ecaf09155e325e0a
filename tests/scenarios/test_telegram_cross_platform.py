"""One campaign on Slack and Telegram at once: one statement, one set of positions, one digest
that counts both platforms per layer and is posted to both."""

from __future__ import annotations

from bot.service import CampaignService
from tests.factories import apply_settings, settings
from tests.slack_world import slack_section, slack_world
from tests.telegram_world import BUTTONS, GEMEENTE, POLL, person, telegram_section, telegram_world

S = "visie-rijk"


async def test_digest_merges_slack_and_telegram_per_layer(service: CampaignService,
                                                          db_url: str) -> None:
    config = await apply_settings(service, settings(db_url, slack=slack_section(),
                                                    telegram=telegram_section()))
    async with slack_world(service, config) as slack, telegram_world(service, config) as tg:
        report = await service.open(S)
        assert report.posted == 2 + 3  # two Slack channels, three Telegram chats
        # Rijk: three on Slack (the channel's default layer) and two on Telegram who say so.
        for n, option in enumerate(["eens", "oneens", "neutraal"]):
            await slack.click(f"R{n}", S, option, channel="C0RIJK0001")
        await tg.press(person(1), S, "eens")
        await tg.answer(person(2), S, "oneens")
        await tg.settle()
        for n, chat in ((1, BUTTONS), (2, POLL)):
            question = next(m for m in tg.emulator.messages(chat) if m.reply_markup
                            and "overheidslaag" in (m.plain_text or ""))
            tg.emulator.user_presses_button(person(n), chat, question.message_id, "l:rijk")
        # Gemeente: four on Telegram, in the group whose default layer it is.
        for n, option in zip(range(3, 7), ["eens", "oneens", "neutraal", "weet_niet"],
                             strict=True):
            await tg.press(person(n), S, option, chat=GEMEENTE)
        await tg.settle()
        await slack.settle()
        digest = await service.publish_digest(period="2026-W48")
        assert (digest.posted, digest.failed) == (5, 0)
        # The table per statement and layer travels as a file with the digest.
        [slack_table] = [f for f in slack.emulator.state.files.values()
                         if f.filename == "positie-stellingen.txt" and "C0MIXED001" in f.channels]
        [document] = [m for m in tg.emulator.messages(POLL) if m.document_file_id]
        telegram_table = tg.emulator.state.files[document.document_file_id or ""].data
        for shown in ((slack_table.data or b"").decode(), telegram_table.decode()):
            assert "Rijk (5): 40% eens" in shown
            assert "Gemeente (4): 25% eens" in shown
            assert "Getoonde lagen samen (9): 33% eens" in shown
