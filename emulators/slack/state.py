"""Workspace state of the Slack emulator: channels, users, messages, ephemerals, files."""

from __future__ import annotations

import copy
import secrets
import string
import time
from dataclasses import dataclass, field
from typing import Any

JsonDict = dict[str, Any]


@dataclass(slots=True)
class Channel:
    id: str
    name: str
    bot_member: bool = True
    is_im: bool = False
    is_private: bool = False
    im_user: str | None = None  # the other party of a DM
    created: int = field(default_factory=lambda: int(time.time()))


@dataclass(frozen=True, slots=True)
class User:
    id: str
    name: str
    team_id: str
    real_name: str
    is_bot: bool = False
    email: str | None = None  # what users.lookupByEmail finds them by
    deleted: bool = False  # deactivated: lookups by e-mail no longer find them


@dataclass(frozen=True, slots=True)
class Revision:
    """What a message looked like before an edit (kept so tests can read the edit history)."""

    text: str
    blocks: list[JsonDict]
    replaced_at: str


@dataclass(slots=True)
class Message:
    """A channel message, or an ephemeral one when `visible_to` names a user."""

    channel_id: str
    ts: str
    user: str
    text: str
    blocks: list[JsonDict]
    team: str
    bot_id: str | None = None
    app_id: str | None = None
    thread_ts: str | None = None
    visible_to: str | None = None
    files: list[JsonDict] = field(default_factory=list)
    history: list[Revision] = field(default_factory=list)
    edited_ts: str | None = None
    deleted: bool = False
    metadata: JsonDict | None = None  # chat.postMessage's `metadata` (event_type, event_payload)

    def as_api(self, *, with_metadata: bool = True) -> JsonDict:
        """The message object as Slack returns it (chat.postMessage, block_actions payloads;
        conversations.history adds `metadata` only with include_all_metadata)."""
        data: JsonDict = {"type": "message", "user": self.user, "ts": self.ts, "text": self.text}
        if self.metadata is not None and with_metadata:
            data["metadata"] = copy.deepcopy(self.metadata)
        data["team"] = self.team
        if self.bot_id is not None:
            data["bot_id"] = self.bot_id
            data["app_id"] = self.app_id
        if self.blocks:
            data["blocks"] = copy.deepcopy(self.blocks)
        if self.thread_ts is not None:
            data["thread_ts"] = self.thread_ts
        if self.files:
            data["files"] = copy.deepcopy(self.files)
            data["upload"] = True
        if self.edited_ts is not None:
            data["edited"] = {"user": self.user, "ts": self.edited_ts}
        return data

    def replace(self, *, text: str | None, blocks: list[JsonDict] | None, at: str) -> None:
        self.history.append(Revision(text=self.text, blocks=self.blocks, replaced_at=at))
        if text is not None:
            self.text = text
        if blocks is not None:
            self.blocks = blocks
        self.edited_ts = at


@dataclass(slots=True)
class UploadedFile:
    id: str
    filename: str
    length: int
    alt_txt: str | None = None
    title: str | None = None
    data: bytes | None = None
    channels: list[str] = field(default_factory=list)
    created: int = field(default_factory=lambda: int(time.time()))

    def as_api(self) -> JsonDict:
        return {
            "id": self.id,
            "created": self.created,
            "name": self.filename,
            "title": self.title or self.filename,
            "size": len(self.data) if self.data is not None else self.length,
            "channels": [c for c in self.channels if not c.startswith("D")],
            "ims": [c for c in self.channels if c.startswith("D")],
            "is_external": False,
            "alt_txt": self.alt_txt,
        }


@dataclass(frozen=True, slots=True)
class ResponseTarget:
    """What a response_url was issued for: the click or command it answers."""

    channel_id: str
    user_id: str
    message_ts: str | None
    is_ephemeral: bool


@dataclass(frozen=True, slots=True)
class ResponsePost:
    """A body posted to a response_url and what the emulator did with it."""

    token: str
    target: ResponseTarget
    body: JsonDict
    outcome: str  # "ephemeral", "in_channel", "replaced" or "deleted"
    at: float  # time.monotonic()


