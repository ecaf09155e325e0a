"""What Slack does with a body posted to a response_url (bolt's `respond()`)."""

from __future__ import annotations

import time
from typing import Any

from emulators.slack.parsing import flag, json_list, text_arg
from emulators.slack.state import Message, ResponsePost, ResponseTarget, WorkspaceState

JsonDict = dict[str, Any]

# Slack allows a response_url to be used five times within 30 minutes.
MAX_USES = 5


class ResponseUrlError(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def apply_response(state: WorkspaceState, token: str, body: JsonDict) -> ResponsePost:
    """Delete, replace, or add (ephemeral by default, or in_channel) a message."""
    target = state.response_targets.get(token)
    if target is None:
        raise ResponseUrlError(404, "expired_url")
    uses = state.response_uses.get(token, 0)
    if uses >= MAX_USES:
        raise ResponseUrlError(404, "used_url")
    state.response_uses[token] = uses + 1
    text = text_arg(body.get("text"))
    try:
        blocks = json_list(body.get("blocks"))
    except ValueError as exc:
        raise ResponseUrlError(400, "invalid_blocks") from exc
    original = _original(state, target)

    if flag(body.get("delete_original")):
        if original is not None:
            original.deleted = True
        outcome = "deleted"
    elif flag(body.get("replace_original")) and original is not None:
        original.replace(
            text=text,
            blocks=None if blocks is None else state.with_block_ids(blocks),
            at=state.next_ts(),
        )
        outcome = "replaced"
    else:
        in_channel = body.get("response_type") == "in_channel"
        state.post_as_bot(
            target.channel_id,
            text=text or "",
            blocks=blocks or [],
            thread_ts=text_arg(body.get("thread_ts")),
            visible_to=None if in_channel else target.user_id,
        )
        outcome = "in_channel" if in_channel else "ephemeral"
    post = ResponsePost(token=token, target=target, body=body, outcome=outcome, at=time.monotonic())
    state.responses.append(post)
    return post


def _original(state: WorkspaceState, target: ResponseTarget) -> Message | None:
    if target.message_ts is None:  # slash commands have no original message
        return None
    if target.is_ephemeral:
        return state.find_ephemeral(target.channel_id, target.user_id, target.message_ts)
    return state.find_message(target.channel_id, target.message_ts)
