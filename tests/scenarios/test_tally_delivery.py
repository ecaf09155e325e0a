"""Issue #11: live tallies end true. A rate-limited edit is sent again after the wait the
platform names, and every message of a statement (each channel, both platforms) shows the
final count."""

from __future__ import annotations

import pytest

from bot.service import CampaignService
from emulators.slack.ratelimits import TIER_PER_MINUTE, RateLimitPolicy
from tests.factories import apply_settings, settings
from tests.scale import catalogue
from tests.slack_world import SlackWorld, slack_section, slack_world
from tests.telegram_world import BUTTONS, GEMEENTE, person, telegram_section, telegram_world

S = "visie-rijk"
CHANNELS = ("C0MIXED001", "C0RIJK0001")
TIERS = {**TIER_PER_MINUTE, 3: 10}


def tally_of(world: SlackWorld, channel: str, key: str = S) -> str:
    return str(world.statement_message(channel, key).blocks)


async def test_a_429_on_chat_update_is_retried_until_the_final_count_lands(
        service: CampaignService, db_url: str) -> None:
    # No retries in slack_sdk: each 429 reaches positie, which waits the Retry-After itself.
    config = await apply_settings(service, settings(db_url, slack=slack_section(retries=0)))
    async with slack_world(service, config) as world:
        await world.service.open(S)
        world.emulator.fail_next("chat.update", error="ratelimited", status=429, times=3,
                                 retry_after=1)
        for n in range(5):
            await world.click(f"U{n}", S, "eens")
        await world.settle()
        refused = [c for c in world.emulator.calls_to("chat.update") if c.status == 429]
        assert len(refused) == 3
        for channel in CHANNELS:  # clicked in one channel, refreshed in both
            assert "5 antwoorden tot nu toe." in tally_of(world, channel)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_slack_tier_limits_leave_no_message_on_an_old_count(
        service: CampaignService, db_url: str) -> None:
    # 30 statements in two channels: 60 messages to edit, six times the allowance of Tier 3
    # shrunk to 10 a minute, run 60 times faster (Retry-After stays in whole seconds). Before
    # issue #11 every refused edit was dropped and most messages kept an old count.
    from bot.publishing.catalogue_import import import_catalogue
    from tests.factories import T0

    await import_catalogue(service.db, service.campaign_id, catalogue(30), now=T0)
    config = await apply_settings(service, settings(db_url, slack=slack_section(retries=0)))
    keys = [s.key for theme in catalogue(30).themes for s in theme.statements]
    async with slack_world(service, config, rate_limits=True,
                           policy=RateLimitPolicy(scale=60.0, tier_per_minute=TIERS)) as world:
        for key in keys:
            await world.service.open(key)
        for key in keys:
            for n in range(3):
                await world.click(f"U{n}", key, "oneens")
        await world.settle()
        refused = [c for c in world.emulator.calls_to("chat.update") if c.status == 429]
        assert refused  # the limit was hit ...
        stale = [(channel, key) for channel in CHANNELS for key in keys
                 if "3 antwoorden tot nu toe." not in tally_of(world, channel, key)]
        assert stale == []  # ... and yet every message ends on the final count


async def test_every_message_of_a_statement_on_both_platforms_is_refreshed(
        service: CampaignService, db_url: str) -> None:
    config = await apply_settings(service, settings(db_url, slack=slack_section(),
                                                    telegram=telegram_section()))
    async with slack_world(service, config) as slack, telegram_world(service, config) as tg:
        await service.open(S)
        for n in range(3):  # on Telegram, in one group
            await tg.press(person(n), S, "eens")
        await tg.settle()
        await slack.settle()
        for chat in (BUTTONS, GEMEENTE):
            assert "3 antwoorden tot nu toe." in (tg.statement_message(chat, S).plain_text
                                                    or "")
        for channel in CHANNELS:
            assert "3 antwoorden tot nu toe." in tally_of(slack, channel)
        for n in range(4):  # then on Slack
            await slack.click(f"U{n}", S, "oneens")
        await slack.settle()
        await tg.settle()
        for chat in (BUTTONS, GEMEENTE):
            assert "7 antwoorden tot nu toe." in (tg.statement_message(chat, S).plain_text
                                                    or "")
        for channel in CHANNELS:
            assert "7 antwoorden tot nu toe." in tally_of(slack, channel)


async def test_a_telegram_edit_refused_with_429_lands_after_retry_after(
        service: CampaignService, db_url: str) -> None:
    config = await apply_settings(service, settings(db_url, telegram=telegram_section()))
    async with telegram_world(service, config) as tg:
        await service.open(S)
        # More refusals than the rate limiter's own three retries: positie waits and resends.
        tg.emulator.fail_next("editMessageText", 429, retry_after=1, times=6)
        for n in range(4):
            await tg.press(person(n), S, "eens")
        await tg.settle()
        refused = [c for c in tg.emulator.calls_to("editMessageText") if c.status == 429]
        assert len(refused) == 6
        for chat in (BUTTONS, GEMEENTE):
            assert "4 antwoorden tot nu toe." in (tg.statement_message(chat, S).plain_text
                                                    or "")


async def test_an_edit_a_stopped_process_left_behind_is_sent_at_the_next_start(
        service: CampaignService, db_url: str) -> None:
    from sqlalchemy import select, update

    from bot.store.models import TallyEdit
    from tests.factories import person as slack_person
    from tests.factories import vote

    config = await apply_settings(service, settings(db_url, slack=slack_section()))
    async with slack_world(service, config) as world:
        await world.service.open(S)
        for n in range(3):
            await world.click(f"U{n}", S, "eens")
        await world.settle()
        async with service.db.sessions() as session:
            assert set(await session.scalars(select(TallyEdit.status))) == {"done"}
        # Three more votes arrive; the process marks both messages behind and dies in the
        # middle of editing them (its rows stay "sending" under an owner that is gone).
        for n in range(3, 6):
            await service.record(vote(slack_person(f"U{n}"), S, "eens"))
        async with service.db.transaction() as session:
            await session.execute(update(TallyEdit).values(status="sending",
                                                           owner="elsewhere:1:gone"))
        for channel in CHANNELS:
            assert "3 antwoorden tot nu toe." in tally_of(world, channel)
        assert await service.tallies.resume() == 2  # what `positie run` does at start-up
        await world.settle()
        for channel in CHANNELS:
            assert "6 antwoorden tot nu toe." in tally_of(world, channel)
        async with service.db.sessions() as session:
            assert set(await session.scalars(select(TallyEdit.status))) == {"done"}
        assert await service.tallies.resume() == 0  # nothing left behind any more
