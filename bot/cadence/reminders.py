"""Private reminders: one nudge per person per open statement, to people who already took part.

Who gets one: a participant who answered another statement of the campaign, has not
answered this one, did not opt out and was not reminded of it before. The (statement,
participant) row is claimed under a unique constraint before the message is sent, so a
rerun or a second process never nudges anyone twice; a crash between claim and send
leaves that one person without a nudge rather than with two.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select, update

from bot.domain import Identity, StatementView
from bot.people.participants import ensure_participant
from bot.ports import ChannelUnavailable, ChatGateway, PrivateTarget
from bot.store.db import Database
from bot.store.models import Participant, Position, ReminderSent, Statement
from bot.store.upsert import insert_for
from bot.texts import Texts

log = logging.getLogger(__name__)

# People fetched per query: memory stays flat however large the campaign.
BATCH = 200
# Private messages in flight at once; the gateways pace themselves to platform limits.
CONCURRENCY = 8


@dataclass(frozen=True, slots=True)
class ReminderReport:
    sent: int = 0
    unreachable: int = 0
    failed: int = 0

    def __add__(self, other: ReminderReport) -> ReminderReport:
        return ReminderReport(self.sent + other.sent, self.unreachable + other.unreachable,
                              self.failed + other.failed)


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
                         campaign_id: str, statements: Sequence[StatementView], texts: Texts,
                         now: datetime) -> ReminderReport:
    report = ReminderReport()
    for view in statements:
        report += await _remind_about(db, gateways, campaign_id, view, texts, now)
    return report


async def _remind_about(db: Database, gateways: Mapping[str, ChatGateway], campaign_id: str,
                        view: StatementView, texts: Texts, now: datetime) -> ReminderReport:
    async with db.sessions() as session:
        rows = await session.execute(select(Statement.key, Statement.id).where(
            Statement.campaign_id == campaign_id, Statement.state.in_(("open", "closed"))))
        ids: dict[str, int] = {key: statement_id for key, statement_id in rows}
    statement_id = ids.get(view.key)
    others = [i for key, i in ids.items() if key != view.key]
    if statement_id is None or not others or not gateways:
        return ReminderReport()
    semaphore = asyncio.Semaphore(CONCURRENCY)

    async def nudge(person: _Person) -> ReminderReport:
        async with semaphore:
            return await _nudge(db, gateways, statement_id, person, view, texts, now)

    report = ReminderReport()
    # Each batch is claimed before the next query, so the loop ends when nobody is left.
    while batch := await _candidates(db, statement_id, others, list(gateways)):
        for outcome in await asyncio.gather(*(nudge(p) for p in batch)):
            report += outcome
    return report


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
                 person: _Person, view: StatementView, texts: Texts,
                 now: datetime) -> ReminderReport:
    async with db.transaction() as session:
        claimed = await session.scalar(
            insert_for(db.dialect, ReminderSent)
            .values(statement_id=statement_id, participant_id=person.id, status="claimed",
                    sent_at=now)
            .on_conflict_do_nothing().returning(ReminderSent.id))
    if claimed is None:  # another process got there first
        return ReminderReport()
    platform = person.identity.platform
    text = reminder_text(texts, gateways[platform].opt_out_command)
    status, report = "sent", ReminderReport(sent=1)
    try:
        await gateways[platform].send_private(PrivateTarget(person.identity,
                                                            person.private_chat_id), text, view)
    except ChannelUnavailable as exc:
        log.info("reminder for %s not delivered: %s cannot be reached privately (%s)",
                 view.key, platform, exc)
        status, report = "unreachable", ReminderReport(unreachable=1)
    except Exception as exc:  # one failed nudge must not stop the others
        log.warning("reminder for %s to a %s participant failed: %s", view.key, platform, exc)
        status, report = "failed", ReminderReport(failed=1)
    async with db.transaction() as session:
        await session.execute(update(ReminderSent).where(ReminderSent.id == claimed)
                              .values(status=status))
    return report


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
