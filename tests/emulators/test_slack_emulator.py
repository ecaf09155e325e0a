"""The Slack emulator, exercised only through the real slack_sdk client and a real bolt app."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.web.async_client import AsyncWebClient

from emulators.slack import RateLimitPolicy, SlackEmulator, SlackUserClient

SIGNING_SECRET = "emulator-signing-secret"
VOTE_BLOCKS: list[dict[str, Any]] = [
    {"type": "section", "text": {"type": "mrkdwn", "text": "Ban cars from the centre?"}},
    {
        "type": "actions",
        "block_id": "position",
        "elements": [
            {
                "type": "button",
                "action_id": "vote",
                "text": {"type": "plain_text", "text": "Agree"},
                "value": "agree",
            }
        ],
    },
]


@pytest.fixture
async def slack() -> AsyncIterator[SlackEmulator]:
    async with SlackEmulator(rate_limits=False) as emulator:
        emulator.add_channel("C1", "general")
        emulator.add_user("U1", "anna")
        yield emulator


def client_for(slack: SlackEmulator, **kwargs: Any) -> AsyncWebClient:
    kwargs.setdefault("token", slack.bot_token)
    return AsyncWebClient(base_url=slack.base_url, **kwargs)


# --- Web API ---------------------------------------------------------------------------------
async def test_post_then_update_is_reflected_in_state(slack: SlackEmulator) -> None:
    client = client_for(slack)
    posted = await client.chat_postMessage(channel="C1", text="Statement 1", blocks=VOTE_BLOCKS)
    assert posted["ok"] and posted["channel"] == "C1"
    assert posted["message"]["text"] == "Statement 1"
    assert posted["message"]["bot_id"] == slack.state.bot_id
    assert all("block_id" in block for block in posted["message"]["blocks"])

    updated = await client.chat_update(channel="C1", ts=posted["ts"], text="Statement 1 (3 votes)")
    assert updated["ts"] == posted["ts"] and updated["text"] == "Statement 1 (3 votes)"

    [message] = slack.messages("C1")
    assert message.text == "Statement 1 (3 votes)"
    assert message.blocks[1]["block_id"] == "position"  # blocks kept when not sent
    assert [r.text for r in message.history] == ["Statement 1"]
    call = slack.calls_to("chat.postMessage")[0]
    assert call.http_method == "POST" and call.body["text"] == "Statement 1"
    assert call.headers["Authorization"] == f"Bearer {slack.bot_token}"


async def test_reads_use_get_with_query_string(slack: SlackEmulator) -> None:
    client = client_for(slack)
    user = await client.users_info(user="U1")
    channel = await client.conversations_info(channel="C1")
    assert user["user"]["name"] == "anna" and channel["channel"]["is_member"] is True
    assert [c.http_method for c in slack.calls] == ["GET", "GET"]


@pytest.mark.parametrize(("token", "error"), [("xoxb-wrong", "invalid_auth"), (None, "not_authed")])
async def test_bad_or_missing_token(slack: SlackEmulator, token: str | None, error: str) -> None:
    with pytest.raises(SlackApiError) as raised:
        await client_for(slack, token=token).chat_postMessage(channel="C1", text="x")
    assert raised.value.response.status_code == 200
    assert raised.value.response["error"] == error


async def test_channel_errors(slack: SlackEmulator) -> None:
    client = client_for(slack)
    with pytest.raises(SlackApiError, match="channel_not_found"):
        await client.chat_postMessage(channel="C404", text="x")
    slack.remove_bot_from("C1")
    with pytest.raises(SlackApiError, match="not_in_channel"):
        await client.chat_postMessage(channel="C1", text="x")
    assert slack.messages("C1") == []


async def test_burst_into_one_channel_gets_429_with_retry_after() -> None:
    policy = RateLimitPolicy(post_message_burst=2, post_message_per_second=1.0)
    async with SlackEmulator(rate_limit_policy=policy) as slack:
        slack.add_channel("C1", "general")
        slack.add_channel("C2", "random")
        client = client_for(slack)
        for i in range(2):
            await client.chat_postMessage(channel="C1", text=f"m{i}")
        with pytest.raises(SlackApiError) as raised:
            await client.chat_postMessage(channel="C1", text="m2")
        assert raised.value.response.status_code == 429
        assert raised.value.response["error"] == "ratelimited"
        assert raised.value.response.headers["Retry-After"] == "1"
        await client.chat_postMessage(channel="C2", text="other channel")  # per-channel limit
        assert [c.status for c in slack.calls_to("chat.postMessage")] == [200, 200, 429, 200]


async def test_rate_limit_retry_handler_recovers() -> None:
    policy = RateLimitPolicy(post_message_burst=1, post_message_per_second=20.0)
    async with SlackEmulator(rate_limit_policy=policy) as slack:
        slack.add_channel("C1", "general")
        client = client_for(slack, retry_handlers=[AsyncRateLimitErrorRetryHandler(2)])
        await client.chat_postMessage(channel="C1", text="first")
        second = await client.chat_postMessage(channel="C1", text="second")
        assert second["ok"]
        assert [c.status for c in slack.calls_to("chat.postMessage")] == [200, 429, 200]
        assert [m.text for m in slack.messages("C1")] == ["first", "second"]


async def test_users_lookup_by_email_as_slack_answers(slack: SlackEmulator) -> None:
    client = client_for(slack)
    slack.add_user("U2", "bert", email="Bert@MinBZK.nl")
    found = await client.users_lookupByEmail(email="bert@minbzk.nl")
    assert (found["user"]["id"], found["user"]["team_id"]) == ("U2", "T0POSITIE")
    assert found["user"]["profile"]["email"] == "Bert@MinBZK.nl"
    assert slack.calls_to("users.lookupByEmail")[0].http_method == "GET"
    slack.deactivate_user("U2")
    for email in ("bert@minbzk.nl", "nobody@minbzk.nl"):
        with pytest.raises(SlackApiError) as missing:
            await client.users_lookupByEmail(email=email)
        assert missing.value.response.data == {"ok": False, "error": "users_not_found"}
    slack.remove_scope("users:read.email")
    with pytest.raises(SlackApiError) as refused:
        await client.users_lookupByEmail(email="bert@minbzk.nl")
    assert refused.value.response["error"] == "missing_scope"
    assert refused.value.response["needed"] == "users:read.email"
    assert "users:read" in refused.value.response["provided"].split(",")


async def test_files_upload_v2_shares_into_channel(slack: SlackEmulator) -> None:
    result = await client_for(slack).files_upload_v2(
        channel="C1",
        content="layer,agree\nall,3\n",
        filename="tally.csv",
        title="Tally",
        initial_comment="Today's tally",
    )
    file_id = result["file"]["id"]
    assert slack.files[file_id].data == b"layer,agree\nall,3\n"
    [message] = slack.messages("C1")
    assert message.text == "Today's tally"
    assert message.files[0]["id"] == file_id and message.files[0]["title"] == "Tally"
    assert [c.method for c in slack.calls] == [
        "files.getUploadURLExternal",
        "file_upload",
        "files.completeUploadExternal",
    ]
    assert all(call.ok for call in slack.calls)


async def test_conversations_open_gives_a_dm(slack: SlackEmulator) -> None:
    client = client_for(slack)
    opened = await client.conversations_open(users="U1")
    dm = opened["channel"]["id"]
    assert dm.startswith("D") and slack.dm_channel("U1") == dm
    again = await client.conversations_open(users="U1")
    assert again["channel"]["id"] == dm and again["already_open"] is True
    await client.chat_postMessage(channel=dm, text="Your position?")
    info = await client.conversations_info(channel=dm)
    assert info["channel"]["is_im"] is True and info["channel"]["user"] == "U1"
    assert [m.text for m in slack.messages(dm)] == ["Your position?"]


async def test_fault_injected_once(slack: SlackEmulator) -> None:
    client = client_for(slack)
    slack.fail_next("chat.postMessage", error="not_in_channel")
    with pytest.raises(SlackApiError, match="not_in_channel"):
        await client.chat_postMessage(channel="C1", text="x")
    assert (await client.chat_postMessage(channel="C1", text="y"))["ok"]


async def test_server_error_fault_recovered_by_retry_handler(slack: SlackEmulator) -> None:
    retry = AsyncServerErrorRetryHandler(1, FixedValueRetryIntervalCalculator(0.01))
    client = client_for(slack, retry_handlers=[retry])
    slack.fail_next("users.info", status=500)
    assert (await client.users_info(user="U1"))["ok"]
    assert [c.status for c in slack.calls_to("users.info")] == [500, 200]


async def test_ephemeral_is_visible_to_one_user(slack: SlackEmulator) -> None:
    sent = await client_for(slack).chat_postEphemeral(channel="C1", user="U1", text="Only you")
    [ephemeral] = slack.ephemerals("U1")
    assert ephemeral.ts == sent["message_ts"] and ephemeral.text == "Only you"
    assert slack.messages("C1") == []


# --- inbound: a real bolt app ----------------------------------------------------------------
class BoltHarness:
    def __init__(self, slack: SlackEmulator) -> None:
        self.app = AsyncApp(
            signing_secret=SIGNING_SECRET, client=client_for(slack), process_before_response=True
        )
        self.bodies: list[dict[str, Any]] = []
        self.retry_nums: list[str | None] = []

        @self.app.action("vote")
        async def on_vote(ack: Any, body: dict[str, Any], respond: Any, request: Any) -> None:
            await ack()
            self.bodies.append(body)
            self.retry_nums.append(request.headers.get("x-slack-retry-num", [None])[0])
            if body["container"]["is_ephemeral"]:
                await respond(text="Thanks (replaced)", replace_original=True)
            else:
                await respond(text=f"Recorded: {body['actions'][0]['value']}")

        @self.app.command("/positie")
        async def on_command(ack: Any, body: dict[str, Any], respond: Any) -> None:
            await ack()
            self.bodies.append(body)
            await respond(text="Here is your position", response_type="in_channel")


@pytest.fixture
async def bolt(slack: SlackEmulator) -> AsyncIterator[tuple[BoltHarness, SlackUserClient]]:
    harness = BoltHarness(slack)

    async def handle(request: web.Request) -> web.Response:
        bolt_response = await harness.app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    web_app = web.Application()
    web_app.router.add_post("/slack/events", handle)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    user = SlackUserClient(
        bot_url=f"http://127.0.0.1:{port}/slack/events",
        signing_secret=SIGNING_SECRET,
        emulator=slack,
    )
    try:
        async with user:
            yield harness, user
    finally:
        await runner.cleanup()


async def test_click_reaches_listener_and_respond_reaches_emulator(
    slack: SlackEmulator, bolt: tuple[BoltHarness, SlackUserClient]
) -> None:
    harness, user = bolt
    posted = await client_for(slack).chat_postMessage(channel="C1", text="S1", blocks=VOTE_BLOCKS)
    answer = await user.click_button("U1", "C1", posted["ts"], "vote")
    assert answer.status == 200
    [body] = harness.bodies
    assert body["type"] == "block_actions" and body["user"]["id"] == "U1"
    assert body["container"] == {
        "type": "message",
        "message_ts": posted["ts"],
        "channel_id": "C1",
        "is_ephemeral": False,
    }
    assert body["message"]["blocks"][1]["elements"][0]["value"] == "agree"
    assert body["actions"][0]["block_id"] == "position"
    assert body["actions"][0]["text"]["text"] == "Agree"
    [response] = slack.responses
    assert response.outcome == "ephemeral" and response.body["text"] == "Recorded: agree"
    assert [m.text for m in slack.ephemerals("U1", "C1")] == ["Recorded: agree"]
    assert slack.calls_to("response_url")[0].http_method == "POST"


async def test_click_on_ephemeral_message_replaces_it(
    slack: SlackEmulator, bolt: tuple[BoltHarness, SlackUserClient]
) -> None:
    harness, user = bolt
    sent = await client_for(slack).chat_postEphemeral(
        channel="C1", user="U1", text="Your vote?", blocks=VOTE_BLOCKS
    )
    assert (await user.click_button("U1", "C1", sent["message_ts"], "vote")).status == 200
    assert harness.bodies[0]["container"]["is_ephemeral"] is True
    assert "message" not in harness.bodies[0]
    [ephemeral] = slack.ephemerals("U1")
    assert ephemeral.text == "Thanks (replaced)" and slack.responses[0].outcome == "replaced"


async def test_click_in_dm_and_redelivery_headers(
    slack: SlackEmulator, bolt: tuple[BoltHarness, SlackUserClient]
) -> None:
    harness, user = bolt
    client = client_for(slack)
    dm = (await client.conversations_open(users="U1"))["channel"]["id"]
    posted = await client.chat_postMessage(channel=dm, text="S1", blocks=VOTE_BLOCKS)
    await user.click_button("U1", dm, posted["ts"], "vote")
    await user.click_button("U1", dm, posted["ts"], "vote", retry_num=1)
    assert harness.bodies[0]["channel"] == {"id": dm, "name": "directmessage"}
    assert harness.retry_nums == [None, "1"]


async def test_forged_or_stale_requests_are_refused(
    slack: SlackEmulator, bolt: tuple[BoltHarness, SlackUserClient]
) -> None:
    harness, user = bolt
    posted = await client_for(slack).chat_postMessage(channel="C1", text="S1", blocks=VOTE_BLOCKS)
    forged = await user.click_button("U1", "C1", posted["ts"], "vote", signature_override="v0=00")
    too_old = int(time.time()) - 600
    stale = await user.click_button("U1", "C1", posted["ts"], "vote", timestamp=too_old)
    assert (forged.status, stale.status) == (401, 401)
    assert harness.bodies == [] and slack.responses == []


async def test_slash_command(
    slack: SlackEmulator, bolt: tuple[BoltHarness, SlackUserClient]
) -> None:
    harness, user = bolt
    answer = await user.slash_command("U1", "C1", "/positie", "status")
    assert answer.status == 200
    assert harness.bodies[0]["command"] == "/positie" and harness.bodies[0]["text"] == "status"
    [message] = slack.messages("C1")
    assert message.text == "Here is your position"
    assert json.loads(json.dumps(slack.responses[0].body))["response_type"] == "in_channel"
