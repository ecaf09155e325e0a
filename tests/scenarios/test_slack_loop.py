"""The whole Slack loop, over HTTP and over Socket Mode: statement out, clicks in (signed
requests, or envelopes on the bot's WebSocket), digest out."""

from __future__ import annotations

import itertools
import logging
import time

import pytest
from sqlalchemy import func, select

from bot.store.models import Position, PositionEvent
from tests.slack_world import SlackWorld

S = "visie-rijk"


@pytest.fixture
def world(slack_any_mode: SlackWorld) -> SlackWorld:
    return slack_any_mode


async def stored(world: SlackWorld) -> list[tuple[str, str]]:
    async with world.service.db.sessions() as session:
        rows = await session.execute(select(Position.option_key, Position.layer))
        return sorted((r.option_key, r.layer) for r in rows)


async def event_count(world: SlackWorld) -> int:
    async with world.service.db.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(PositionEvent)) or 0)


async def test_statement_is_posted_with_one_button_per_option(world: SlackWorld) -> None:
    report = await world.service.open(S)
    assert report.posted == 2
    message = world.statement_message("C0MIXED001", S)
    actions = next(b for b in message.blocks if b["type"] == "actions")
    assert [e["value"] for e in actions["elements"]] == [
        f"{S}:{o}" for o in ("helemaal_eens", "eens", "neutraal", "oneens",
                             "helemaal_oneens", "weet_niet")]
    assert "Versneller 1" in str(message.blocks[0])


async def test_click_records_and_answers_only_the_clicker(world: SlackWorld) -> None:
    await world.service.open(S)
    response = await world.click("U1", S, "eens")
    assert response.status == 200
    await world.settle()
    assert await stored(world) == [("eens", "onbekend")]
    [reply] = world.emulator.ephemerals("U1")
    assert "eens" in reply.text and "Welke overheidslaag" in reply.text
    assert world.emulator.ephemerals("U2") == []
    # Nobody else sees anything: the channel message itself does not name anyone.
    assert "U1" not in str(world.statement_message("C0MIXED001", S).blocks)


async def test_change_of_mind_keeps_one_position(world: SlackWorld) -> None:
    await world.service.open(S)
    await world.click("U1", S, "eens")
    await world.click("U1", S, "helemaal_oneens")
    await world.settle()
    assert await stored(world) == [("helemaal_oneens", "onbekend")]
    assert "Gewijzigd" in world.replies_to("U1")[-1]


async def test_duplicate_delivery_changes_nothing(world: SlackWorld) -> None:
    await world.service.open(S)
    first = await world.click("U1", S, "eens")
    retries = [await world.users.redeliver(retry_num=n) for n in (1, 2, 3)]
    assert [r.status for r in (first, *retries)] == [200] * 4
    assert await event_count(world) == 1
    assert await stored(world) == [("eens", "onbekend")]


@pytest.mark.parametrize("kind", ["forged", "stale"])
async def test_bad_signature_is_refused_and_records_nothing(
        world: SlackWorld, kind: str, caplog: pytest.LogCaptureFixture) -> None:
    if world.socket_mode:
        pytest.skip("Socket Mode has no signed requests: the socket is opened with the token")
    caplog.set_level(logging.INFO)
    await world.service.open(S)
    if kind == "forged":
        response = await world.click("U1", S, "eens", signature_override="v0=" + "0" * 64)
    else:
        response = await world.click("U1", S, "eens", timestamp=int(time.time()) - 600)
    await world.settle()
    assert response.status == 401
    assert await stored(world) == []
    assert await event_count(world) == 0
    assert "bad or stale Slack signature" in caplog.text
    assert "positie.vote" not in caplog.text and "U1" not in caplog.text  # no answer logged


async def test_unknown_layer_then_chosen(world: SlackWorld) -> None:
    await world.service.open(S)
    await world.click("U1", S, "eens")
    await world.settle()
    [prompt] = world.emulator.ephemerals("U1")
    layer_block = next(b for b in prompt.blocks if b.get("block_id") == "positie.layer")
    assert [e["value"] for e in layer_block["elements"]] == [
        "rijk", "provincie", "gemeente", "waterschap"]
    response = await world.users.click_button("U1", "C0MIXED001", prompt.ts,
                                              "positie.layer.waterschap")
    assert response.status == 200
    await world.settle()
    assert await stored(world) == [("eens", "waterschap")]
    assert "Waterschap" in world.replies_to("U1")[-1]


async def test_channel_default_layer_applies(world: SlackWorld) -> None:
    await world.service.open(S)
    await world.click("U7", S, "oneens", channel="C0RIJK0001")
    await world.settle()
    assert await stored(world) == [("oneens", "rijk")]
    assert "Welke overheidslaag" not in world.replies_to("U7")[-1]


async def test_vote_on_closed_statement_is_refused_with_reason(world: SlackWorld) -> None:
    await world.service.open(S)
    message = world.statement_message("C0MIXED001", S)
    await world.service.close(S)
    closed = world.emulator.message("C0MIXED001", message.ts)
    assert closed is not None and not any(b["type"] == "actions" for b in closed.blocks)
    assert "Gesloten" in str(closed.blocks)
    response = await world.users.click_button("U1", "C0MIXED001", message.ts,
                                              "positie.vote.eens",
                                              block_id=f"positie.vote:{S}",
                                              value=f"{S}:eens")
    await world.settle()
    assert response.status == 200
    assert await stored(world) == []
    assert "gesloten" in world.replies_to("U1")[-1]


