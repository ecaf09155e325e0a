"""Export in the open Pol.is layout, aggregated only: what the privacy rules allow.

Pol.is (compdemocracy/polis, `server/src/export.ts`) exports a conversation as CSV files:
`summary.csv` (key,value lines), `comments.csv`, `comment-groups.csv` (votes per opinion
group), `votes.csv` (one row per vote) and `participants-votes.csv` (one row per person
with their vote on every comment). positie maps a statement to a comment, a layer of
government to a group (group-a is the campaign's first layer, …, onbekend last) and its
scale to Pol.is's votes: agree (a value above 0), disagree (below 0), pass (neutral and
"weet niet").

`votes.csv` and `participants-votes.csv` are **not** written. A row per person, however
pseudonymous its id, is that person's answer, and their vote vector over many statements
picks them out (in a small layer at once); it would also undo the release step, because two
exports compared row by row show who changed their mind. Everything written comes from the
release: a group's figures on a comment are there only when the cell is shown in full, else
blank (not 0), and totals are over those cells only, as everywhere in positie. The README's
"Privacy" section says the same for operators.

Two files are positie's own, for readers who want the keys: `positie-statements.csv`
(comment-id → statement key and theme) and `positie-groups.csv` (group → layer).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import datetime

from bot.clock import utc
from bot.domain import UNKNOWN_LAYER, ScaleOption
from bot.insight.aggregation import Cell
from bot.insight.formula_guard import guard_text
from bot.insight.release import Release
from bot.labels import layer_label
from bot.settings.config import CampaignSettings
from bot.texts import Texts

CORE_TEAM_AUTHOR = 0  # every statement comes from the core team's catalogue
FILES = ("summary.csv", "comments.csv", "comment-groups.csv", "positie-statements.csv",
         "positie-groups.csv")


def polis_files(release: Release, *, campaign: CampaignSettings,
                scale: tuple[ScaleOption, ...], texts: Texts,
                opened_at: Mapping[str, datetime | None]) -> dict[str, str]:
    """File name -> CSV text (comma, LF line ends, as Pol.is writes them)."""
    groups = _groups(release, campaign)
    comments, comment_groups, keys = [], [], []
    for tid, visible in enumerate(release.statements):
        s = visible.statement
        body = guard_text(s.text)
        # Over the layers shown in full; 0 when nobody answered, blank when none is shown.
        total: tuple[object, ...] = (_votes(visible.total, scale) if visible.total is not None
                                     else ("",) * 4 if visible.answers else (0,) * 4)
        opened = opened_at.get(s.key)
        stamp = [str(int(utc(opened).timestamp())), utc(opened).isoformat()] if opened else \
            ["", ""]
        comments.append([*stamp, tid, CORE_TEAM_AUTHOR,
                         *total[1:3], 1, body])
        per_group: list[object] = []
        for layer in groups:  # withheld: blank; nobody answered: 0
            cell = visible.cells.get(layer)
            per_group.extend(_votes(cell, scale) if cell is not None else
                             ("",) * 4 if layer in visible.withheld else (0,) * 4)
        comment_groups.append([tid, body, *total, *per_group])
        keys.append([tid, *map(guard_text, (s.key, s.theme_key, s.theme_title))])
    letters = [_letter(i) for i in range(len(groups))]
    return {
        "summary.csv": _summary(release, campaign, groups),
        "comments.csv": _csv(["timestamp", "datetime", "comment-id", "author-id", "agrees",
                              "disagrees", "moderated", "comment-body"], comments),
        "comment-groups.csv": _csv(
            ["comment-id", "comment", "total-votes", "total-agrees", "total-disagrees",
             "total-passes",
             *(f"group-{x}-{what}" for x in letters
               for what in ("votes", "agrees", "disagrees", "passes"))], comment_groups),
        "positie-statements.csv": _csv(["comment-id", "statement", "theme", "theme-title"],
                                       keys),
        "positie-groups.csv": _csv(
            ["group-id", "group", "layer", "layer-name", "participants"],
            [[i, f"group-{letters[i]}", guard_text(layer),
              guard_text(layer_label(layer, campaign, texts)),
              release.participants_by_layer.get(layer, 0)] for i, layer in enumerate(groups)]),
    }


def _groups(release: Release, campaign: CampaignSettings) -> list[str]:
    groups = list(campaign.layer_keys)
    if release.participants_by_layer.get(UNKNOWN_LAYER):
        groups.append(UNKNOWN_LAYER)
    return groups


def _votes(cell: Cell, scale: tuple[ScaleOption, ...]) -> tuple[int, int, int, int]:
    """(votes, agrees, disagrees, passes) of a cell shown in full."""
    agrees = sum(cell.counts.get(o.key, 0) for o in scale if o.value is not None and o.value > 0)
    disagrees = sum(cell.counts.get(o.key, 0) for o in scale
                    if o.value is not None and o.value < 0)
    votes = cell.respondents
    return votes, agrees, disagrees, votes - agrees - disagrees


def _summary(release: Release, campaign: CampaignSettings, groups: list[str]) -> str:
    voters = sum(release.participants_by_layer.values())
    rows: list[list[object]] = [
        ["topic", guard_text(campaign.name)], ["url", ""], ["voters", voters],
        ["voters-in-conv", voters], ["commenters", 1],
        ["comments", len(release.statements)], ["groups", len(groups)],
        ["conversation-description", ""]]
    return _csv(None, rows)


def _csv(header: list[str] | None, rows: list[list[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _letter(index: int) -> str:
    """Pol.is names groups a, b, c, … (its group id 0 is "a")."""
    return chr(ord("a") + index)
