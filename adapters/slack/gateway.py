"""SlackGateway: the ChatGateway port on the Slack Web API."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import (
    document_messages,
    escape,
    statement_blocks,
    text_section,
)
from adapters.slack.diagnosis import channel_check
from adapters.slack.settings import SlackSettings
from bot.document import Document
from bot.domain import StatementView
from bot.ports import (
    ChannelTarget,
    ChannelUnavailable,
    Check,
    DeliveryFailed,
    OutgoingPart,
    PostRef,
    PrivateTarget,
    RetryLater,
)
from bot.service import CampaignService

log = logging.getLogger(__name__)

# Errors after which posting here cannot work until an admin acts.
GONE = {"channel_not_found", "is_archived", "channel_is_archived"}
MAX_ALT_TEXT = 1000  # files.getUploadURLExternal's alt_txt
CHART_FILE = "positie-samenvatting.png"
# Every message positie posts carries its outbox delivery key in Slack's message metadata,
# so a rerun can find an attempt that arrived before its process died
# (conversations.history; needs the channels:history / groups:history scopes).
METADATA_EVENT = "positie_delivery"
# How far back a rerun looks for an earlier attempt: pages of conversations.history.
HISTORY_PAGES, HISTORY_PAGE = 5, 200


def delivery_metadata(key: str) -> dict[str, object]:
    return {"event_type": METADATA_EVENT, "event_payload": {"key": key}}


def retry_after(headers: Mapping[str, Any]) -> float:
    """Slack's Retry-After (whole seconds), 1 when it is missing or unreadable."""
    for name, value in headers.items():
        if name.lower() == "retry-after":
            try:
                return max(1.0, float(value[0] if isinstance(value, list) else value))
            except (TypeError, ValueError):
                break
    return 1.0


