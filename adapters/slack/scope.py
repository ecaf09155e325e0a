"""The campaign's Slack scope: which workspace and which channels count.

`slack.team_id` names the workspace; left out, it is the workspace of the bot token, found
by the auth.test at start-up (or at the first request, if Slack was not answering then). A click
counts only from that workspace and in a campaign channel or the bot's direct messages
(reminders carry answer buttons); anything else is acknowledged and changes nothing.
"""

from __future__ import annotations

import asyncio
import logging
import time

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.settings import SlackSettings

log = logging.getLogger(__name__)
RETRY_SECONDS = 30  # between auth.test calls while the workspace is unknown


class SlackScope:
    def __init__(self, *, settings: SlackSettings, client: AsyncWebClient) -> None:
        self._client = client
        self.team_id: str | None = settings.team_id or None
        self.channels = frozenset(c.external_id() for c in settings.channel_list())
        self._lock = asyncio.Lock()
        self._next_try = 0.0

    def learn(self, team_id: str) -> None:
        """The bot token's workspace, from the start-up auth.test (unless config names one)."""
        if self.team_id is None and team_id:
            self.team_id = team_id
            log.info("Slack workspace %s (auth.test): requests from other workspaces change "
                     "nothing; set slack.team_id to name it", team_id)
        elif team_id and team_id != self.team_id:
            log.warning("slack.team_id is %s but the bot token belongs to workspace %s: only "
                        "requests from %s count", self.team_id, team_id, self.team_id)

    async def discover(self) -> str | None:
        """The workspace of the bot token (auth.test), once; None while Slack cannot say."""
        if self.team_id is not None:
            return self.team_id
        async with self._lock:
            if self.team_id is None and time.monotonic() >= self._next_try:
                self._next_try = time.monotonic() + RETRY_SECONDS
                try:
                    found = await self._client.auth_test()
                    self.learn(str(found.get("team_id") or ""))
                except Exception as exc:  # Slack down or unreachable: nothing counts yet
                    log.warning("could not learn the Slack workspace from auth.test (%s); "
                                "trying again in %d s", type(exc).__name__, RETRY_SECONDS)
        return self.team_id

    async def allows(self, team_id: str | None, channel_id: str | None) -> bool:
        team = await self.discover()
        if team is None or team_id != team:
            return False
        return channel_id is not None and (channel_id in self.channels
                                           or channel_id.startswith("D"))
