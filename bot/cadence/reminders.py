"""Private reminders: one nudge per person per open statement, to people who already took part.

Who gets one: a participant who answered another statement of the campaign, has not
answered this one, did not opt out and was not reminded of it before. The (statement,
participant) row is an outbox row, claimed under a unique constraint before the message is
sent ("sending", owned by this process) and settled after it ("sent", "unreachable"), so a
rerun or a second process never nudges anyone twice. A refusal for now is retried after
the platform's Retry-After; what is still unsettled ("pending" after a failure, "sending"
under a process that is gone) is resumed by the next reminder run. A reminder in flight
when its process died may arrive twice (private messages leave nothing to check).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, or_, select, update

from bot.domain import Identity, StatementView
from bot.people.participants import ensure_participant
from bot.ports import ChannelUnavailable, ChatGateway, PrivateTarget, RetryLater
from bot.publishing.lease import ProcessLease
from bot.store.db import Database
from bot.store.models import Participant, Position, ReminderSent, Statement
from bot.store.upsert import insert_for
from bot.texts import Texts

log = logging.getLogger(__name__)

# People fetched per query: memory stays flat however large the campaign.
BATCH = 200
# Private messages in flight at once; the gateways pace themselves to platform limits.
CONCURRENCY = 8
# A refusal for now is waited out in the run this long at most; a longer wait is left to
# the next reminder run.
LONGEST_WAIT_S = 30.0
RETRIES_IN_RUN = 3
# After a failure that named no wait: tried again by a run at least this much later.
RETRY_AFTER_FAILURE = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class ReminderReport:
    sent: int = 0
    unreachable: int = 0
    failed: int = 0  # kept for retry by the next reminder run
    resumed: int = 0  # of all these: left unsettled by an earlier run, taken up again

    def __add__(self, other: ReminderReport) -> ReminderReport:
        return ReminderReport(self.sent + other.sent, self.unreachable + other.unreachable,
                              self.failed + other.failed, self.resumed + other.resumed)


@dataclass(frozen=True, slots=True)
class _Person:
    id: int
    identity: Identity
    private_chat_id: str | None


async def set_reminders(db: Database, who: Identity, on: bool, *, now: datetime) -> None:
    """Opt in (on) or out of private reminders; every platform's stop/start calls this."""
    async with db.transaction() as session:
        participant = await ensure_participant(session, db.dialect, who, now=now)
        await session.execute(update(Participant).where(Participant.id == participant.id)
                              .values(reminders_opt_out=not on))


async def send_reminders(db: Database, gateways: Mapping[str, ChatGateway], *,
                         lease: ProcessLease, campaign_id: str,
                         statements: Sequence[StatementView], texts: Texts,
                         now: datetime) -> ReminderReport:
    me = await lease.acquire()
    live = await lease.live_owners()
    report = ReminderReport()
    for view in statements:
        report += await _remind_about(db, gateways, campaign_id, view, texts, now,
                                      _Owner(me, live))
    return report


@dataclass(frozen=True, slots=True)
class _Owner:
    me: str
    live: frozenset[str]


async def _remind_about(db: Database, gateways: Mapping[str, ChatGateway], campaign_id: str,
                        view: StatementView, texts: Texts, now: datetime,
                        owner: _Owner) -> ReminderReport:
    async with db.sessions() as session:
        rows = await session.execute(select(Statement.key, Statement.id).where(
            Statement.campaign_id == campaign_id, Statement.state.in_(("open", "closed"))))
        ids: dict[str, int] = {key: statement_id for key, statement_id in rows}
    statement_id = ids.get(view.key)
    others = [i for key, i in ids.items() if key != view.key]
    if statement_id is None or not others or not gateways:
        return ReminderReport()
    semaphore = asyncio.Semaphore(CONCURRENCY)

    async def nudge(person: _Person, row_id: int | None = None) -> ReminderReport:
        async with semaphore:
            return await _nudge(db, gateways, statement_id, person, view, texts, now,
                                owner.me, row_id)

    report = ReminderReport()
    for row_id, person in await _unsettled(db, statement_id, list(gateways), owner, now):
        report += await nudge(person, row_id)
    # Each batch is claimed before the next query, so the loop ends when nobody is left.
    while batch := await _candidates(db, statement_id, others, list(gateways)):
        for outcome in await asyncio.gather(*(nudge(p) for p in batch)):
            report += outcome
    return report


async def _unsettled(db: Database, statement_id: int, platforms: list[str], owner: _Owner,
                     now: datetime) -> list[tuple[int, _Person]]:
    """Reminders an earlier run left unsettled and that may be tried now."""
    due = or_(ReminderSent.retry_at.is_(None), ReminderSent.retry_at <= now)
    async with db.sessions() as session:
        rows = await session.execute(
            select(ReminderSent.id, Participant.id.label("pid"), Participant.platform,
                   Participant.workspace, Participant.user_id, Participant.private_chat_id)
            .join(Participant, Participant.id == ReminderSent.participant_id)
            .where(ReminderSent.statement_id == statement_id,
                   Participant.platform.in_(platforms), Participant.reminders_opt_out.is_(False),
                   or_(and_(ReminderSent.status == "pending", due),
                       and_(ReminderSent.status == "sending",
                            ReminderSent.owner.not_in(list(owner.live)))))
            .order_by(ReminderSent.id))
        return [(r.id, _Person(r.pid, Identity(r.platform, r.workspace, r.user_id),
                               r.private_chat_id)) for r in rows]