class SlackGateway:
    platform = SlackSettings.name
    opt_out_command = "/positie stop"
    can_check_delivery = True
    in_flight_limit = 64  # slack_sdk paces nothing: Slack's per-channel limit is the bound

    def __init__(self, *, client: AsyncWebClient, service: CampaignService,
                 live_tally: bool = True) -> None:
        self._client = client
        self._service = service
        self._live_tally = live_tally

    async def statement_blocks(self, statement: StatementView) -> list[dict[str, object]]:
        texts = self._service.texts()
        tally = None
        if self._live_tally:
            tally = await self._service.tally_text(statement.key, texts)
        return statement_blocks(statement, self._service.option_choices(texts), texts, tally)

    async def post_statement(self, channel: ChannelTarget, statement: StatementView, *,
                             key: str) -> PostRef:
        blocks = await self.statement_blocks(statement)
        response = await self._call(channel, "chat_postMessage", channel=channel.external_id,
                                    text=escape(statement.text), blocks=blocks,
                                    unfurl_links=False, metadata=delivery_metadata(key))
        return PostRef(message_ref=str(response["ts"]))

    async def find_delivered(self, channel: ChannelTarget, key: str, *,
                             part: OutgoingPart | None = None,
                             after: str | None = None) -> str | None:
        """The ts of the message carrying this delivery key; for a file part (which carries
        no metadata) the id of a file of that name and title posted after `after`, the ts of
        the digest's last text part (files of earlier digests are older than that)."""
        file = None if part is None or part.kind == "text" else part.payload
        cursor: str | None = None
        for _ in range(HISTORY_PAGES):
            try:
                page = await self._client.conversations_history(
                    channel=channel.external_id, include_all_metadata=True,
                    limit=HISTORY_PAGE, cursor=cursor, **({"oldest": after} if after else {}))
            except SlackApiError as exc:
                error = str(exc.response.get("error", "unknown_error"))
                if error == "missing_scope":
                    log.warning("Slack channel %s: cannot check whether an interrupted post "
                                "arrived (add the channels:history and groups:history "
                                "scopes); sending it again, it may show twice",
                                channel.external_id)
                    return None
                raise DeliveryFailed(f"conversations.history: {error}") from exc
            for message in page.get("messages") or []:
                found = _carries(message, key) if file is None else _has_file(message, file)
                if found is not None:
                    return found
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not page.get("has_more") or not cursor:
                return None
        return None

    async def close_statement(self, channel: ChannelTarget, post: PostRef,
                              statement: StatementView) -> None:
        await self.update_statement(channel.external_id, post.message_ref, statement)

    async def reopen_statement(self, channel: ChannelTarget, post: PostRef,
                               statement: StatementView) -> PostRef:
        await self.update_statement(channel.external_id, post.message_ref, statement)
        return post

    async def refresh_statement(self, channel: ChannelTarget, post: PostRef,
                                statement: StatementView) -> None:
        """A new tally. Rate limited after slack_sdk's own retries: RetryLater, with the
        wait Slack named, so the edit is sent again rather than dropped."""
        try:
            await self.update_statement(channel.external_id, post.message_ref, statement)
        except SlackApiError as exc:
            if exc.response.status_code == 429 or exc.response.get("error") == "ratelimited":
                raise RetryLater("chat.update rate limited",
                                 seconds=retry_after(exc.response.headers)) from exc
            raise

    async def update_statement(self, channel_id: str, ts: str, statement: StatementView) -> None:
        blocks = await self.statement_blocks(statement)
        await self._client.chat_update(channel=channel_id, ts=ts,
                                       text=escape(statement.text), blocks=blocks)

    def digest_parts(self, channel: ChannelTarget, digest: Document,
                     chart_png: bytes | None) -> list[OutgoingPart]:
        parts = [OutgoingPart(kind="text", payload={"text": fallback, "blocks": blocks})
                 for fallback, blocks in document_messages(digest)]
        if chart_png is not None:
            parts.append(OutgoingPart(kind="chart", data=chart_png, payload={
                "filename": CHART_FILE, "title": digest.title,
                "alt": digest.chart_alt[:MAX_ALT_TEXT]}))
        for attachment in digest.attachments:  # the full table, as a file
            parts.append(OutgoingPart(kind="file", data=attachment.text.encode(), payload={
                "filename": attachment.filename, "title": attachment.title}))
        return parts

    async def send_part(self, channel: ChannelTarget, part: OutgoingPart, *, key: str) -> str:
        if part.kind == "text":
            response = await self._call(channel, "chat_postMessage",
                                        channel=channel.external_id,
                                        text=part.payload["text"], blocks=part.payload["blocks"],
                                        unfurl_links=False, metadata=delivery_metadata(key))
            return str(response["ts"])
        extra = {"alt_txt": part.payload["alt"]} if part.payload.get("alt") else {}
        response = await self._call(channel, "files_upload_v2", channel=channel.external_id,
                                    content=part.data, filename=part.payload["filename"],
                                    title=part.payload["title"], **extra)
        files = response.get("files") or [response.get("file") or {}]
        first = files[0] if isinstance(files, list) and files else {}
        return str(first.get("id", "")) if isinstance(first, dict) else ""

    async def can_post(self, channel: ChannelTarget) -> Check:
        return await channel_check(self._client, channel.external_id)

    async def send_private(self, target: PrivateTarget, text: str,
                           statement: StatementView | None) -> None:
        """A DM from the bot (conversations.open, then chat.postMessage)."""
        user = target.identity.user_id
        try:
            opened = await self._client.conversations_open(users=user)
        except SlackApiError as exc:
            raise ChannelUnavailable(str(exc.response.get("error"))) from exc
        dm = ChannelTarget(id=0, external_id=str(opened["channel"]["id"]),
                           answer_mode="buttons")
        blocks: list[dict[str, object]] = [text_section(text)]
        if statement is not None:
            blocks = [text_section(text), *(await self.statement_blocks(statement))[1:]]
        await self._call(dm, "chat_postMessage", channel=dm.external_id, text=escape(text),
                         blocks=blocks)

    async def _call(self, target: ChannelTarget, method: str,
                    **kwargs: object) -> dict[str, object]:
        try:
            response = await getattr(self._client, method)(**kwargs)
        except SlackApiError as exc:
            error = str(exc.response.get("error", "unknown_error"))
            if error == "not_in_channel":
                log.error("Slack channel %s: the bot is not a member. Invite it there "
                          "(/invite @positie); the message is kept for retry (`positie post "
                          "KEY` for a statement, `positie digest --period` for a digest).",
                          target.external_id)
                raise DeliveryFailed(error) from exc
            if error in GONE:
                raise ChannelUnavailable(error) from exc
            if exc.response.status_code == 429 or error == "ratelimited":
                # still limited after slack_sdk's own retries: the outbox waits what Slack said
                raise RetryLater(f"{method}: {error}",
                                 seconds=retry_after(exc.response.headers)) from exc
            raise DeliveryFailed(error) from exc
        return dict(response.data) if isinstance(response.data, dict) else {}


def _carries(message: dict[str, object], key: str) -> str | None:
    metadata = message.get("metadata")
    if isinstance(metadata, dict) and metadata.get("event_type") == METADATA_EVENT:
        payload = metadata.get("event_payload")
        if isinstance(payload, dict) and payload.get("key") == key:
            return str(message.get("ts"))
    return None


def _has_file(message: dict[str, object], wanted: dict[str, object]) -> str | None:
    files = message.get("files")
    for file in files if isinstance(files, list) else []:
        if isinstance(file, dict) and file.get("name") == wanted.get("filename") \
                and file.get("title") == wanted.get("title"):
            return str(file.get("id"))
    return None
