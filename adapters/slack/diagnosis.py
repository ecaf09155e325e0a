"""`positie doctor` for Slack: the token, and for each channel whether the bot is in it."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.settings import SlackSettings
from bot.ports import Check

TOKEN_FIX = ("copy the Bot User OAuth Token (xoxb-…) from api.slack.com/apps → your app → "
             "OAuth & Permissions into slack.bot_token or POSITIE_SLACK_BOT_TOKEN")


async def diagnose(client: AsyncWebClient, settings: SlackSettings) -> list[Check]:
    try:
        auth = await client.auth_test()
    except SlackApiError as exc:
        return [Check("slack token", False, f"Slack refused it ({exc.response.get('error')})",
                      TOKEN_FIX)]
    except Exception as exc:
        return [Check("slack token", False, f"cannot reach {settings.api_base_url} ({exc})",
                      "check slack.api_base_url and this machine's way out to Slack")]
    bot = str(auth.get("user") or "positie")
    checks = [Check("slack token", True, f"workspace {auth.get('team')} ({auth.get('team_id')})"
                    f", bot @{bot}")]
    for channel in settings.channels:
        checks.append(await channel_check(client, channel.id, bot))
    if not settings.channels:
        checks.append(Check("slack channels", False, "none configured",
                            "list the campaign's channels under [[slack.channels]]"))
    return checks


async def channel_check(client: AsyncWebClient, channel_id: str, bot: str = "positie"
                        ) -> Check:
    """Whether the bot is in this channel and may post there, with the fix if not."""
    name = f"slack channel {channel_id}"
    try:
        info = (await client.conversations_info(channel=channel_id))["channel"]
    except SlackApiError as exc:
        error = str(exc.response.get("error"))
        if error == "channel_not_found":
            return Check(name, False, "the bot cannot see this channel",
                         f"a private channel: invite the bot there first (/invite @{bot}); "
                         "otherwise check the id (channel details → About, at the bottom)")
        if error == "missing_scope":
            return Check(name, False, "the app may not read channel details (missing_scope)",
                         "add the scopes channels:read and groups:read (see the manifest in "
                         "the README) and reinstall the app")
        return Check(name, False, f"Slack answered {error}", "try again; if it stays, check "
                     "the channel in Slack")
    except Exception as exc:
        return Check(name, False, f"could not ask Slack ({exc})", "try again")
    label = f"#{info.get('name', channel_id)}"
    if info.get("is_archived"):
        return Check(name, False, f"{label} is archived",
                     "unarchive it, or remove it from [[slack.channels]]")
    if not info.get("is_member"):
        return Check(name, False, f"{label}: the bot is not a member",
                     f"invite it: /invite @{bot} in {label}")
    return Check(name, True, f"{label}: the bot is a member and may post")