async def _candidates(db: Database, statement_id: int, others: list[int],
                      platforms: list[str]) -> list[_Person]:
    took_part = exists().where(Position.participant_id == Participant.id,
                               Position.statement_id.in_(others))
    answered = exists().where(Position.participant_id == Participant.id,
                              Position.statement_id == statement_id)
    reminded = exists().where(ReminderSent.participant_id == Participant.id,
                              ReminderSent.statement_id == statement_id)
    async with db.sessions() as session:
        rows = await session.execute(
            select(Participant.id, Participant.platform, Participant.workspace,
                   Participant.user_id, Participant.private_chat_id)
            .where(Participant.reminders_opt_out.is_(False), Participant.platform.in_(platforms),
                   took_part, ~answered, ~reminded)
            .order_by(Participant.id).limit(BATCH))
        return [_Person(r.id, Identity(r.platform, r.workspace, r.user_id), r.private_chat_id)
                for r in rows]


async def _nudge(db: Database, gateways: Mapping[str, ChatGateway], statement_id: int,
                 person: _Person, view: StatementView, texts: Texts, now: datetime,
                 me: str, row_id: int | None) -> ReminderReport:
    claimed = await _claim(db, statement_id, person.id, me, row_id, now)
    if claimed is None:  # another process got there first
        return ReminderReport()
    resumed = int(row_id is not None)
    platform = person.identity.platform
    text = reminder_text(texts, gateways[platform].opt_out_command)
    target = PrivateTarget(person.identity, person.private_chat_id)
    values: dict[str, Any] = {"status": "sent", "last_error": None, "retry_at": None}
    report = ReminderReport(sent=1, resumed=resumed)
    for attempt in range(RETRIES_IN_RUN + 1):
        try:
            await gateways[platform].send_private(target, text, view)
            break
        except ChannelUnavailable as exc:
            log.info("reminder for %s not delivered: %s cannot be reached privately (%s)",
                     view.key, platform, exc)
            values["status"], report = "unreachable", ReminderReport(unreachable=1,
                                                                     resumed=resumed)
            break
        except RetryLater as exc:  # waited out here when short, else at the next run
            if exc.seconds <= LONGEST_WAIT_S and attempt < RETRIES_IN_RUN:
                await asyncio.sleep(exc.seconds)
                continue
            values = _kept(str(exc), now + timedelta(seconds=exc.seconds))
        except Exception as exc:  # one failed nudge must not stop the others
            log.warning("reminder for %s to a %s participant failed (%s); kept for the next "
                        "reminder run", view.key, platform, exc)
            values = _kept(str(exc), now + RETRY_AFTER_FAILURE)
        report = ReminderReport(failed=1, resumed=resumed)
        break
    async with db.transaction() as session:
        await session.execute(update(ReminderSent).where(ReminderSent.id == claimed)
                              .values(owner=None, attempts=ReminderSent.attempts + 1,
                                      **values))
    return report


def _kept(error: str, retry_at: datetime) -> dict[str, Any]:
    return {"status": "pending", "last_error": error[:300], "retry_at": retry_at}


async def _claim(db: Database, statement_id: int, participant_id: int, me: str,
                 row_id: int | None, now: datetime) -> int | None:
    """A new row in "sending", or (row_id) an unsettled one taken over; None if lost."""
    async with db.transaction() as session:
        if row_id is None:
            new_id: int | None = await session.scalar(
                insert_for(db.dialect, ReminderSent)
                .values(statement_id=statement_id, participant_id=participant_id,
                        status="sending", owner=me, attempts=0, sent_at=now)
                .on_conflict_do_nothing().returning(ReminderSent.id))
            return new_id
        taken = await session.execute(update(ReminderSent).where(
            ReminderSent.id == row_id, ReminderSent.status.in_(("pending", "sending")),
            ReminderSent.owner.is_distinct_from(me)).values(status="sending", owner=me))
        return row_id if taken.rowcount else None  # type: ignore[attr-defined]


def reminder_text(texts: Texts, stop_command: str) -> str:
    return texts.gettext(
        "You took a position on earlier statements, but not yet on this one. Tap your "
        "position below; only you see your answer. No more reminders? Send {command}.",
        command=stop_command)


def reminders_reply(on: bool, texts: Texts) -> str:
    if on:
        return texts.gettext("Reminders are on: you get one private reminder for each "
                             "statement you have not answered yet.")
    return texts.gettext("You will get no more reminders. You can turn them back on at any "
                         "time.")
