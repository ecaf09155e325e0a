"""Inbound request bodies shaped as Slack sends them: block_actions payloads and slash commands.
Pure builders; the user client signs and sends them."""

from __future__ import annotations

import secrets
import time
from typing import Any

from emulators.slack.state import Channel, Message, User, WorkspaceState

JsonDict = dict[str, Any]


def find_button(
    blocks: list[JsonDict], action_id: str, block_id: str | None = None
) -> tuple[str, JsonDict] | None:
    """The (block_id, element) of an interactive element in `actions` blocks or accessories."""
    for block in blocks:
        candidates = list(block.get("elements", [])) if block.get("type") == "actions" else []
        if isinstance(block.get("accessory"), dict):
            candidates.append(block["accessory"])
        for element in candidates:
            if element.get("action_id") != action_id:
                continue
            if block_id is None or block.get("block_id") == block_id:
                return str(block.get("block_id")), element
    return None


def trigger_id() -> str:
    return f"{secrets.randbelow(10**13)}.{secrets.randbelow(10**13)}.{secrets.token_hex(16)}"


def action_ts() -> str:
    return f"{time.time():.6f}"


def block_actions_payload(
    *,
    state: WorkspaceState,
    user: User,
    channel: Channel,
    message: Message,
    is_ephemeral: bool,
    block_id: str,
    element: JsonDict,
    value: str | None,
    response_url: str,
    verification_token: str,
) -> JsonDict:
    """A button click as https://api.slack.com/reference/interaction-payloads/block-actions."""
    container: JsonDict = {
        "type": "message",
        "message_ts": message.ts,
        "channel_id": channel.id,
        "is_ephemeral": is_ephemeral,
    }
    if message.thread_ts is not None:
        container["thread_ts"] = message.thread_ts
    action: JsonDict = {
        "action_id": element.get("action_id"),
        "block_id": block_id,
        "text": element.get("text") or {"type": "plain_text", "text": "", "emoji": True},
        "type": element.get("type", "button"),
        "action_ts": action_ts(),
    }
    if value is not None:
        action["value"] = value
    if "style" in element:
        action["style"] = element["style"]
    payload: JsonDict = {
        "type": "block_actions",
        "user": {"id": user.id, "username": user.name, "name": user.name, "team_id": user.team_id},
        "api_app_id": state.app_id,
        "token": verification_token,
        "container": container,
        "trigger_id": trigger_id(),
        "team": {"id": state.team_id, "domain": state.team_domain},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel.id, "name": "directmessage" if channel.is_im else channel.name},
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [action],
    }
    # Slack leaves the message out of clicks on ephemeral messages: the app never saw them whole.
    if not is_ephemeral:
        payload["message"] = message.as_api()
    return payload


def slash_command_form(
    *,
    state: WorkspaceState,
    user: User,
    channel: Channel,
    command: str,
    text: str,
    response_url: str,
    verification_token: str,
) -> dict[str, str]:
    """The form fields of a slash command invocation."""
    return {
        "token": verification_token,
        "team_id": state.team_id,
        "team_domain": state.team_domain,
        "channel_id": channel.id,
        "channel_name": "directmessage" if channel.is_im else channel.name,
        "user_id": user.id,
        "user_name": user.name,
        "command": command,
        "text": text,
        "api_app_id": state.app_id,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id(),
    }


def event_callback(*, state: WorkspaceState, event: dict[str, object],
                   verification_token: str) -> dict[str, object]:
    """The Events API envelope Slack POSTs as JSON for one event."""
    now = int(time.time())
    return {
        "token": verification_token,
        "team_id": state.team_id,
        "api_app_id": state.app_id,
        "event": {**event, "event_ts": f"{now}.000100"},
        "type": "event_callback",
        "event_id": f"Ev{secrets.token_hex(5).upper()}",
        "event_time": now,
        "authorizations": [{"team_id": state.team_id, "user_id": state.bot_user_id,
                            "is_bot": True, "is_enterprise_install": False}],
        "is_ext_shared_channel": False,
    }
