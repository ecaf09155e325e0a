"""getUpdates that skips an update it cannot parse instead of freezing on it.

python-telegram-bot parses a getUpdates batch as a whole: one update it cannot parse (a
`poll_answer` without `option_persistent_ids`, as older Bot API servers send) fails the
batch, the Updater fetches the same batch again, for ever, and logs every update body —
names, ids and answers — at CRITICAL each time. Here each update is parsed on its own; one
that fails is logged once, with its id and the error's type only, and handed on as an empty
update (its id alone): no handler matches it, and the next offset confirms it to Telegram.

The next offset is what confirms a batch to Telegram, so it is asked for only once every
update fetched before has been handled (`await_handled`: the application's update queue
joined): a vote is confirmed after its position is committed, and a crash in between makes
Telegram deliver it again (recorded once: the update id is the delivery id).
"""

from __future__ import annotations

import datetime as dtm
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, cast

from telegram import Update
from telegram._utils.defaultvalue import DEFAULT_NONE, DefaultValue
from telegram._utils.types import JSONDict, ODVInput, TimePeriod
from telegram.ext import ExtBot

from adapters.telegram.payloads import UpdateShape

log = logging.getLogger(__name__)


def parse_updates(result: Sequence[object], bot: Any) -> tuple[Update, ...]:
    """Each update on its own; an unparseable one becomes Update(update_id) (logged once)."""
    updates = []
    for item in result:
        try:
            UpdateShape.model_validate(item)  # ids where ids belong, before the library
            update = Update.de_json(cast(JSONDict, item), bot)
        except Exception as exc:  # any shape the library cannot take
            update_id = item.get("update_id") if isinstance(item, dict) else None
            if not isinstance(update_id, int):
                log.warning("skipped an update without an update_id from getUpdates")
                continue
            kinds = sorted(k for k in item if k != "update_id") if isinstance(item, dict) else []
            log.warning("skipped update %d (%s) that could not be parsed: %s", update_id,
                        ", ".join(kinds[:3]) or "empty", type(exc).__name__)
            update = Update(update_id=update_id)
            update.set_bot(bot)
        updates.append(update)
    return tuple(updates)


class TolerantBot(ExtBot[Any]):
    __slots__ = ("_await_handled",)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        with self._unfrozen():
            self._await_handled: Callable[[], Awaitable[None]] | None = None

    def confirm_after(self, await_handled: Callable[[], Awaitable[None]]) -> None:
        """Ask for the next offset only once this has returned (the update queue joined)."""
        with self._unfrozen():
            self._await_handled = await_handled

    async def get_updates(
        self,
        offset: int | None = None,
        limit: int | None = None,
        timeout: TimePeriod | None = None,  # noqa: ASYNC109 (the library's signature)
        allowed_updates: Sequence[str] | None = None,
        *,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
        api_kwargs: JSONDict | None = None,
    ) -> tuple[Update, ...]:
        if offset is not None and self._await_handled is not None:
            await self._await_handled()  # only then may this offset confirm them
        # As Bot.get_updates (python-telegram-bot 22): the long-poll timeout is added to
        # the read timeout.
        if not isinstance(read_timeout, DefaultValue):
            base = read_timeout or 0.0
        else:
            base = self._request[0].read_timeout or 0.0
        seconds = timeout.total_seconds() if isinstance(timeout, dtm.timedelta) else timeout
        result = await self._post(
            "getUpdates",
            {"timeout": timeout, "offset": offset, "limit": limit,
             "allowed_updates": allowed_updates},
            read_timeout=base + (seconds or 0), write_timeout=write_timeout,
            connect_timeout=connect_timeout, pool_timeout=pool_timeout,
            api_kwargs=api_kwargs)
        updates = parse_updates(result if isinstance(result, list) else [], self)
        for update in updates:  # as ExtBot.get_updates
            self.insert_callback_data(update)
        return updates
