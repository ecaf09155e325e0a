"""The outbox rules shared by statement posts and digest parts.

A row is written before its call and settled after it: "pending" → "sending" (claimed by
one live process, its owner) → "posted"/"sent". A row found in "sending" whose owner is gone
is taken over; since its call may have arrived, it is *uncertain*, as is a row whose earlier
attempt failed in a way that does not prove nothing arrived ("unsure": no answer, a
timeout). A refusal the platform answered leaves the row plainly "pending". Where the
platform can tell (`ChatGateway.can_check_delivery`), an uncertain row is looked up before
it is sent again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.ports import ChannelTarget, ChatGateway, DeliveryFailed, OutgoingPart

SENDING = "sending"
# Released after a failure that does not prove nothing arrived (no answer, a timeout):
# pending, but looked up (or counted as a possible repeat) before it is sent again.
UNSURE = "unsure"


def new_delivery_key() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True, slots=True)
class Seen:
    """A row as read before claiming it: the claim succeeds only if it is still so."""

    id: int
    status: str
    owner: str | None
    attempts: int


def held_elsewhere(seen: Seen, live: frozenset[str], me: str) -> bool:
    return seen.status == SENDING and seen.owner is not None and seen.owner in live \
        and seen.owner != me


def is_uncertain(seen: Seen) -> bool:
    """Taken over from a process that died mid-call, or retried after an attempt that got
    no answer: the earlier call may have arrived."""
    return seen.status in (SENDING, UNSURE)


def released_status(exc: BaseException, *, still_unsure: bool = False) -> str:
    """What a row becomes after its call raised `exc`: "pending" when the platform answered
    with a refusal (nothing arrived), UNSURE when it may have arrived — or when an earlier
    call may have (`still_unsure`: the row was uncertain and nobody looked)."""
    if isinstance(exc, DeliveryFailed) and not exc.may_have_arrived and not still_unsure:
        return "pending"
    return UNSURE


async def claim(session: AsyncSession, table: Any, seen: Seen, *, owner: str,
                now: datetime, **values: Any) -> bool:
    """Flip the row to "sending" for `owner`, only if nobody changed it since it was read
    (two processes taking over the same row: one wins)."""
    same_owner = table.owner.is_(None) if seen.owner is None else table.owner == seen.owner
    result = await session.execute(update(table).where(
        and_(table.id == seen.id, table.status == seen.status, same_owner))
        .values(status=SENDING, owner=owner, claimed_at=now, **values))
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def find_earlier(gateway: ChatGateway, target: ChannelTarget, seen: Seen, key: str, *,
                       part: OutgoingPart | None = None,
                       after: str | None = None) -> str | None:
    """For an uncertain row on a platform that can tell: the message an earlier attempt left.
    Raises what the gateway raises (the row then stays unsettled for the next run)."""
    if not is_uncertain(seen) or not gateway.can_check_delivery:
        return None
    return await gateway.find_delivered(target, key, part=part, after=after)
