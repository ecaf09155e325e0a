"""Inbound translation: Telegram updates to use-case arguments (pure functions).

Event time: poll_answer and callback_query updates carry no date, so a vote's event time is
the moment the adapter receives it (`received_at`). Updates are handed to the handlers in
update_id order and each handler takes its stamp before its first await, so within one
process two answers of one person keep their order; across processes (webhooks behind a
load balancer) Telegram's in-order delivery per bot keeps them apart by far more than any
clock skew between the machines.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import CallbackQuery, PollAnswer, User

from adapters.telegram.settings import TelegramSettings
from bot.domain import Identity
from bot.positions.record import Vote
from bot.publishing.posts import PollPost

PLATFORM = TelegramSettings.name
VOTE_PREFIX = "v"
LAYER_PREFIX = "l"
OPTION_INDEX = "#"  # "v:<statement>:#2": the option by position, when its key is too long


def identity_of(user: User) -> Identity:
    return Identity(platform=PLATFORM, workspace="", user_id=str(user.id))


def delivery_id(bot_id: int, update_id: int) -> str:
    """Telegram redelivers an update with the same update_id; one bot, one sequence."""
    return f"telegram:{bot_id}:{update_id}"


def parse_vote_data(data: str | None,
                    option_keys: Sequence[str]) -> tuple[str, str] | None:
    """(statement key, option key) from a vote button's callback_data, or None."""
    prefix, _, rest = (data or "").partition(":")
    statement_key, sep, option = rest.rpartition(":")
    if prefix != VOTE_PREFIX or not sep or not statement_key or not option:
        return None
    if option.startswith(OPTION_INDEX):
        index = option.removeprefix(OPTION_INDEX)
        if not index.isdigit() or int(index) >= len(option_keys):
            return None
        option = option_keys[int(index)]
    return statement_key, option


def parse_layer_data(data: str | None) -> str | None:
    prefix, sep, layer = (data or "").partition(":")
    return layer if prefix == LAYER_PREFIX and sep and layer else None


def vote_of_button(query: CallbackQuery, *, bot_id: int, update_id: int,
                   option_keys: Sequence[str], received_at: float) -> Vote | None:
    parsed = parse_vote_data(query.data, option_keys)
    if parsed is None:
        return None
    statement_key, option_key = parsed
    message = query.message
    return Vote(who=identity_of(query.from_user), statement_key=statement_key,
                option_key=option_key, event_time=received_at,
                delivery_id=delivery_id(bot_id, update_id),
                channel_id=str(message.chat.id) if message is not None else None)


def vote_of_poll_answer(answer: PollAnswer, post: PollPost, *, bot_id: int, update_id: int,
                        option_keys: Sequence[str], received_at: float) -> Vote | None:
    """A vote from a native poll; no options chosen means the vote was retracted.

    The poll's options are the scale's options in order, so an index maps to a key. An
    answer on behalf of a chat (anonymous admins) has no person to count: None.
    """
    if answer.user is None:
        return None
    if answer.option_ids:
        index = answer.option_ids[0]
        if not 0 <= index < len(option_keys):
            return None
        option_key: str | None = option_keys[index]
    else:
        option_key = None
    return Vote(who=identity_of(answer.user), statement_key=post.statement_key,
                option_key=option_key, event_time=received_at,
                delivery_id=delivery_id(bot_id, update_id),
                channel_id=post.channel_external_id)


def command_argument(text: str | None) -> str:
    """The first word after the command: "/post@positie_bot visie-rijk" → "visie-rijk"."""
    words = (text or "").split()
    return words[1] if len(words) > 1 else ""
