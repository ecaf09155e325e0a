"""People given by e-mail address in a roster: looked up once on their platform, remembered.

Addresses are never stored: a lookup is kept as HMAC-SHA256 under the campaign's own secret
(kept in the database) → user id, so a rerun asks the platform only about new addresses,
and the table alone reveals no address. Lookups that succeeded are kept even when the
import is refused for other lines: after the fix, the rerun does not ask again.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import Identity
from bot.people.roster_file import EmailRow, RosterEntry
from bot.ports import LookupFailed, PeopleDirectory
from bot.settings.errors import ConfigError
from bot.store.db import Database
from bot.store.models import RosterEmailKey, RosterEmailLookup
from bot.store.upsert import insert_for

QUERY_CHUNK = 1_000  # hashes per IN (…)
SAVE_EVERY = 50  # lookups stored per transaction: an interrupted run keeps what it learned

Progress = Callable[[int, int], None]  # (done, total)


@dataclass(frozen=True, slots=True)
class Resolution:
    entries: list[RosterEntry]
    problems: list[tuple[int, str]]
    remembered: int  # addresses resolved on an earlier run (no call to the platform)
    asked: int  # addresses the platform was asked about now


def email_hash(secret: str, email: str) -> str:
    return hmac.new(secret.encode(), email.strip().lower().encode(), hashlib.sha256).hexdigest()


async def campaign_secret(db: Database, campaign_id: str) -> str:
    async with db.transaction() as session:
        await session.execute(insert_for(db.dialect, RosterEmailKey)
                              .values(campaign_id=campaign_id, secret=secrets.token_hex(32))
                              .on_conflict_do_nothing())
        return str(await session.scalar(select(RosterEmailKey.secret).where(
            RosterEmailKey.campaign_id == campaign_id)))


async def resolve_emails(db: Database, campaign_id: str, rows: Sequence[EmailRow],
                         directories: Mapping[str, PeopleDirectory], *, now: datetime,
                         progress: Progress | None = None) -> Resolution:
    """The rows as entries by platform id. `directories`: by platform, for every platform of
    `rows`. A row nobody has the address of is a problem on its line."""
    secret = await campaign_secret(db, campaign_id)
    hashes = {(row.platform, row.email): email_hash(secret, row.email) for row in rows}
    known = await _remembered(db, campaign_id, set(hashes.values()))
    missing = [(platform, email) for (platform, email), digest in hashes.items()
               if (platform, digest) not in known]
    asked = 0
    found: list[tuple[str, str, Identity]] = []
    try:
        for platform, email in missing:
            identity = await directories[platform].find_by_email(email)
            asked += 1
            if identity is not None:
                found.append((platform, hashes[platform, email], identity))
                known[platform, hashes[platform, email]] = identity
            if len(found) >= SAVE_EVERY:
                await _remember(db, campaign_id, found, now)
                found = []
            if progress is not None:
                progress(asked, len(missing))
    except LookupFailed as exc:
        await _remember(db, campaign_id, found, now)
        raise ConfigError(
            f"the platform did not answer the e-mail lookups ({exc}); {asked} of "
            f"{len(missing)} asked, those found are remembered; nothing imported, run the "
            "same command again to go on") from None
    await _remember(db, campaign_id, found, now)
    entries, problems = [], []
    for row in rows:
        identity = known.get((row.platform, hashes[row.platform, row.email]))
        if identity is None:
            problems.append((row.line, f"{row.platform} has no active user with the address "
                                       f"{row.email}; check it, or give the user id instead"))
        elif row.workspace and row.workspace != identity.workspace:
            problems.append((row.line, f"{row.email} belongs to workspace "
                                       f"{identity.workspace}, not {row.workspace}; fix the "
                                       "workspace or leave it empty"))
        else:
            entries.append(RosterEntry(identity, row.layer, row.line))
    return Resolution(entries=entries, problems=problems,
                      remembered=len(hashes) - len(missing), asked=asked)


async def _remembered(db: Database, campaign_id: str,
                      hashes: set[str]) -> dict[tuple[str, str], Identity]:
    wanted = sorted(hashes)
    known: dict[tuple[str, str], Identity] = {}
    async with db.sessions() as session:
        for start in range(0, len(wanted), QUERY_CHUNK):
            rows = await session.execute(select(
                RosterEmailLookup.platform, RosterEmailLookup.email_hash,
                RosterEmailLookup.workspace, RosterEmailLookup.user_id).where(
                RosterEmailLookup.campaign_id == campaign_id,
                RosterEmailLookup.email_hash.in_(wanted[start:start + QUERY_CHUNK])))
            for row in rows:
                known[row.platform, row.email_hash] = Identity(row.platform, row.workspace,
                                                               row.user_id)
    return known


async def _remember(db: Database, campaign_id: str,
                    found: Sequence[tuple[str, str, Identity]], now: datetime) -> None:
    if not found:
        return
    async with db.transaction() as session:
        await _store(session, db.dialect, campaign_id, found, now)


async def _store(session: AsyncSession, dialect: str, campaign_id: str,
                 found: Sequence[tuple[str, str, Identity]], now: datetime) -> None:
    await session.execute(insert_for(dialect, RosterEmailLookup).values([
        {"campaign_id": campaign_id, "platform": platform, "email_hash": digest,
         "workspace": who.workspace, "user_id": who.user_id, "resolved_at": now}
        for platform, digest, who in found]).on_conflict_do_nothing())
