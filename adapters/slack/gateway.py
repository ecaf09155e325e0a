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
    PostRef,
    PrivateTarget,
    RetryLater,
)
from bot.service import CampaignService

log = logging.getLogger(__name__)

# Errors after which posting here cannot work until an admin acts.
GONE = {"channel_not_found", "is_archived", "channel_is_archived"}
MAX_ALT_TEXT = 1000  # files.getUploadURLExternal's alt_txt


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

    async def post_statement(self, channel: ChannelTarget, statement: StatementView) -> PostRef:
        blocks = await self.statement_blocks(statement)
        response = await self._call(channel, "chat_postMessage", channel=channel.external_id,
                                    text=escape(statement.text), blocks=blocks,
                                    unfurl_links=False)
        return PostRef(message_ref=str(response["ts"]))

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

    async def post_digest(self, channel: ChannelTarget, digest: Document,
                          chart_png: bytes | None) -> None:
        for fallback, blocks in document_messages(digest):
            await self._call(channel, "chat_postMessage", channel=channel.external_id,
                             text=fallback, blocks=blocks, unfurl_links=False)
        if chart_png is not None:
            await self._call(channel, "files_upload_v2", channel=channel.external_id,
                             content=chart_png, filename="positie-samenvatting.png",
                             title=digest.title, alt_txt=digest.chart_alt[:MAX_ALT_TEXT])
        for attachment in digest.attachments:  # the full table, as a file
            await self._call(channel, "files_upload_v2", channel=channel.external_id,
                             content=attachment.text.encode(), filename=attachment.filename,
                             title=attachment.title)

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
            raise DeliveryFailed(error) from exc
        return dict(response.data) if isinstance(response.data, dict) else {}
