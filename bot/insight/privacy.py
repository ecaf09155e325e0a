"""What a cell may show, and when its published figures may change: the rules, no storage.

A cell is one layer × one statement. The reader to defend against keeps every message
positie posts, knows who belongs to which layer and who joined when, and may have answered
the statement themselves. Three rules follow (the README's "Privacy" explains them):

- **Threshold**: a cell with fewer than k respondents shows nothing.
- **No telling answers alike** (attribute disclosure): a small cell (under
  `SMALL_CELL_FACTOR` × k respondents) in which fewer than k people are outside the largest
  answer class (agree, neutral, disagree, no opinion) is shown as a count only: its
  figures would tell every reader what nearly everyone in it answered.
- **Release control over time**: published figures are the cell's last *release*, a stored
  copy of its counts. A new release replaces it only when the change against *every*
  earlier release of the cell needs at least k people to explain it, and neither what was
  gained nor what was lost is itself a small group answering alike. Otherwise the previous
  figures stand, so the difference between any two outputs is never one person's answer.
- **People behind a change**: net counts can hide a change of mind (one person's old answer
  cancelled by a newcomer's). So a new release also needs at least k + `INSIDERS` people
  whose answer in the cell differs from their answer at its last release (joins, leaves,
  changes; `bot.insight.release` reads them per person), and neither their old answers nor
  their new ones may be a small group answering alike, even with the answers of
  `INSIDERS` of them (a reader who is one of them) taken out.

Totals are over the layers shown in full only, so "total minus the shown layers" leaves
nothing to subtract; no large cell is hidden to protect a small one.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from bot.domain import ScaleOption
from bot.insight.aggregation import Cell, StatementAggregate

# Cells (and changes) of at least this many times k respondents are large: their figures
# are the finding, and a near-unanimous large cell is reported as it is.
SMALL_CELL_FACTOR = 4

# How many of the people behind a change the reader may be (or know the answers of): one,
# the reader themself, who also knows who everybody else behind the change is.
INSIDERS = 1


def people_per_step(k: int) -> int:
    """How many new or changed answers a cell's published figures wait for: what the
    texts tell readers (k + INSIDERS, see people_releasable)."""
    return k + INSIDERS


Counts = Mapping[str, int]
Transition = tuple[str | None, str | None]  # (answer at the last release, answer now)


class Withheld(enum.StrEnum):
    """Why a layer's figures are not shown in full."""

    BELOW_THRESHOLD = "below_threshold"  # fewer than k respondents: nothing shown
    SMALL_GROUP = "small_group"  # shown as a count only, to protect a small group
    # campaign.results keeps an open statement's figures back: a count of people only.
    UNTIL_CLOSED = "until_closed"


@dataclass(frozen=True, slots=True)
class VisibleStatement:
    """A statement as every output may publish it (digest, chart, export, momentum, tally).

    Only `cells` carry figures, and only they may decide a highlight or a comparison;
    `coarse` layers are shown as a number of respondents only. `answers` and
    `live_respondents` say how many took part, never what anyone answered.
    """

    statement: StatementAggregate  # key, text, theme, state; its cells are `cells`
    cells: dict[str, Cell]  # shown in full: released figures
    coarse: dict[str, int]  # layer -> respondents, shown as a count only
    withheld: dict[str, Withheld]  # every layer with respondents not in `cells`, and why
    total: Cell | None  # over the layers in `cells` only; None when none is shown in full
    answers: int  # respondents over all layers, now
    live_respondents: dict[str, int]  # layer -> respondents now

    @property
    def hidden_layers(self) -> frozenset[str]:
        return frozenset(self.withheld)

    @property
    def respondents_shown(self) -> int | None:
        return None if self.total is None else self.total.respondents


def answer_classes(scale: Sequence[ScaleOption]) -> dict[str, str]:
    """Option key -> answer class: what a share or mean can give away about a person."""
    def of(option: ScaleOption) -> str:
        if option.value is None:
            return "apart"
        return "agree" if option.value > 0 else "disagree" if option.value < 0 else "neutral"
    return {o.key: of(o) for o in scale}


def discloses(counts: Counts, classes: Mapping[str, str], k: int) -> bool:
    """A small group in which fewer than k people are outside the largest answer class."""
    n = sum(counts.values())
    if n == 0 or n >= SMALL_CELL_FACTOR * k:
        return False
    by_class: Counter[str] = Counter()
    for option, c in counts.items():
        by_class[classes.get(option, option)] += c
    return n - max(by_class.values()) < k


