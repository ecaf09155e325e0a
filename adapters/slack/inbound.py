"""Inbound translation: Slack payloads to use-case arguments (pure functions)."""

from __future__ import annotations

from typing import Any

from adapters.slack.settings import SlackSettings
from bot.domain import Identity
from bot.positions.record import Vote


def identity_of(body: dict[str, Any]) -> Identity:
    user = body.get("user") or {}
    team = user.get("team_id") or (body.get("team") or {}).get("id") or body.get("team_id", "")
    user_id = user.get("id") or body.get("user_id", "")
    return Identity(platform=SlackSettings.name, workspace=str(team), user_id=str(user_id))


def vote_of(body: dict[str, Any], action: dict[str, Any]) -> Vote | None:
    """A block_actions button press on a statement, or None when the value is malformed."""
    statement_key, sep, option_key = str(action.get("value", "")).partition(":")
    if not sep or not statement_key or not option_key:
        return None
    who = identity_of(body)
    action_ts = str(action.get("action_ts", ""))
    try:
        event_time = float(action_ts)
    except ValueError:
        return None
    # Slack resends the same payload on retries: the action's timestamp identifies it.
    delivery = f"slack:{who.workspace}:{who.user_id}:{action_ts}:{action.get('action_id')}"
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id")
    return Vote(who=who, statement_key=statement_key, option_key=option_key,
                event_time=event_time, delivery_id=delivery, channel_id=channel)


def command_words(text: str) -> list[str]:
    return (text or "").lower().split()


def command_word(text: str) -> str:
    return next(iter(command_words(text)), "")
