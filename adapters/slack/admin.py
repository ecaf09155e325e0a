"""The krachtteam's `/positie` commands on Slack: a few lines around bot.admin.

The command is acknowledged at once (Slack wants an answer within 3 s); the action runs in
the background and its outcome reaches the admin ephemerally through the response_url. An
export goes to the admin's direct messages as a file.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import escape
from adapters.slack.inbound import identity_of
from bot.admin.actions import AdminActions, AdminReply
from bot.texts import Texts

Respond = Callable[..., Awaitable[None]]


class SlackAdmin:
    def __init__(self, *, actions: AdminActions, client: AsyncWebClient,
                 admins: tuple[str, ...]) -> None:
        self.actions = actions
        self.client = client
        self.admins = admins

    async def run(self, command: dict[str, Any], action: str, argument: str, texts: Texts,
                  respond: Respond) -> None:
        who = identity_of(command)
        if who.user_id not in self.admins:
            reply = await self.actions.refuse(who, action, texts)
        else:
            reply = await self.actions.handle(who, action, argument, texts)
            if reply.attachment is not None:
                await self._send_privately(who.user_id, reply)
        await respond(command.get("response_url"), text=escape(reply.text))

    async def _send_privately(self, user_id: str, reply: AdminReply) -> None:
        assert reply.attachment is not None
        opened = await self.client.conversations_open(users=user_id)
        await self.client.files_upload_v2(
            channel=str(opened["channel"]["id"]), content=reply.attachment.content,
            filename=reply.attachment.filename, title=reply.attachment.title)