class WorkspaceState:
    """Everything the emulated workspace knows; mutated only by the server's handlers."""

    def __init__(
        self,
        *,
        team_id: str = "T0POSITIE",
        team_domain: str = "positie",
        bot_user_id: str = "U0BOT",
        bot_id: str = "B0BOT",
        app_id: str = "A0POSITIE",
        bot_name: str = "positie",
        bot_tokens: tuple[str, ...] = ("xoxb-positie-emulator",),
    ) -> None:
        self.team_id = team_id
        self.team_domain = team_domain
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.app_id = app_id
        self.bot_name = bot_name
        self.bot_tokens = set(bot_tokens)
        # The bot token's OAuth scopes, as far as the emulated methods check them.
        # The README's manifest.
        self.scopes = {"chat:write", "commands", "im:write", "files:write", "channels:read",
                       "groups:read", "users:read", "users:read.email"}
        self.channels: dict[str, Channel] = {}
        self.users: dict[str, User] = {}
        self.channel_messages: dict[str, list[Message]] = {}
        self.ephemeral_messages: dict[tuple[str, str], list[Message]] = {}
        self.response_targets: dict[str, ResponseTarget] = {}
        self.response_uses: dict[str, int] = {}
        self.responses: list[ResponsePost] = []
        self.files: dict[str, UploadedFile] = {}
        self.dms: dict[str, str] = {}
        # Clicks look messages up by ts; benchmarks post thousands, so index rather than scan.
        self._by_ts: dict[tuple[str, str | None, str], Message] = {}
        self._last_ts_us = 0
        self._ids = 0
        self.add_user(bot_user_id, bot_name, is_bot=True)

    # --- setup -----------------------------------------------------------------------------
    def add_channel(
        self, channel_id: str, name: str, *, bot_member: bool = True, is_private: bool = False
    ) -> Channel:
        channel = Channel(id=channel_id, name=name, bot_member=bot_member, is_private=is_private)
        self.channels[channel_id] = channel
        self.channel_messages.setdefault(channel_id, [])
        return channel

    def add_user(
        self,
        user_id: str,
        name: str,
        *,
        real_name: str | None = None,
        is_bot: bool = False,
        email: str | None = None,
    ) -> User:
        user = User(
            id=user_id,
            name=name,
            team_id=self.team_id,
            real_name=real_name or name,
            is_bot=is_bot,
            email=email,
        )
        self.users[user_id] = user
        return user

    def open_dm(self, user_id: str) -> Channel:
        if user_id in self.dms:
            return self.channels[self.dms[user_id]]
        channel = Channel(id=f"D{user_id.lstrip('UW')}", name=user_id, is_im=True, im_user=user_id)
        self.channels[channel.id] = channel
        self.channel_messages.setdefault(channel.id, [])
        self.dms[user_id] = channel.id
        return channel

    # --- lookups ---------------------------------------------------------------------------
    def user_by_email(self, email: str) -> User | None:
        wanted = email.strip().lower()
        return next(
            (u for u in self.users.values() if u.email and u.email.lower() == wanted), None
        )

    def find_channel(self, ref: str) -> Channel | None:
        """By id or by name (with or without '#'), as Slack accepts both."""
        if ref in self.channels:
            return self.channels[ref]
        name = ref.removeprefix("#")
        return next((c for c in self.channels.values() if c.name == name and not c.is_im), None)

    def find_message(self, channel_id: str, ts: str) -> Message | None:
        message = self._by_ts.get((channel_id, None, ts))
        return None if message is None or message.deleted else message

    def find_ephemeral(self, channel_id: str, user_id: str, ts: str) -> Message | None:
        message = self._by_ts.get((channel_id, user_id, ts))
        return None if message is None or message.deleted else message

    # --- writes ----------------------------------------------------------------------------
    def next_ts(self) -> str:
        # Slack's ts is "seconds.micros" and unique; two posts in the same microsecond must differ.
        now_us = max(int(time.time() * 1_000_000), self._last_ts_us + 1)
        self._last_ts_us = now_us
        return f"{now_us // 1_000_000}.{now_us % 1_000_000:06d}"

    def new_id(self, prefix: str) -> str:
        self._ids += 1
        return f"{prefix}{self._ids:08d}{secrets.token_hex(2).upper()}"

    def post_as_bot(
        self,
        channel_id: str,
        *,
        text: str,
        blocks: list[JsonDict],
        thread_ts: str | None = None,
        visible_to: str | None = None,
        files: list[JsonDict] | None = None,
        metadata: JsonDict | None = None,
    ) -> Message:
        message = Message(
            channel_id=channel_id,
            ts=self.next_ts(),
            user=self.bot_user_id,
            text=text,
            blocks=self.with_block_ids(blocks),
            team=self.team_id,
            bot_id=self.bot_id,
            app_id=self.app_id,
            thread_ts=thread_ts,
            visible_to=visible_to,
            files=files or [],
            metadata=metadata,
        )
        if visible_to is None:
            self.channel_messages.setdefault(channel_id, []).append(message)
        else:
            self.ephemeral_messages.setdefault((channel_id, visible_to), []).append(message)
        self._by_ts[(channel_id, visible_to, message.ts)] = message
        return message

    def issue_response_url_token(self, target: ResponseTarget) -> str:
        token = secrets.token_urlsafe(16)
        self.response_targets[token] = target
        return token

    def with_block_ids(self, blocks: list[JsonDict]) -> list[JsonDict]:
        """Slack assigns a block_id to every block that lacks one; clicks carry it back."""
        result = copy.deepcopy(blocks)
        for block in result:
            if isinstance(block, dict) and "block_id" not in block:
                block["block_id"] = "".join(secrets.choice(string.ascii_letters) for _ in range(5))
        return result
