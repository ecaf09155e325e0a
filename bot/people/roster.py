"""The admins' roster: who works for which layer, imported from CSV.

A roster layer ranks above a channel's default and below a person's own choice, so
importing it never overrides what someone declared themselves.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.domain import Identity, LayerSource
from bot.people.participants import apply_layer, ensure_participant
from bot.settings.errors import ConfigError
from bot.settings.platform import IdentityShape
from bot.store.db import Database

COLUMNS = ("platform", "workspace", "user_id", "layer")


@dataclass(frozen=True, slots=True)
class RosterEntry:
    who: Identity
    layer: str


@dataclass(frozen=True, slots=True)
class RosterReport:
    applied: int
    kept_declared: int


def read_roster(path: Path, known_layers: tuple[str, ...],
                identities: Mapping[str, IdentityShape]) -> list[RosterEntry]:
    """Parse and check the whole file first: one bad line imports nothing. `identities`:
    the registered platforms by name, with how each identifies people."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
            header = tuple(rows[0].keys()) if rows else ()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the roster ({exc})") from None
    if rows and set(header) != set(COLUMNS):
        raise ConfigError(f"{path}: the header must be {','.join(COLUMNS)} (got "
                          f"{','.join(str(h) for h in header)})")
    entries, problems = [], []
    for line, row in enumerate(rows, start=2):
        platform, layer = (row.get("platform") or "").strip(), (row.get("layer") or "").strip()
        user = (row.get("user_id") or "").strip()
        shape = identities.get(platform)
        if shape is None:
            problems.append(f"line {line}: platform {platform!r}; use one of "
                            f"{tuple(identities)}")
        elif not user:
            problems.append(f"line {line}: user_id is empty")
        elif layer not in known_layers:
            problems.append(f"line {line}: unknown layer {layer!r}; use one of "
                            f"{list(known_layers)}")
        else:
            workspace = (row.get("workspace") or "").strip() if shape.workspace_scoped else ""
            entries.append(RosterEntry(Identity(platform, workspace, user), layer))
    if problems:
        raise ConfigError(f"{path}: {len(problems)} problem(s) in the roster, nothing "
                          "imported:\n" + "\n".join(f"  - {p}" for p in problems))
    return entries


async def import_roster(db: Database, entries: list[RosterEntry], *,
                        now: datetime) -> RosterReport:
    applied = kept = 0
    async with db.transaction() as session:
        for entry in entries:
            participant = await ensure_participant(session, db.dialect, entry.who, now=now)
            result = await apply_layer(session, participant, entry.layer, LayerSource.ROSTER)
            if result.source is LayerSource.ROSTER:
                applied += 1
            else:
                kept += 1
    return RosterReport(applied=applied, kept_declared=kept)
