"""SlackDirectory: the PeopleDirectory port on users.lookupByEmail (scope users:read.email)."""

from __future__ import annotations

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.settings import SlackSettings
from bot.domain import Identity
from bot.ports import LookupFailed
from bot.settings.errors import ConfigError

# Answers meaning nobody (active) has the address: Slack says users_not_found for both.
NOBODY = {"users_not_found", "user_not_found"}
# Answers that stay the same until an admin changes the app or its token.
REFUSED = {"missing_scope", "not_allowed_token_type", "no_permission", "invalid_auth",
           "not_authed", "account_inactive", "token_revoked", "token_expired"}


class SlackDirectory:
    def __init__(self, *, client: AsyncWebClient) -> None:
        self._client = client

    async def find_by_email(self, email: str) -> Identity | None:
        try:
            response = await self._client.users_lookupByEmail(email=email)
        except SlackApiError as exc:
            error = str(exc.response.get("error", "unknown_error"))
            if error in NOBODY:
                return None
            if error in REFUSED:
                raise ConfigError(refusal(error, str(exc.response.get("needed") or ""))) from None
            raise LookupFailed(f"Slack: {error}") from exc
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise LookupFailed(f"Slack: {exc!r}") from exc
        user = response.get("user") or {}
        if user.get("deleted") or user.get("is_bot") or not user.get("id"):
            return None
        return Identity(SlackSettings.name, str(user.get("team_id") or ""), str(user["id"]))


def refusal(error: str, needed: str) -> str:
    if error == "missing_scope":
        return (f"slack.bot_token: Slack refuses e-mail lookups (missing_scope, needs "
                f"{needed or 'users:read.email'}); add the bot token scope users:read.email at "
                "api.slack.com/apps → your app → OAuth & Permissions, reinstall the app, then "
                "rerun (or give user ids instead of e-mail addresses)")
    return (f"slack.bot_token: Slack refused the e-mail lookup ({error}); use the Bot User "
            "OAuth Token (xoxb-…) of an app with the users:read.email scope")
