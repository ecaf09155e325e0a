"""Fuzz over Socket Mode: envelopes whose payloads are real clicks, commands and events with
parts replaced, removed or garbled (or no object at all). Every envelope is acked within
Slack's 3 s (an unacked one Slack would send again and again), nothing logs a traceback or
an error, and a real click afterwards is recorded at once.

Size: 5,000 envelopes (`POSITIE_FUZZ_SCALE` multiplies it)."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from bot.service import CampaignService
from emulators.slack.payloads import event_callback
from tests.adapters.test_slack_hostile_input import events
from tests.factories import apply_settings
from tests.factories import settings as campaign_settings
from tests.fuzz.strategies import mutated
from tests.fuzz.test_slack_fuzz import COMMAND, FIXED, memory_flat, mib, real_click, sample
from tests.slack_world import SlackWorld, slack_section, slack_world

SCALE = float(os.environ.get("POSITIE_FUZZ_SCALE", "1"))
BATCH = 25
EXAMPLES = int(200 * SCALE)  # x BATCH = 5,000 envelopes


@pytest.fixture
async def world(service: CampaignService, db_url: str) -> AsyncIterator[SlackWorld]:
    if not db_url.startswith("sqlite"):
        pytest.skip("the fuzz runs once, on SQLite (the handler does not depend on the store)")
    config = await apply_settings(service, campaign_settings(db_url, slack=slack_section()))
    async with slack_world(service, config, socket_mode=True) as w:
        w.emulator.add_user("U1", "ambtenaar1")
        await w.service.open("visie-rijk")
        yield w


def bases(world: SlackWorld) -> list[tuple[str, dict[str, Any]]]:
    state = world.emulator.state
    joined = event_callback(state=state, verification_token="x", event={
        "type": "member_joined_channel", "user": state.bot_user_id, "channel": "C0MIXED001",
        "channel_type": "C", "team": state.team_id})
    return [("interactive", real_click(world)), ("slash_commands", dict(COMMAND)),
            ("events_api", joined)]


def draw_batches(kinds: list[tuple[str, dict[str, Any]]]) -> list[list[tuple[str, Any]]]:
    batches: list[list[tuple[str, Any]]] = []
    envelope = st.sampled_from(kinds).flatmap(
        lambda base: st.tuples(st.just(base[0]), mutated(base[1])))

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=FIXED,
              phases=[Phase.generate], suppress_health_check=[HealthCheck.too_slow])
    @given(batch=st.lists(envelope, min_size=BATCH, max_size=BATCH))
    def example(batch: list[tuple[str, Any]]) -> None:
        batches.append(batch)

    example()
    return batches


async def test_fuzzed_socket_mode_envelopes(world: SlackWorld,
                                            caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    batches = draw_batches(bases(world))
    sockets = world.emulator.sockets
    unacked, sizes, started = 0, [], time.monotonic()

    async def send(kind: str, payload: Any) -> None:
        nonlocal unacked
        try:
            await sockets.send(kind, payload)
        except TimeoutError:
            unacked += 1

    for n, batch in enumerate(batches):
        await asyncio.gather(*(send(kind, payload) for kind, payload in batch))
        assert "Traceback" not in caplog.text, caplog.text[-3000:]
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text[-3000:]
        caplog.clear()
        if n % 40 == 0:
            sizes.append(sample(caplog))
    await world.settle()
    print(f"\nSocket Mode fuzz: {len(batches) * BATCH} envelopes in "
          f"{time.monotonic() - started:.1f} s, {unacked} unacked, resident memory "
          f"{mib(sizes)}")
    assert unacked == 0
    assert memory_flat(sizes, BATCH * 40), mib(sizes)
    before = await events(world)
    assert (await world.click("U1", "visie-rijk", "oneens")).status == 200
    assert await events(world) == before + 1  # recorded at once: committed before the ack
