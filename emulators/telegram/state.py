"""What the emulated Telegram knows: the bot, chats, people, messages, polls, files, commands.

Plain data with no HTTP in it, so the method handlers, the user-side helpers and tests all read
and change the same objects. Messages are frozen and replaced on edit, which makes a `messages()`
view safe to hand out; polls are mutable because every vote changes them.
"""

from __future__ import annotations

import hashlib
import itertools
import time
from dataclasses import dataclass, field
from typing import Any, Literal

from emulators.telegram.update_queue import UpdateQueue

ChatType = Literal["private", "group", "supergroup", "channel"]
JsonDict = dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class EmulatedUser:
    """A person on the user side of the emulator."""

    id: int
    first_name: str
    username: str | None = None
    last_name: str | None = None
    language_code: str | None = None


@dataclass(kw_only=True)
class ChatState:
    """A chat and the bot's standing in it.

    For private chats `id` is the person's id, `started` says whether they have pressed Start
    (Telegram refuses to let a bot speak first) and `blocked` whether they blocked the bot since.
    """

    id: int
    type: ChatType
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    bot_is_member: bool = True
    bot_was_kicked: bool = False
    started: bool = False
    blocked: bool = False

    @property
    def is_group(self) -> bool:
        return self.type in ("group", "supergroup")


@dataclass(frozen=True, kw_only=True)
class UploadedFile:
    """Bytes the bot uploaded (or that a file_id points at), kept so a test can inspect them."""

    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    filename: str | None = None
    content_type: str | None = None
    width: int = 0
    height: int = 0


@dataclass(frozen=True, kw_only=True)
class StoredMessage:
    """One message as it stands now.

    `text` / `caption` are what the sender passed (HTML markup included when parse_mode was
    HTML); `plain_text` / `entities` are what Telegram would show and return after parsing.
    `edits` holds the earlier texts, oldest first.
    """

    chat_id: int
    message_id: int
    date: int
    sender_id: int
    text: str | None = None
    parse_mode: str | None = None
    plain_text: str | None = None
    entities: tuple[JsonDict, ...] = ()
    reply_markup: JsonDict | None = None
    poll_id: str | None = None
    photo_file_id: str | None = None
    document_file_id: str | None = None
    caption: str | None = None
    caption_entities: tuple[JsonDict, ...] = ()
    edit_date: int | None = None
    edits: tuple[str, ...] = ()


@dataclass(kw_only=True)
class StoredPoll:
    """A native poll the bot sent, with every person's current choice."""

    id: str
    chat_id: int
    message_id: int
    question: str
    options: tuple[str, ...]
    persistent_ids: tuple[str, ...]
    type: str = "regular"
    is_anonymous: bool = True
    allows_multiple_answers: bool = False
    allows_revoting: bool = True
    is_closed: bool = False
    votes: dict[int, tuple[int, ...]] = field(default_factory=dict)
    # Kept alongside `votes` so a `poll` update per vote stays cheap in a 10,000-vote benchmark.
    _tally: list[int] = field(default_factory=list, init=False, repr=False)

    def counts(self) -> list[int]:
        return list(self._tally) if self._tally else [0] * len(self.options)

    def set_vote(self, user_id: int, option_ids: tuple[int, ...]) -> None:
        """Replace a person's choice; an empty choice retracts the vote."""
        tally = self._tally or [0] * len(self.options)
        for option in self.votes.pop(user_id, ()):
            tally[option] -= 1
        if option_ids:
            self.votes[user_id] = option_ids
            for option in option_ids:
                tally[option] += 1
        self._tally = tally


class EmulatorState:
    """Everything the emulated Bot API server holds for one bot."""

    def __init__(
        self,
        *,
        token: str,
        bot_username: str,
        bot_first_name: str,
        poll_state_updates: bool,
        privacy_mode: bool,
    ) -> None:
        self.token = token
        # Real tokens start with the bot's user id; keeping that makes getMe consistent.
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        # Telegram sends `poll` updates (new counts) for polls the bot sent; they double the
        # update volume, so a benchmark may switch them off.
        self.poll_state_updates = poll_state_updates
        # Bots default to privacy mode: in groups they see commands, not ordinary chatter.
        self.privacy_mode = privacy_mode
        self.chats: dict[int, ChatState] = {}
        self.users: dict[int, EmulatedUser] = {}
        self.messages: dict[int, dict[int, StoredMessage]] = {}
        self.polls: dict[str, StoredPoll] = {}
        self.files: dict[str, UploadedFile] = {}
        self.commands: dict[tuple[str, str], list[JsonDict]] = {}
        self.open_callbacks: set[str] = set()
        self.answered_callbacks: list[JsonDict] = []
        self.updates = UpdateQueue()
        self._message_ids: dict[int, itertools.count[int]] = {}
        # Telegram's poll, callback and file ids are long opaque strings; counters keep
        # them unique and the runs reproducible.
        self._poll_ids = itertools.count(5_210_000_000_000_000_001)
        self._callback_ids = itertools.count(4_300_000_000_000_000_001)
        self._file_ids = itertools.count(1)

    @staticmethod
    def now() -> int:
        return int(time.time())

    def add_chat(self, chat: ChatState) -> ChatState:
        self.chats[chat.id] = chat
        self.messages.setdefault(chat.id, {})
        return chat

    def remember_user(self, user: EmulatedUser) -> None:
        self.users[user.id] = user

    def private_chat_for(self, user: EmulatedUser) -> ChatState:
        self.remember_user(user)
        chat = self.chats.get(user.id)
        if chat is None:
            chat = self.add_chat(
                ChatState(
                    id=user.id,
                    type="private",
                    username=user.username,
                    first_name=user.first_name,
                    last_name=user.last_name,
                )
            )
        return chat

    def store_message(self, message: StoredMessage) -> StoredMessage:
        self.messages.setdefault(message.chat_id, {})[message.message_id] = message
        return message

    def next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def next_poll_id(self) -> str:
        return str(next(self._poll_ids))

    def next_callback_id(self) -> str:
        return str(next(self._callback_ids))

    def next_file_ids(self) -> tuple[str, str]:
        """A (file_id, file_unique_id) pair shaped like Telegram's: opaque, url-safe."""
        number = next(self._file_ids)
        digest = hashlib.sha1(f"{self.bot_id}/{number}".encode()).hexdigest()
        return f"AgACAgQAAxkDAAI{digest[:24]}", f"AQAD{digest[24:36]}"

    @staticmethod
    def persistent_option_id(poll_id: str, index: int) -> str:
        # Deliberately not the index: a bot that confuses the two should fail in tests.
        return hashlib.sha1(f"{poll_id}/{index}".encode()).hexdigest()[:10]
