"""Telegram's failures and limits: removed bots, vanished chats, 429s, long digests."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from adapters.telegram.outbound import document_messages as parts_of
from adapters.telegram.outbound import utf16_length
from adapters.telegram.settings import TelegramSettings
from bot.document import AnswerButtons, Bullets, Document, Paragraph, Section
from bot.service import CampaignService
from bot.store.models import Channel, Post
from emulators.telegram import RateLimitPolicy
from tests.factories import apply_settings, settings
from tests.telegram_world import (
    BUTTONS,
    CHATS,
    GEMEENTE,
    POLL,
    TelegramWorld,
    telegram_section,
    telegram_world,
)

S, S2 = "visie-rijk", "visie-gebied"


async def configured(service: CampaignService, db_url: str) -> None:
    await apply_settings(service, settings(db_url, telegram=telegram_section()))


@pytest.fixture
async def world(service: CampaignService, db_url: str) -> AsyncIterator[TelegramWorld]:
    await configured(service, db_url)
    async with telegram_world(service, service.settings) as w:
        yield w


async def channel_state(world: TelegramWorld, chat: int) -> tuple[bool, str | None]:
    async with world.service.db.sessions() as session:
        row = (await session.execute(select(Channel.active, Channel.inactive_reason).where(
            Channel.platform == "telegram", Channel.external_id == str(chat)))).one()
        return row.active, row.inactive_reason


def sends_to(world: TelegramWorld, chat: int) -> int:
    return sum(1 for c in world.emulator.calls
               if c.method in ("sendMessage", "sendPoll") and c.body.get("chat_id") == chat)


async def test_bot_removed_from_a_group_marks_it_inactive_and_skips_it(
        world: TelegramWorld) -> None:
    world.emulator.kick_bot_from(BUTTONS)
    await world.settle()  # the bot hears of it (my_chat_member) before anything is posted
    active, reason = await channel_state(world, BUTTONS)
    assert not active and "removed" in (reason or "").lower()
    attempts = sends_to(world, BUTTONS)
    report = await world.service.open(S)
    assert (report.posted, report.unavailable) == (2, 0)
    later = await world.service.open(S2)
    assert (later.posted, later.unavailable) == (2, 0)
    assert sends_to(world, BUTTONS) == attempts  # not even tried
    digest = await world.service.publish_digest(period="2026-W48")
    assert (digest.posted, digest.failed) == (2, 0)


async def test_a_post_refused_with_403_marks_the_group_unreachable(
        world: TelegramWorld, caplog: pytest.LogCaptureFixture) -> None:
    chat = world.emulator.state.chats[BUTTONS]
    chat.bot_was_kicked, chat.bot_is_member = True, False  # removed while the bot was away
    report = await world.service.open(S)
    assert (report.posted, report.unavailable) == (2, 1)
    active, reason = await channel_state(world, BUTTONS)
    assert not active and "kicked" in (reason or "").lower()
    assert "is unavailable" in caplog.text and f"positie channels retry {BUTTONS}" in caplog.text


async def test_deleted_chat_is_marked_inactive_and_nothing_else_stops(
        world: TelegramWorld) -> None:
    world.emulator.delete_chat(POLL)
    report = await world.service.open(S)
    assert (report.posted, report.pending, report.unavailable) == (2, 0, 1)
    active, reason = await channel_state(world, POLL)
    assert not active and "chat not found" in (reason or "").lower()
    assert world.statement_message(BUTTONS, S) and world.statement_message(GEMEENTE, S)


async def test_429_is_waited_out_and_retried(world: TelegramWorld) -> None:
    world.emulator.fail_next("sendMessage", 429, retry_after=1)
    started = time.monotonic()
    report = await world.service.open(S)
    assert (report.posted, report.pending) == (3, 0)
    assert time.monotonic() - started >= 1.0
    statuses = [c.status for c in world.emulator.calls_to("sendMessage")]
    assert statuses.count(429) == 1 and statuses.count(200) == 2


async def test_other_failures_are_kept_for_retry(world: TelegramWorld) -> None:
    # A 500 is retried by the rate limiter (3 times here); one more and the post is kept.
    world.emulator.fail_next("sendPoll", 500, "Internal Server Error", times=4)
    report = await world.service.open(S)
    assert (report.posted, report.pending) == (2, 1)
    async with world.service.db.sessions() as session:
        errors = list(await session.scalars(select(Post.last_error).where(
            Post.status == "pending")))
    assert errors and "Internal Server Error" in errors[0]
    again = await world.service.open(S)  # a rerun delivers what was kept
    assert (again.posted, again.pending) == (1, 0)
    assert len([m for m in world.emulator.messages(POLL) if m.poll_id]) == 1


def long_document() -> Document:
    sections = tuple(
        Section(title=f"Stelling {n} <b>&</b>", blocks=(
            Paragraph("Rijk & provincie <zijn> het " * 12),
            Bullets(tuple(f"Laag {i}: 60% eens, gemiddelde <1,2> & meer" for i in range(25))),
        )) for n in range(8))
    action = Section(title="Jouw positie telt", blocks=(
        Paragraph("Nog niet geantwoord? " + "Tik je positie aan & meer " * 400),
        AnswerButtons(statement_key=S, options=(("eens", "eens"), ("oneens", "oneens")))))
    return Document(title="Samenvatting <test>", intro="Lang & breed.",
                    sections=(*sections, action), footer="Tot de volgende keer.")


async def test_long_digest_is_split_without_breaking_a_tag(world: TelegramWorld) -> None:
    await world.service.open(S)
    document = long_document()
    report = await world.service.publish_digest(period="2026-W48", document=document)
    assert (report.posted, report.failed) == (3, 0)
    parts = [m for m in world.emulator.messages(GEMEENTE) if m.parse_mode == "HTML"][1:]
    assert len(parts) >= 4
    for part in parts:
        # The emulator parses every part like Telegram does, so an unbalanced tag would have
        # been refused; each part also fits Telegram's limit, markup included.
        assert utf16_length(part.text or "") <= 4096
        assert part.text and part.text.count("<b>") == part.text.count("</b>")
    shown = " ".join(" ".join(part.plain_text or "" for part in parts).split())
    assert shown.count("gemiddelde <1,2> & meer") == 8 * 25
    assert shown.count("Tik je positie aan & meer") == 400
    assert parts[-2].reply_markup is not None  # the buttons end the call to action
    assert "Tot de volgende keer." in (parts[-1].plain_text or "")


async def test_pacing_keeps_to_the_limits_without_a_429(service: CampaignService,
                                                        db_url: str) -> None:
    await configured(service, db_url)
    policy = RateLimitPolicy(time_scale=0.02)  # a group's minute in 1.2 s
    async with telegram_world(service, service.settings, rate_limits=policy) as world:
        await world.service.open(S)
        await world.service.open(S2)
        await world.service.publish_digest(period="2026-W48", document=long_document())
        limiter = world.emulator.rate_limiter
        assert limiter.rejected_total == 0
        assert limiter.sent_total == 2 * len(CHATS) + 3 * len(parts_of(long_document()))


async def test_a_wrong_token_is_a_configuration_error(service: CampaignService,
                                                     db_url: str) -> None:
    from adapters.telegram import TelegramAdapter
    from bot.settings.config import ConfigError
    from emulators.telegram import TelegramEmulator

    await configured(service, db_url)
    async with TelegramEmulator() as emulator:
        section = TelegramSettings.of(service.settings).model_copy(
            update={"base_url": emulator.base_url, "bot_token": "123:not-the-token"})
        adapter = TelegramAdapter(service=service, settings=section)
        with pytest.raises(ConfigError, match=r"telegram\.bot_token"):
            await adapter.start()
        await adapter.stop()
