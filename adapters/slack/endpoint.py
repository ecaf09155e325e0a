"""The /slack/events endpoint: check Slack's signature, decode the body, dispatch to bolt.

Bolt decodes form bodies with urllib's pure-Python unquote: for a button click (a ~4 KB
payload with ~600 escapes) that was 0.35 ms of the ~1 ms a request costs the bot's core,
more than recording the position. yarl's C decoder (aiohttp's own URL library) does it in
0.03 ms. Bolt then gets the payload's JSON, which is not what Slack signed, so the signature
is checked here on the raw body with slack_sdk's verifier (the one bolt uses: HMAC plus the
five-minute staleness window) and bolt's own check is switched off for this app.

Hostile input never reaches bolt: a timestamp that is not a number, a signature of the wrong
shape or a body that is not UTF-8 is refused before the signature check (401 / 400); a signed
body that is not a payload positie handles (adapters/slack/payloads.py) after it (400). A
well-formed click on an action positie does not know is answered 200, as Slack requires.
Nothing of a refused body is logged: it may hold someone's position.
"""

from __future__ import annotations

import json
import logging
import re

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier
from yarl import URL

from adapters.slack.payloads import BlockActions, Inbound, MalformedPayload, parse_payload

log = logging.getLogger(__name__)

FORM = "application/x-www-form-urlencoded"
TIMESTAMP = re.compile(r"\d{1,12}", re.ASCII)
SIGNATURE = re.compile(r"v0=[0-9a-f]{64}", re.ASCII)
# Where bolt hands the typed payload to listeners (AsyncBoltContext keys).
PAYLOAD = "positie_payload"


def handled_here(payload: Inbound, action_prefixes: tuple[str, ...]) -> bool:
    """Whether bolt should see it: anything but a click on an action positie did not make."""
    return not isinstance(payload, BlockActions) or payload.actions[0].action_id.startswith(
        action_prefixes)


def bolt_body(raw: str, content_type: str) -> str:
    """The body for bolt: interactive payloads and slash commands as JSON, the rest as is.

    Raises ValueError when a form's payload is not a JSON object.
    """
    if content_type != FORM:
        return raw
    fields = URL.build(query_string=raw, encoded=True).query
    payload = fields.get("payload")
    if payload is None:
        # A slash command or ssl_check: its fields, as bolt's parse_qsl would give them.
        return json.dumps(dict(fields.items()))
    if not payload.startswith("{"):
        raise ValueError("the form's payload is not a JSON object")
    return payload


class SlackEndpoint:
    """An aiohttp handler serving one bolt AsyncApp built with
    request_verification_enabled=False (this handler verifies instead)."""

    def __init__(self, app: AsyncApp, *, signing_secret: str,
                 action_prefixes: tuple[str, ...] = ()) -> None:
        self._app = app
        self._verifier = SignatureVerifier(signing_secret=signing_secret)
        self._action_prefixes = action_prefixes

    async def handle(self, request: web.Request) -> web.Response:
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature", "")
        if not TIMESTAMP.fullmatch(timestamp) or not SIGNATURE.fullmatch(signature):
            log.info("refused a request without a well-formed Slack signature")
            return web.json_response({"error": "invalid request"}, status=401)
        try:
            raw = (await request.read()).decode("utf-8")
        except UnicodeDecodeError:
            log.info("refused a request whose body is not UTF-8")
            return web.json_response({"error": "malformed body"}, status=400)
        if not self._verifier.is_valid(raw, timestamp, signature):
            log.info("refused a request with a bad or stale Slack signature")
            return web.json_response({"error": "invalid request"}, status=401)
        try:
            body = bolt_body(raw, request.content_type)
            payload = parse_payload(json.loads(body))
        except (ValueError, RecursionError) as exc:  # MalformedPayload, JSONDecodeError
            reason = exc if isinstance(exc, MalformedPayload) else "not JSON"
            log.warning("refused a signed Slack request whose body could not be read: %s",
                        reason)
            return web.json_response({"error": "malformed body"}, status=400)
        if not handled_here(payload, self._action_prefixes):
            return web.Response(status=200)  # a click on nothing of ours: acked, no effect
        bolt_request = AsyncBoltRequest(body=body, query=request.query_string,
                                        headers=dict(request.headers),
                                        context={PAYLOAD: payload})
        return await to_aiohttp_response(await self._app.async_dispatch(bolt_request))
