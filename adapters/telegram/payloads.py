"""The shape of the Telegram updates positie handles, checked before python-telegram-bot
builds its objects: the library takes any JSON type where an id belongs (a user id that is
a dict fails deep inside the application, after the update was taken). Unknown fields are
kept; what positie reads must be there with the right type, or the update is skipped."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr

Text = Annotated[StrictStr, Field(max_length=10_000)]


class _Telegram(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)


class UserShape(_Telegram):
    id: StrictInt
    is_bot: StrictBool
    first_name: Text
    language_code: Text | None = None


class ChatShape(_Telegram):
    id: StrictInt
    type: Text


class EntityShape(_Telegram):
    type: Text
    offset: StrictInt
    length: StrictInt


class MessageShape(_Telegram):
    message_id: StrictInt
    date: StrictInt
    chat: ChatShape
    from_: UserShape | None = Field(default=None, alias="from")
    text: Text | None = None
    entities: list[EntityShape] | None = None
    caption: Text | None = None
    caption_entities: list[EntityShape] | None = None


class CallbackQueryShape(_Telegram):
    id: Text
    from_: UserShape = Field(alias="from")
    chat_instance: Text
    message: MessageShape | None = None
    data: Annotated[StrictStr, Field(max_length=64)] | None = None


class PollAnswerShape(_Telegram):
    poll_id: Text
    option_ids: list[StrictInt]
    user: UserShape | None = None
    voter_chat: ChatShape | None = None


class UpdateShape(_Telegram):
    update_id: StrictInt
    message: MessageShape | None = None
    edited_message: MessageShape | None = None
    callback_query: CallbackQueryShape | None = None
    poll_answer: PollAnswerShape | None = None
