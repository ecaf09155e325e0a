"""The Web API methods the bot uses, answering with Slack's real response shapes and errors.
Transport-free: the server parses, authenticates and rate-limits; this module only knows state."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from emulators.slack.parsing import flag, json_list, text_arg
from emulators.slack.state import Channel, UploadedFile, User, WorkspaceState

JsonDict = dict[str, Any]

# Slack's message limits: 50 blocks, 3,000 characters in a section's text, 150 in a header;
# `text` is refused beyond 40,000 (msg_too_long). msg_blocks_too_long is undocumented:
# users report it from about 13,000 characters of block text (slackapi/bolt-js#2509).
MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_TEXT = 40_000
MAX_BLOCKS_TEXT = 13_000


class ApiError(Exception):
    """An `{"ok": false, "error": ...}` answer with HTTP 200, as Slack gives for most errors."""

    def __init__(self, error: str, **extra: str) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra  # more fields of the answer (missing_scope: needed, provided)


class WebApi:
    def __init__(self, *, state: WorkspaceState, upload_url: Callable[[str], str]) -> None:
        self._state = state
        self._upload_url = upload_url
        self.methods: dict[str, Callable[[JsonDict], JsonDict]] = {
            "auth.test": self.auth_test,
            "chat.postMessage": self.chat_post_message,
            "chat.postEphemeral": self.chat_post_ephemeral,
            "chat.update": self.chat_update,
            "users.info": self.users_info,
            "users.lookupByEmail": self.users_lookup_by_email,
            "conversations.info": self.conversations_info,
            "conversations.history": self.conversations_history,
            "conversations.open": self.conversations_open,
            "files.getUploadURLExternal": self.files_get_upload_url_external,
            "files.completeUploadExternal": self.files_complete_upload_external,
        }

    # --- auth / chat -------------------------------------------------------------------------
    def auth_test(self, args: JsonDict) -> JsonDict:
        s = self._state
        return {
            "ok": True,
            "url": f"https://{s.team_domain}.slack.com/",
            "team": s.team_domain,
            "user": s.bot_name,
            "team_id": s.team_id,
            "user_id": s.bot_user_id,
            "bot_id": s.bot_id,
            "is_enterprise_install": False,
        }

    def chat_post_message(self, args: JsonDict) -> JsonDict:
        channel = self._writable_channel(args.get("channel"))
        text, blocks = self._content(args)
        message = self._state.post_as_bot(
            channel.id,
            text=text,
            blocks=blocks,
            thread_ts=text_arg(args.get("thread_ts")),
            metadata=_metadata(args.get("metadata")),
        )
        return {"ok": True, "channel": channel.id, "ts": message.ts, "message": message.as_api()}

    def chat_post_ephemeral(self, args: JsonDict) -> JsonDict:
        channel = self._writable_channel(args.get("channel"))
        user_id = text_arg(args.get("user"))
        if user_id is None or user_id not in self._state.users:
            raise ApiError("user_not_found")
        text, blocks = self._content(args)
        message = self._state.post_as_bot(
            channel.id,
            text=text,
            blocks=blocks,
            thread_ts=text_arg(args.get("thread_ts")),
            visible_to=user_id,
        )
        return {"ok": True, "message_ts": message.ts}

    def chat_update(self, args: JsonDict) -> JsonDict:
        channel = self._state.find_channel(str(args.get("channel") or ""))
        if channel is None:
            raise ApiError("channel_not_found")
        message = self._state.find_message(channel.id, str(args.get("ts") or ""))
        if message is None:
            raise ApiError("message_not_found")
        if message.user != self._state.bot_user_id:
            raise ApiError("cant_update_message")
        blocks = self._blocks(args)
        check_limits(text_arg(args.get("text")) or "", blocks or [])
        # Omitted fields keep their value; an empty `blocks` array removes the blocks.
        message.replace(
            text=text_arg(args.get("text")),
            blocks=None if blocks is None else self._state.with_block_ids(blocks),
            at=self._state.next_ts(),
        )
        return {
            "ok": True,
            "channel": channel.id,
            "ts": message.ts,
            "text": message.text,
            "message": message.as_api(),
        }

    # --- users / conversations -------------------------------------------------------------
    def users_info(self, args: JsonDict) -> JsonDict:
        user = self._state.users.get(str(args.get("user") or ""))
        if user is None:
            raise ApiError("user_not_found")
        return {"ok": True, "user": self._user_object(user)}

    def users_lookup_by_email(self, args: JsonDict) -> JsonDict:
        """Slack answers users_not_found for an unknown address and for a deactivated
        account alike; without users:read.email it answers missing_scope."""
        if "users:read.email" not in self._state.scopes:
            raise ApiError("missing_scope", needed="users:read.email",
                           provided=",".join(sorted(self._state.scopes)))
        email = text_arg(args.get("email"))
        if not email:
            raise ApiError("invalid_arguments")
        user = self._state.user_by_email(email)
        if user is None or user.deleted or user.is_bot:
            raise ApiError("users_not_found")
        return {"ok": True, "user": self._user_object(user)}

    def _user_object(self, user: User) -> JsonDict:
        profile: JsonDict = {
            "real_name": user.real_name,
            "display_name": user.name,
            "real_name_normalized": user.real_name,
            "display_name_normalized": user.name,
            "team": user.team_id,
        }
        if user.email and "users:read.email" in self._state.scopes:
            profile["email"] = user.email
        return {
            "id": user.id,
            "team_id": user.team_id,
            "name": user.name,
            "deleted": user.deleted,
            "real_name": user.real_name,
            "tz": "Europe/Amsterdam",
            "tz_offset": 3600,
            "is_bot": user.is_bot,
            "is_app_user": False,
            "profile": profile,
        }

    def conversations_info(self, args: JsonDict) -> JsonDict:
        channel = self._state.find_channel(str(args.get("channel") or ""))
        # A private channel the bot is not in is invisible to it.
        if channel is None or (channel.is_private and not channel.bot_member):
            raise ApiError("channel_not_found")
        return {"ok": True, "channel": channel_object(channel)}

    def conversations_open(self, args: JsonDict) -> JsonDict:
        users = [u for u in str(args.get("users") or "").split(",") if u]
        if not users:
            raise ApiError("users_list_not_supplied")
        if len(users) > 1:
            raise ApiError("not_implemented")  # multi-person DMs are not emulated
        if users[0] not in self._state.users:
            raise ApiError("user_not_found")
        existed = users[0] in self._state.dms
        channel = self._state.open_dm(users[0])
        body = channel_object(channel) if flag(args.get("return_im")) else {"id": channel.id}
        result: JsonDict = {"ok": True, "channel": body}
        if existed:
            result.update({"no_op": True, "already_open": True})
        return result

    def conversations_history(self, args: JsonDict) -> JsonDict:
        """Newest first, top-level messages only, `limit` per page (default 100, at most
        999) with an opaque cursor; `oldest`/`latest` bound the ts range (exclusive unless
        `inclusive`)."""
        channel = self._state.find_channel(str(args.get("channel") or ""))
        if channel is None or (channel.is_private and not channel.bot_member):
            raise ApiError("channel_not_found")
        if not channel.bot_member and not channel.is_im:
            raise ApiError("not_in_channel")
        try:
            limit = min(max(int(args.get("limit") or 100), 1), 999)
            start = int(str(args.get("cursor") or "0").removeprefix("offset:") or 0)
            oldest = float(args.get("oldest") or 0)
            latest = float(args.get("latest") or "inf")
        except ValueError as exc:
            raise ApiError("invalid_arguments") from exc
        inclusive = flag(args.get("inclusive"))

        def in_range(ts: float) -> bool:
            if inclusive:
                return oldest <= ts <= latest
            return oldest < ts < latest

        messages = [m for m in reversed(self._state.channel_messages.get(channel.id, []))
                    if not m.deleted and (m.thread_ts is None or m.thread_ts == m.ts)
                    and in_range(float(m.ts))]
        page = messages[start:start + limit]
        more = start + limit < len(messages)
        with_metadata = flag(args.get("include_all_metadata"))
        return {
            "ok": True,
            "messages": [m.as_api(with_metadata=with_metadata) for m in page],
            "has_more": more,
            "pin_count": 0,
            "response_metadata": {"next_cursor": f"offset:{start + limit}" if more else ""},
        }

    # --- files -----------------------------------------------------------------------------
    def files_get_upload_url_external(self, args: JsonDict) -> JsonDict:
        filename = text_arg(args.get("filename"))
        try:
            length = int(args.get("length") or 0)
        except ValueError as exc:
            raise ApiError("invalid_arguments") from exc
        if not filename or length <= 0:
            raise ApiError("missing_argument")
        file = UploadedFile(
            id=self._state.new_id("F"),
            filename=filename,
            length=length,
            alt_txt=text_arg(args.get("alt_txt")),
        )
        self._state.files[file.id] = file
        return {"ok": True, "upload_url": self._upload_url(file.id), "file_id": file.id}

    def files_complete_upload_external(self, args: JsonDict) -> JsonDict:
        try:
            entries = json_list(args.get("files")) or []
        except ValueError as exc:
            raise ApiError("invalid_arguments") from exc
        if not entries:
            raise ApiError("invalid_arguments")
        files: list[UploadedFile] = []
        for entry in entries:
            file = self._state.files.get(str(entry.get("id")))
            if file is None:
                raise ApiError("file_not_found")
            file.title = entry.get("title") or file.title
            files.append(file)
        targets = [text_arg(args.get("channel_id"))]
        targets += str(args.get("channels") or "").split(",")
        channels = [self._writable_channel(ref) for ref in dict.fromkeys(targets) if ref]
        for channel in channels:
            for file in files:
                file.channels.append(channel.id)
            self._state.post_as_bot(
                channel.id,
                text=text_arg(args.get("initial_comment")) or "",
                blocks=[],
                thread_ts=text_arg(args.get("thread_ts")),
                files=[f.as_api() for f in files],
            )
        return {"ok": True, "files": [f.as_api() for f in files]}

    # --- helpers ---------------------------------------------------------------------------
    def _writable_channel(self, ref: Any) -> Channel:
        ref = text_arg(ref)
        if not ref:
            raise ApiError("channel_not_found")
        if ref[0] in "UW" and ref in self._state.users:
            return self._state.open_dm(ref)  # posting to a user id lands in the app's DM
        channel = self._state.find_channel(ref)
        if channel is None or (channel.is_private and not channel.bot_member):
            raise ApiError("channel_not_found")
        if not channel.bot_member:
            raise ApiError("not_in_channel")
        return channel

    def _blocks(self, args: JsonDict) -> list[JsonDict] | None:
        try:
            return json_list(args.get("blocks"))
        except ValueError as exc:
            raise ApiError("invalid_blocks") from exc

    def _content(self, args: JsonDict) -> tuple[str, list[JsonDict]]:
        text = text_arg(args.get("text")) or ""
        blocks = self._blocks(args) or []
        if not text and not blocks and not args.get("attachments"):
            raise ApiError("no_text")
        check_limits(text, blocks)
        return text, blocks


def check_limits(text: str, blocks: list[JsonDict]) -> None:
    """Refuse what Slack refuses: too many blocks, an overlong section, header or text."""
    if len(text) > MAX_TEXT:
        raise ApiError("msg_too_long")
    if len(blocks) > MAX_BLOCKS:
        raise ApiError("invalid_blocks")
    total = 0
    for block in blocks:
        texts = [block.get("text") or {}, *(block.get("elements") or []),
                 *(block.get("fields") or [])]
        for item in texts:
            value = item.get("text") if isinstance(item, dict) else None
            if not isinstance(value, str):
                continue
            total += len(value)
            limit = MAX_HEADER_TEXT if block.get("type") == "header" else MAX_SECTION_TEXT
            if len(value) > limit:
                raise ApiError("invalid_blocks")
    if total > MAX_BLOCKS_TEXT:
        raise ApiError("msg_blocks_too_long")


def _metadata(value: Any) -> JsonDict | None:
    """`metadata`: an object in JSON bodies, a JSON string in forms; Slack ignores a value
    without an event_type."""
    if isinstance(value, str) and value:
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise ApiError("invalid_metadata_format") from exc
    if not isinstance(value, dict) or not value.get("event_type"):
        return None
    return {"event_type": str(value["event_type"]),
            "event_payload": value.get("event_payload") or {}}


def channel_object(channel: Channel) -> JsonDict:
    """The conversation object of conversations.info / conversations.open(return_im)."""
    if channel.is_im:
        return {
            "id": channel.id,
            "created": channel.created,
            "is_im": True,
            "is_org_shared": False,
            "user": channel.im_user,
            "is_user_deleted": False,
            "priority": 0,
        }
    return {
        "id": channel.id,
        "name": channel.name,
        "name_normalized": channel.name,
        "is_channel": not channel.is_private,
        "is_group": channel.is_private,
        "is_im": False,
        "is_mpim": False,
        "is_private": channel.is_private,
        "is_archived": False,
        "is_general": False,
        "is_member": channel.bot_member,
        "created": channel.created,
    }

