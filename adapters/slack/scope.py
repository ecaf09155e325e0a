"""The campaign's Slack scope: which workspace and which channels count.

`slack.team_id` names the workspace; left out, it is the workspace of the bot token, found
by auth.test at start-up (or at the first request, if Slack was not answering then). A click
counts only from that workspace and in a campaign channel or the bot's direct messages
(reminders carry answer buttons); anything else is acknowledged and changes nothing.
"""

from __future__ import annotations

import asyncio
import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.settings import SlackSettings

log = logging.getLogger(__name__)


class SlackScope:
    def __init__(self, *, settings: SlackSettings, client: AsyncWebClient) -> None:
        self._client = client
        self.team_id: str | None = settings.team_id or None
        self.channels = frozenset(c.external_id() for c in settings.channel_list())
        self._lock = asyncio.Lock()

    async def discover(self) -> str | None:
        """The workspace of the bot token (auth.test), once; None while Slack cannot say."""
        if self.team_id is not None:
            return self.team_id
        async with self._lock:
            if self.team_id is None:
                try:
                    found = await self._client.auth_test()
                    self.team_id = str(found["team_id"])
                    log.info("Slack workspace %s (auth.test): clicks from other workspaces "
                             "are ignored; set slack.team_id to name it", self.team_id)
                except (SlackApiError, OSError, TimeoutError, KeyError) as exc:
                    log.warning("could not learn the Slack workspace from auth.test (%s); "
                                "trying again at the next request", exc)
        return self.team_id

    async def allows(self, team_id: str | None, channel_id: str | None) -> bool:
        team = await self.discover()
        if team is None or team_id != team:
            return False
        return channel_id is not None and (channel_id in self.channels
                                           or channel_id.startswith("D"))
