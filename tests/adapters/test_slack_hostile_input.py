"""Hostile and out-of-scope Slack requests: each answered 4xx (or the 200 Slack requires for
a well-formed click that names nothing valid), never 500, no traceback, nothing recorded; in
Socket Mode the same payloads are acked and change nothing."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from typing import Any
from urllib.parse import parse_qs, urlencode

import aiohttp
import pytest
from sqlalchemy import func, select

from adapters.slack.endpoint import FORM
from bot.store.models import PositionEvent
from tests.slack_world import SIGNING_SECRET, SlackWorld


def signed_headers(body: bytes, *, content_type: str = FORM) -> dict[str, str]:
    ts = str(int(time.time()))
    digest = hmac.new(SIGNING_SECRET.encode(), b"v0:" + ts.encode() + b":" + body,
                      hashlib.sha256).hexdigest()
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": f"v0={digest}"}


async def post(world: SlackWorld, body: bytes, headers: dict[str, str]) -> int:
    async with aiohttp.ClientSession() as session, session.post(
            world.users.bot_url, data=body, headers=headers) as response:
        return response.status


async def events(world: SlackWorld) -> int:
    async with world.service.db.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(PositionEvent)) or 0)


def click_payload(world: SlackWorld) -> dict[str, Any]:
    message = world.statement_message("C0MIXED001", "visie-rijk")
    form = world.users.click_body("U1", "C0MIXED001", message.ts, "positie.vote.eens")
    return dict(json.loads(parse_qs(form)["payload"][0]))


@pytest.fixture
async def world(slack: SlackWorld) -> SlackWorld:
    slack.emulator.add_user("U1", "ambtenaar1")
    await slack.service.open("visie-rijk")
    return slack


@pytest.mark.parametrize("headers", [
    {"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=" + "0" * 64},
    {"X-Slack-Request-Timestamp": "1e9", "X-Slack-Signature": "v0=" + "0" * 64},
    {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "sha1=abc"},
    {},
])
async def test_malformed_signature_headers_get_401(world: SlackWorld, headers: dict[str, str],
                                                   caplog: pytest.LogCaptureFixture) -> None:
    assert await post(world, b"payload=%7B%7D", {"Content-Type": FORM, **headers}) == 401
    assert "Traceback" not in caplog.text


async def test_a_body_that_is_not_utf8_gets_400(world: SlackWorld,
                                                caplog: pytest.LogCaptureFixture) -> None:
    body = b"payload=\xff\xfe"
    assert await post(world, body, signed_headers(body)) == 400
    assert "Traceback" not in caplog.text


@pytest.mark.parametrize("change", [
    lambda p: [p],  # a JSON array as the payload
    lambda p: {**p, "actions": p["actions"][0]},  # actions not a list
    lambda p: {**p, "actions": []},
    lambda p: {**p, "user": "U1"},  # user a string
    lambda p: {**p, "user": None},  # user null: must not record an empty identity
    lambda p: {**p, "user": {"id": None}},
    lambda p: {**p, "actions": [{**p["actions"][0], "action_ts": "yesterday"}]},
    lambda p: {**p, "actions": [{**p["actions"][0], "value": {"x": 1}}]},
])
async def test_signed_but_malformed_payloads_get_400_and_record_nothing(
        world: SlackWorld, change: Any, caplog: pytest.LogCaptureFixture) -> None:
    body = urlencode({"payload": json.dumps(change(click_payload(world)))}).encode()
    assert await post(world, body, signed_headers(body)) == 400
    assert await events(world) == 0
    assert "Traceback" not in caplog.text


async def test_a_json_array_body_gets_400(world: SlackWorld) -> None:
    body = b"[1, 2, 3]"
    assert await post(world, body, signed_headers(body, content_type="application/json")) == 400


@pytest.mark.parametrize("change", [
    lambda p: {**p, "user": {**p["user"], "team_id": "T0OTHER"}, "team": {"id": "T0OTHER"}},
    lambda p: {**p, "channel": {"id": "C0ELSEWHERE"},
               "container": {**p["container"], "channel_id": "C0ELSEWHERE"}},
    lambda p: {**p, "actions": [{**p["actions"][0], "action_id": "someone.else"}]},
])
async def test_well_formed_clicks_outside_the_campaign_get_200_and_change_nothing(
        world: SlackWorld, change: Any, caplog: pytest.LogCaptureFixture) -> None:
    body = urlencode({"payload": json.dumps(change(click_payload(world)))}).encode()
    assert await post(world, body, signed_headers(body)) == 200
    await world.settle()
    assert await events(world) == 0
    assert world.replies_to("U1") == []


async def test_the_same_click_unchanged_is_recorded(world: SlackWorld) -> None:
    body = urlencode({"payload": json.dumps(click_payload(world))}).encode()
    assert await post(world, body, signed_headers(body)) == 200
    assert await events(world) == 1


async def test_the_workspace_is_learned_from_auth_test(world: SlackWorld) -> None:
    assert world.adapter.scope.team_id == world.emulator.state.team_id


def test_nothing_of_a_refused_body_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    from adapters.slack.payloads import MalformedPayload, parse_payload
    caplog.set_level(logging.DEBUG)
    with pytest.raises(MalformedPayload) as refused:
        parse_payload({"type": "block_actions", "user": {"id": "secret-value"}, "actions": []})
    assert "secret-value" not in str(refused.value)


async def test_a_command_from_another_workspace_changes_nothing(world: SlackWorld) -> None:
    body = urlencode({"command": "/positie", "text": "stop", "user_id": "U1",
                      "team_id": "T0OTHER", "channel_id": "C0MIXED001"}).encode()
    async with aiohttp.ClientSession() as session, session.post(
            world.users.bot_url, data=body, headers=signed_headers(body)) as response:
        assert response.status == 200
        assert "geen campagne" in await response.text()


@pytest.fixture
async def socket_world(slack_any_mode: SlackWorld) -> SlackWorld:
    slack_any_mode.emulator.add_user("U1", "ambtenaar1")
    await slack_any_mode.service.open("visie-rijk")
    return slack_any_mode


MALFORMED = [
    lambda p: {**p, "actions": p["actions"][0]},
    lambda p: {**p, "user": None},
    lambda p: {**p, "user": {"id": ["U1"]}},
    lambda p: {**p, "actions": [{**p["actions"][0], "action_ts": None}]},
    lambda p: {**p, "type": "view_submission"},
]
OUT_OF_SCOPE = [
    lambda p: {**p, "user": {**p["user"], "team_id": "T0OTHER"}, "team": {"id": "T0OTHER"}},
    lambda p: {**p, "channel": {"id": "C0ELSEWHERE"},
               "container": {**p["container"], "channel_id": "C0ELSEWHERE"}},
]


@pytest.mark.parametrize("change", MALFORMED + OUT_OF_SCOPE)
async def test_in_both_modes_a_bad_or_foreign_click_changes_nothing_and_a_real_one_counts(
        socket_world: SlackWorld, change: Any, caplog: pytest.LogCaptureFixture) -> None:
    world = socket_world
    payload = click_payload(world)
    response = await world.users.send_signed(urlencode({"payload": json.dumps(
        change(payload))}), content_type=FORM)
    # HTTP: 400 for a malformed body, 200 for a well-formed foreign click; Socket Mode:
    # acked either way (status 200 from the emulator, which times out without an ack).
    assert response.status in ((200,) if world.socket_mode else (200, 400))
    await world.settle()
    assert await events(world) == 0
    assert "Traceback" not in caplog.text
    assert (await world.click("U1", "visie-rijk", "eens")).status == 200
    assert await events(world) == 1


async def test_socket_mode_a_command_from_another_workspace_changes_nothing(
        socket_world: SlackWorld) -> None:
    body = urlencode({"command": "/positie", "text": "stop", "user_id": "U1",
                      "team_id": "T0OTHER", "channel_id": "C0MIXED001"})
    response = await socket_world.users.send_signed(body, content_type=FORM)
    assert response.status == 200
    assert "geen campagne" in response.body


async def test_a_command_in_another_channel_of_the_workspace_works(world: SlackWorld) -> None:
    body = urlencode({"command": "/positie", "text": "privacy", "user_id": "U1",
                      "team_id": "T0POSITIE", "channel_id": "C0ELSEWHERE"}).encode()
    async with aiohttp.ClientSession() as session, session.post(
            world.users.bot_url, data=body, headers=signed_headers(body)) as response:
        assert response.status == 200
        assert "geen campagne" not in await response.text()