def discloses_after(counts: Counts, classes: Mapping[str, str], k: int, known: int) -> bool:
    """Whether `counts` could be a small group answering alike once the reader takes out the
    answers of up to `known` of its members (their own): taking one out of a class other
    than the largest lowers the number outside it by one, which is the worst case."""
    n = sum(counts.values())
    if n == 0:
        return False
    by_class: Counter[str] = Counter()
    for option, c in counts.items():
        by_class[classes.get(option, option)] += c
    out = min(known, n - 1)
    return n - out < SMALL_CELL_FACTOR * k and n - max(by_class.values()) - out < k


def people_releasable(transitions: Mapping[Transition, int], classes: Mapping[str, str],
                      k: int, insiders: int = INSIDERS) -> bool:
    """Whether the people behind a cell's change since its last release are enough: at least
    k + `insiders` of them, and neither their answers then nor their answers now a small
    group answering alike with `insiders` of them taken out (see the module docstring)."""
    people = sum(n for (old, new), n in transitions.items() if old != new)
    if people < k + insiders:
        return False
    then: Counter[str] = Counter()
    now: Counter[str] = Counter()
    for (old, new), n in transitions.items():
        if old != new:
            if old is not None:
                then[old] += n
            if new is not None:
                now[new] += n
    return not (discloses_after(then, classes, k, insiders)
                or discloses_after(now, classes, k, insiders))


def change_releasable(current: Counts, earlier: Counts, classes: Mapping[str, str],
                      k: int) -> bool:
    """Whether figures may go from `earlier` to `current`: at least k people are needed to
    explain the change (each adds one answer, drops one, or both), and neither the answers
    gained nor those lost are a small group answering alike."""
    options = set(current) | set(earlier)
    gained = {o: current.get(o, 0) - earlier.get(o, 0) for o in options
              if current.get(o, 0) > earlier.get(o, 0)}
    lost = {o: earlier.get(o, 0) - current.get(o, 0) for o in options
            if earlier.get(o, 0) > current.get(o, 0)}
    if max(sum(gained.values()), sum(lost.values())) < k:
        return False
    return not discloses(gained, classes, k) and not discloses(lost, classes, k)


def releasable(current: Counts, releases: Sequence[Counts], classes: Mapping[str, str],
               k: int) -> bool:
    """Whether `current` may become the cell's next release, after `releases`."""
    if sum(current.values()) < k or discloses(current, classes, k):
        return False
    return all(change_releasable(current, r, classes, k) for r in releases)


def apply_threshold(statement: StatementAggregate, k: int, *, scale: Sequence[ScaleOption],
                    released: Mapping[str, Counts] | None = None) -> VisibleStatement:
    """The statement as it may be published, from its cells' releases (layer -> counts).

    Without `released` every cell is judged as a first release: right for one output on
    its own, never for a series (the release step, `bot.insight.release`, passes them).
    """
    live = {layer: c.respondents for layer, c in statement.cells.items() if c.respondents}
    if released is None:
        classes = answer_classes(scale)
        released = {layer: c.counts for layer, c in statement.cells.items()
                    if releasable(c.counts, (), classes, k)}
    cells: dict[str, Cell] = {}
    coarse: dict[str, int] = {}
    withheld: dict[str, Withheld] = {}
    for layer, n in live.items():
        if n < k:
            withheld[layer] = Withheld.BELOW_THRESHOLD
        elif layer in released:
            cells[layer] = Cell(layer=layer, counts=dict(released[layer]))
        else:
            coarse[layer] = n
            withheld[layer] = Withheld.SMALL_GROUP
    return VisibleStatement(
        statement=replace(statement, cells=cells), cells=cells, coarse=coarse,
        withheld=withheld, total=_total(cells), answers=sum(live.values()),
        live_respondents=live)


def until_closed(statement: StatementAggregate, k: int) -> VisibleStatement:
    """An open statement while campaign.results keeps figures back: how many answered per
    layer (from k on), nothing about what they answered."""
    live = {layer: c.respondents for layer, c in statement.cells.items() if c.respondents}
    return VisibleStatement(
        statement=replace(statement, cells={}), cells={},
        coarse={layer: n for layer, n in live.items() if n >= k},
        withheld={layer: Withheld.UNTIL_CLOSED if n >= k else Withheld.BELOW_THRESHOLD
                  for layer, n in live.items()},
        total=None, answers=sum(live.values()), live_respondents=live)


def _total(cells: Mapping[str, Cell]) -> Cell | None:
    if not cells:
        return None
    counts: Counter[str] = Counter()
    for cell in cells.values():
        counts.update(cell.counts)
    return Cell(layer="*", counts=dict(counts))


def count_shown(n: int, k: int) -> int | None:
    """A count of people (new positions, changes of mind) is published from k on."""
    return n if n >= k else None
