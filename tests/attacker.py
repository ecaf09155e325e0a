"""An attacker who keeps every figure positie published and tries to recover one person's answer.

What the attacker knows (the README's threat model, made as strong as we can check): every
published vector of counts per option (a layer's cell in a digest, chart or export; a
statement's total; a live tally), which layers each vector adds up and from what moment
each layer's figures are (the release step stamps its versions), and, from outside, who
is in which layer and exactly whose position in a layer appeared, went or changed between
any two moments. They may also be one of those people and know their own answer.

The attacks, on every pair of published vectors that can be compared (consecutive and
earlier releases of one series, a digest's total against each of its cells, tallies
against digests) and on every vector alone (a cell where all answered alike):
the difference of the two vectors must be the sum of the changes of the people known to
have acted; the attacker solves for every assignment of options to those people that
gives exactly that difference. If in all of them a person has the same answer (now, or
before they changed), that answer is recovered.

The reader may be any one of the people who acted between the two vectors (answered,
changed their mind, withdrew, left or were forgotten) and subtract their own change, also
when somebody else changed or left in the same window: their own new answer can then
cancel against the changer's old one in the published difference, the case the per-person
release rule (bot/insight/privacy.py, `people_releasable`) is there for.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

Vector = tuple[int, ...]
SOLVE_IN_FULL = 5  # with slack, histories with at most this many people acting are solved
State = Mapping[str, tuple[str, str]]  # person -> (layer, option), at one moment


@dataclass(frozen=True, slots=True)
class Published:
    series: str  # "cell:<layer>" or "total" (tallies and digest totals alike)
    at: int  # when it was published (moment index)
    counts: Vector  # per option, in the attacker's option order
    parts: tuple[tuple[str, int], ...]  # (layer, moment its figures are from)


@dataclass(frozen=True, slots=True)
class Actor:
    name: str
    old: str | None  # option before (None: not in the cell)
    new: str | None  # option after


@dataclass(frozen=True, slots=True)
class Finding:
    how: str
    person: str
    answer: str

    def __str__(self) -> str:
        return f"{self.how}: {self.person} answered {self.answer}"


class Attacker:
    def __init__(self, *, options: Sequence[str], truth: Sequence[State]) -> None:
        self.options = list(options)
        self.truth = truth  # truth[t]: everyone's layer and option at moment t

    def vector(self, counts: Mapping[str, int]) -> Vector:
        return tuple(counts.get(o, 0) for o in self.options)

    # -- the attacks ---------------------------------------------------------------------
    def attack(self, published: Sequence[Published]) -> list[Finding]:
        unique = list({(p.counts, p.parts): p for p in published}.values())
        findings: list[Finding] = []
        empty = Published("-", -1, tuple(0 for _ in self.options), ())
        for p in unique:  # a cell (or total) on its own: all alike?
            findings += self.compare(empty, p, "alike")
        series: dict[str, list[Published]] = {}
        for p in sorted(unique, key=lambda p: p.at):
            series.setdefault(p.series, []).append(p)
        for items in series.values():  # differencing releases of one series
            for a, b in combinations(items, 2):
                findings += self.compare(a, b, f"differencing {a.series}")
        by_moment: dict[int, list[Published]] = {}
        for p in unique:
            by_moment.setdefault(p.at, []).append(p)
        for items in by_moment.values():  # total minus the shown cells, at one moment
            for a, b in combinations(items, 2):
                findings += self.compare(a, b, "total minus cells")
        return findings

    def compare(self, a: Published, b: Published, how: str) -> list[Finding]:
        actors = self.actors(a, b)
        target = tuple(y - x for x, y in zip(a.counts, b.counts, strict=True))
        truth = self._sum(self.contribution(x, x.old, x.new) for x in actors)
        assert truth == target, (
            f"published figures are not the counts of their moments: {a} vs {b}")
        found = self.forced(actors, target, how)
        for insider in actors:  # the reader is one of them and knows their own answer
            rest = [x for x in actors if x is not insider]
            own = self.contribution(insider, insider.old, insider.new)
            found += self.forced(rest, tuple(t - o for t, o in zip(target, own, strict=True)),
                                 f"{how}, read by {insider.name}")
        return found

    # -- who acted between two vectors -------------------------------------------------------
    def actors(self, a: Published, b: Published) -> list[Actor]:
        before, after = dict(a.parts), dict(b.parts)
        actors = []
        for layer in sorted(set(before) | set(after)):
            old = self._members(layer, before.get(layer))
            new = self._members(layer, after.get(layer))
            for person in sorted(set(old) | set(new)):
                if old.get(person) != new.get(person):
                    actors.append(Actor(f"{person}@{layer}", old.get(person), new.get(person)))
        return actors

    def _members(self, layer: str, moment: int | None) -> dict[str, str]:
        if moment is None:
            return {}
        return {p: option for p, (where, option) in self.truth[moment].items()
                if where == layer}

    # -- solving -------------------------------------------------------------------------
    def contribution(self, actor: Actor, old: str | None, new: str | None) -> Vector:
        return tuple((o == new) - (o == old) for o in self.options)

    def moves(self, actor: Actor) -> list[tuple[str | None, str | None, Vector]]:
        olds = [None] if actor.old is None else self.options
        news = [None] if actor.new is None else self.options
        return [(old, new, self.contribution(actor, old, new)) for old in olds for new in news
                if actor.old is None or actor.new is None or old != new]

    def forced(self, actors: Sequence[Actor], target: Vector, how: str) -> list[Finding]:
        """The answers that every explanation of `target` by these actors agrees on.

        Each arrival adds one option, each departure takes one away, each change does both
        (two different options). With `slack` = arrivals + changes - what the difference
        gained, the options added are exactly the gains plus `slack` options that cancel
        against as many taken away. Without slack, whoever added something added one of
        the gained options, in any order; so an answer is pinned exactly when the gains
        (or the losses) are a single option. With slack, the few cases are solved in full.
        """
        if not actors:
            return []
        gains = [o for o, n in zip(self.options, target, strict=True) if n > 0]
        losses = [o for o, n in zip(self.options, target, strict=True) if n < 0]
        adding = sum(1 for x in actors if x.new is not None)
        slack = adding - sum(n for n in target if n > 0)
        if slack == 0:
            findings = []
            for x in actors:
                if x.new is not None and len(gains) == 1:
                    findings.append(Finding(how, x.name, f"{gains[0]} (now)"))
                if x.old is not None and len(losses) == 1:
                    findings.append(Finding(how, x.name, f"{losses[0]} (before)"))
            return findings
        if len(actors) > SOLVE_IN_FULL:
            return []  # slack among many people: every option stays possible for each
        return self._solve(actors, target, how)

    def _solve(self, actors: Sequence[Actor], target: Vector, how: str) -> list[Finding]:
        moves = [self.moves(x) for x in actors]
        zero = tuple(0 for _ in self.options)
        prefix: list[set[Vector]] = [{zero}]
        for m in moves:
            prefix.append({self._add(f, v) for f in prefix[-1] for _, _, v in m})
        suffix: list[set[Vector]] = [set() for _ in moves] + [{zero}]
        for i in range(len(moves) - 1, -1, -1):
            suffix[i] = {self._add(v, s) for _, _, v in moves[i] for s in suffix[i + 1]}
        findings = []
        for i, actor in enumerate(actors):
            feasible = [(old, new) for old, new, v in moves[i]
                        if any(self._sub(self._sub(target, v), f) in suffix[i + 1]
                               for f in prefix[i])]
            news = {new for _, new in feasible}
            olds = {old for old, _ in feasible}
            if actor.new is not None and len(news) == 1:
                findings.append(Finding(how, actor.name, f"{news.pop()} (now)"))
            if actor.old is not None and len(olds) == 1:
                findings.append(Finding(how, actor.name, f"{olds.pop()} (before)"))
        return findings

    @staticmethod
    def _add(a: Vector, b: Vector) -> Vector:
        return tuple(x + y for x, y in zip(a, b, strict=True))

    @staticmethod
    def _sub(a: Vector, b: Vector) -> Vector:
        return tuple(x - y for x, y in zip(a, b, strict=True))

    def _sum(self, vectors: Iterable[Vector]) -> Vector:
        total = tuple(0 for _ in self.options)
        for v in vectors:
            total = self._add(total, v)
        return total