async def test_live_tally_counts_only_from_k_and_is_batched(world: SlackWorld) -> None:
    await world.service.open(S)
    for user in ("U1", "U2"):
        await world.click(user, S, "eens")
    await world.settle()
    text = str(world.statement_message("C0MIXED001", S).blocks)
    assert "vanaf 3 antwoorden" in text and "Tussenstand" not in text
    for n in range(3, 30):
        await world.click(f"U{n}", S, "oneens")
    await world.settle()
    for channel in ("C0MIXED001", "C0RIJK0001"):  # the statement's post in both channels
        updates = [c for c in world.emulator.calls_to("chat.update")
                   if c.body.get("channel") == channel]
        assert 1 <= len(updates) < 29  # fewer edits than clicks ...
        gaps = [b.at - a.at for a, b in itertools.pairwise(updates)]
        assert all(gap >= 0.04 for gap in gaps), gaps  # ... never more than one per interval
        final = str(world.statement_message(channel, S).blocks)
        # How many answered is live; the counts per option are the last release (the
        # release step's own tests say when that moves).
        assert "29 antwoorden tot nu toe." in final and "Per optie (" in final
        assert "U1" not in final


async def test_digest_is_posted_to_the_emulator(world: SlackWorld) -> None:
    await world.service.open(S)
    for n, option in enumerate(["eens"] * 3 + ["oneens"] * 3):
        await world.click(f"R{n}", S, option, channel="C0RIJK0001")
    for n in range(3):  # three people of unknown layer: shown as such
        await world.click(f"G{n}", S, "eens")
    await world.settle()
    report = await world.service.publish_digest(period="2026-W48")
    assert report.posted == 2
    again = await world.service.publish_digest(period="2026-W48")
    assert (again.posted, again.already_posted) == (0, 2)
    [digest] = [m for m in world.emulator.messages("C0RIJK0001")
                if m.blocks and m.blocks[0]["type"] == "header"]
    assert "Wie doet er mee" in str(digest.blocks)
    assert digest.text.startswith("Samenvatting")  # plain-text fallback
    # The full table per statement and layer is attached to the digest as a file.
    [table] = [f for f in world.emulator.state.files.values()
               if f.filename == "positie-stellingen.txt" and "C0RIJK0001" in f.channels]
    text = (table.data or b"").decode()
    assert "Rijk (6): 50% eens" in text
    # Three alike: a count only, and no total to subtract it from.
    assert "Onbekende laag (3): niet uitgesplitst, ter bescherming van een kleine groep" in text
    assert "Onbekende laag (3): 100%" not in text and "Alle lagen" not in text


async def test_not_in_channel_is_kept_for_retry(world: SlackWorld,
                                                caplog: pytest.LogCaptureFixture) -> None:
    world.emulator.remove_bot_from("C0RIJK0001")
    report = await world.service.open(S)
    assert (report.posted, report.pending) == (1, 1)
    assert "Invite it there" in caplog.text
    world.emulator.add_bot_to("C0RIJK0001")
    retry = await world.service.open(S)
    assert (retry.posted, retry.pending) == (1, 0)
    assert len(world.emulator.messages("C0RIJK0001")) == 1
    assert len(world.emulator.messages("C0MIXED001")) == 1


async def test_answer_buttons_in_the_digest_record_but_leave_the_digest(
        world: SlackWorld) -> None:
    await world.service.open(S)
    await world.service.publish_digest(period="2026-W48")
    digest = next(m for m in world.emulator.messages("C0MIXED001")
                  if m.blocks[0]["type"] == "header")
    buttons = [b for b in digest.blocks if b.get("block_id") == f"positie.vote:{S}"]
    assert buttons, "the digest calls to action with the open statement's buttons"
    response = await world.users.click_button("U1", "C0MIXED001", digest.ts,
                                              "positie.vote.eens")
    await world.settle()
    assert response.status == 200
    assert await stored(world) == [("eens", "onbekend")]
    after = world.emulator.message("C0MIXED001", digest.ts)
    assert after is not None and after.blocks[0]["type"] == "header"


async def test_statement_text_cannot_notify_the_channel(world: SlackWorld) -> None:
    """Slack parses the top-level `text` (notification and fallback) as mrkdwn too."""
    from bot.publishing.catalogue_import import import_catalogue
    from bot.settings.catalogue import Catalogue

    catalogue = Catalogue.model_validate({"themes": [{"key": "t", "title": "T", "statements": [
        {"key": "gevaarlijk", "text": "<!channel> Afval & grondstof <https://x.nl|hier>"}]}]})
    await import_catalogue(world.service.db, world.service.campaign_id, catalogue,
                           now=world.service.clock.now())
    await world.service.open("gevaarlijk")
    posted = [c for c in world.emulator.calls_to("chat.postMessage")
              if "Afval" in str(c.body.get("text"))]
    assert posted and all(c.body["text"] == "&lt;!channel&gt; Afval &amp; grondstof "
                          "&lt;https://x.nl|hier&gt;" for c in posted)
