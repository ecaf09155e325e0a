"""The shift since the workshop: per statement × layer the workshop's figures, today's and
the difference, already through the privacy rules. Digest, chart, report and exports all
take it from here.

Usage (the one query; `release` is the campaign through the release step, e.g.
`await service.release()`, so "now" shows exactly what the digest shows)::

    shift: BaselineShift | None = await baseline_shift(
        db, release, campaign_id=..., scale=settings.campaign.scale_options(),
        layers=settings.campaign.layer_keys)

`None` when no baseline was imported. Otherwise `shift.statements` holds one
`StatementShift` per statement of the catalogue that has a baseline (catalogue order), each
with one `LayerShift` per layer that has people on either side, in the campaign's layer order
with "onbekend" last. A side (`Figures`) is shown in full, as a count of people only, or not
at all, and `hidden` says why (`Hidden`). A shift is given only where both sides are shown
in full.

Privacy: today's side is the release's figures as they are (never re-derived from live
counts). The workshop's side obeys the same rules as every cell: fewer than k people shows
nothing, a small group answering alike shows a count only (`bot.insight.privacy.releasable`
judged as a first release; a baseline is published once). Totals are over the layers shown
in full on both sides only, so nothing hidden can be recovered by subtraction.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from bot.domain import UNKNOWN_LAYER, ScaleOption
from bot.insight.aggregation import Cell
from bot.insight.privacy import VisibleStatement, Withheld, answer_classes, releasable
from bot.insight.release import Release
from bot.store.baseline_models import Baseline, BaselineCell
from bot.store.db import Database
from bot.store.models import Statement, Theme


class Hidden(enum.StrEnum):
    """Why one side of a layer shows no figures (or a count of people only)."""

    BELOW_THRESHOLD = "below_threshold"  # fewer than k people: nothing shown
    SMALL_GROUP = "small_group"  # a small group answering alike: a count of people only
    UNTIL_CLOSED = "until_closed"  # campaign.results keeps figures back while it is open
    NO_ANSWERS = "no_answers"  # nobody of this layer took a position (there or then)
    NOT_ASKED = "not_asked"  # the statement has not been posted in the campaign yet


@dataclass(frozen=True, slots=True)
class Figures:
    """One side (the workshop, or now) of one layer on one statement, as it may be shown.

    `counts`, `agree_share` (0–1) and `mean` (on the scale's values; None without valued
    answers) are set only when shown in full. `respondents` is set when shown in full or as
    a count only (`hidden` is SMALL_GROUP or UNTIL_CLOSED); None otherwise.
    """

    counts: dict[str, int] | None
    respondents: int | None
    agree_share: float | None
    mean: float | None
    hidden: Hidden | None

    @property
    def shown(self) -> bool:
        return self.counts is not None


@dataclass(frozen=True, slots=True)
class LayerShift:
    """One layer ("*" for the total) on one statement: the workshop, now, and the shift."""

    layer: str
    baseline: Figures
    current: Figures
    agree_shift: float | None  # current − workshop share agreeing (0.25 = +25 points)
    mean_shift: float | None  # current − workshop mean


@dataclass(frozen=True, slots=True)
class StatementShift:
    key: str
    text: str
    theme_key: str
    theme_title: str
    state: str  # draft, scheduled, open, closed, …
    layers: tuple[LayerShift, ...]
    # Over the layers shown in full on both sides; None when there is no such layer.
    total: LayerShift | None


@dataclass(frozen=True, slots=True)
class BaselineShift:
    workshop_date: date
    source: str  # the imported file's name
    k: int
    statements: tuple[StatementShift, ...]


async def baseline_shift(db: Database, release: Release, *, campaign_id: str,
                         scale: Sequence[ScaleOption],
                         layers: Sequence[str]) -> BaselineShift | None:
    """The workshop against `release`, per statement × layer; None without a baseline."""
    async with db.sessions() as session:
        stored = (await session.execute(
            select(Baseline.workshop_date, Baseline.source)
            .where(Baseline.campaign_id == campaign_id))).first()
        if stored is None:
            return None
        counts: dict[str, dict[str, dict[str, int]]] = {}
        for key, layer, option, n in await session.execute(
                select(BaselineCell.statement_key, BaselineCell.layer, BaselineCell.option_key,
                       BaselineCell.count).where(BaselineCell.campaign_id == campaign_id)):
            counts.setdefault(key, {}).setdefault(layer, {})[option] = n
        # Keys the catalogue no longer has are left out (the join below finds none).
        catalogue = (await session.execute(
            select(Statement.key, Statement.text, Statement.state, Theme.key, Theme.title)
            .join(Theme, Theme.id == Statement.theme_id)
            .where(Statement.campaign_id == campaign_id, Statement.key.in_(list(counts)))
            .order_by(Theme.position, Statement.position))).all()
    visible = {v.statement.key: v for v in release.statements}
    order = (*layers, UNKNOWN_LAYER)
    return BaselineShift(
        workshop_date=stored.workshop_date, source=stored.source, k=release.k,
        statements=tuple(
            statement_shift(key=key, text=text, state=state, theme_key=theme_key,
                            theme_title=theme_title, baseline=counts[key],
                            current=visible.get(key), scale=scale, layers=order, k=release.k)
            for key, text, state, theme_key, theme_title in catalogue))


def statement_shift(*, key: str, text: str, state: str, theme_key: str, theme_title: str,
                    baseline: Mapping[str, Mapping[str, int]], current: VisibleStatement | None,
                    scale: Sequence[ScaleOption], layers: Sequence[str],
                    k: int) -> StatementShift:
    """One statement: `baseline` is layer -> option -> workshop count; `current` its
    released figures (None when the statement was not posted yet)."""
    classes = answer_classes(scale)
    shifts = []
    for layer in layers:
        before = _baseline_side(baseline.get(layer, {}), classes, scale, k)
        now = _current_side(current, layer, scale)
        if now.hidden is Hidden.UNTIL_CLOSED and before.respondents is not None:
            # Results after the close: the workshop's figures would steer answers as much.
            before = _hidden(Hidden.UNTIL_CLOSED, respondents=before.respondents)
        if before.hidden is Hidden.NO_ANSWERS and now.hidden in (Hidden.NO_ANSWERS,
                                                                 Hidden.NOT_ASKED):
            continue
        shifts.append(_shift(layer, before, now))
    both = [s for s in shifts if s.baseline.shown and s.current.shown]
    total = None
    if both:
        total = _shift("*", _full(_summed(s.baseline for s in both), scale),
                       _full(_summed(s.current for s in both), scale))
    return StatementShift(key=key, text=text, theme_key=theme_key, theme_title=theme_title,
                          state=state, layers=tuple(shifts), total=total)


def _baseline_side(counts: Mapping[str, int], classes: Mapping[str, str],
                   scale: Sequence[ScaleOption], k: int) -> Figures:
    counts = {option: n for option, n in counts.items() if n}
    n = sum(counts.values())
    if not n:
        return _hidden(Hidden.NO_ANSWERS)
    if n < k:
        return _hidden(Hidden.BELOW_THRESHOLD)
    if not releasable(counts, (), classes, k):
        return _hidden(Hidden.SMALL_GROUP, respondents=n)
    return _full(counts, scale)


def _current_side(current: VisibleStatement | None, layer: str,
                  scale: Sequence[ScaleOption]) -> Figures:
    if current is None:
        return _hidden(Hidden.NOT_ASKED)
    cell = current.cells.get(layer)
    if cell is not None:
        return _full(cell.counts, scale)
    reason = current.withheld.get(layer)
    if reason is None:
        return _hidden(Hidden.NO_ANSWERS)
    if reason is Withheld.BELOW_THRESHOLD:
        return _hidden(Hidden.BELOW_THRESHOLD)
    # A count of people only: what the release lets the digest say about this layer.
    return _hidden(Hidden(reason.value), respondents=current.coarse.get(layer))


def _full(counts: Mapping[str, int], scale: Sequence[ScaleOption]) -> Figures:
    cell = Cell(layer="", counts=dict(counts))
    options = tuple(scale)
    return Figures(counts=dict(counts), respondents=cell.respondents,
                   agree_share=cell.agree_share(options), mean=cell.mean(options), hidden=None)


def _hidden(reason: Hidden, *, respondents: int | None = None) -> Figures:
    return Figures(counts=None, respondents=respondents, agree_share=None, mean=None,
                   hidden=reason)


def _summed(sides: Iterable[Figures]) -> dict[str, int]:
    total: Counter[str] = Counter()
    for side in sides:
        total.update(side.counts or {})
    return dict(total)


def _shift(layer: str, before: Figures, now: Figures) -> LayerShift:
    agree = mean = None
    if before.agree_share is not None and now.agree_share is not None:
        agree = now.agree_share - before.agree_share
    if before.mean is not None and now.mean is not None:
        mean = now.mean - before.mean
    return LayerShift(layer=layer, baseline=before, current=now, agree_shift=agree,
                      mean_shift=mean)
