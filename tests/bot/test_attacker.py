"""The attacker (tests/attacker.py) against everything positie publishes, over whole histories.

Hypothesis writes campaign histories: people in layers answering, changing their minds,
withdrawing, moving to another layer, having themselves forgotten, with digests and tally
edits in between. Each history runs against the real service and database; everything the
digest and the tally publish is handed to the attacker. It must never recover an answer;
a failure prints the history that broke it. The attacker is shown to work by letting it
loose on what the earlier rules (live figures, totals over all layers) would publish.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.clock import FixedClock, utc
from bot.domain import Identity
from bot.publishing.catalogue_import import import_catalogue
from bot.publishing.sync import sync_settings
from bot.service import CampaignService
from bot.settings.catalogue import load_catalogue
from bot.settings.config import DEFAULT_SCALE
from bot.store.db import Database
from bot.store.models import ReleasedCell, Statement
from tests import factories
from tests.attacker import Attacker, Published, State
from tests.factories import T0, vote

S = "visie-rijk"
K = 3
OPTIONS = [o.key for o in DEFAULT_SCALE]
LAYERS = ["rijk", "waterschap"]
PEOPLE = 24
# Histories per database in `make test` (the file in well under a minute); set
# POSITIE_ATTACKER_EXAMPLES higher for a deeper search.
EXAMPLES = int(os.environ.get("POSITIE_ATTACKER_EXAMPLES", "20"))
EXAMPLE_STATEMENTS = Path(__file__).resolve().parents[2] / "statements.example.toml"

person_index = st.integers(0, PEOPLE - 1)
answer = st.tuples(st.just("answer"), person_index, st.sampled_from(OPTIONS))
operation = st.one_of(
    *[answer] * 10,
    st.tuples(st.just("withdraw"), person_index),
    st.tuples(st.just("move"), person_index, st.sampled_from(LAYERS)),
    st.tuples(st.just("forget"), person_index),
    *[st.tuples(st.just("digest"))] * 2,
    *[st.tuples(st.just("tally"))] * 3,
)
# Mostly two layers, a few without one: cells big enough to be shown, small enough to leak.
histories = st.tuples(
    st.lists(st.sampled_from(["rijk"] * 5 + ["waterschap"] * 2 + [None]), min_size=PEOPLE,
             max_size=PEOPLE),
    st.lists(answer, min_size=8, max_size=16).flatmap(
        lambda start: st.lists(operation, min_size=25, max_size=50).map(lambda rest: start + rest)))


@dataclass
class Run:
    published: list[Published]
    truth: list[State]


async def run_history(db: Database, db_url: str, initial: list[str | None],
                      ops: list[tuple[Any, ...]]) -> Run:
    """Play the history against a fresh campaign; return what was published and the truth."""
    campaign, workspace = f"a{uuid.uuid4().hex[:8]}", f"T{uuid.uuid4().hex[:8]}"
    config = factories.settings(db_url, campaign={"id": campaign})
    await sync_settings(db, config)
    await import_catalogue(db, campaign, load_catalogue(EXAMPLE_STATEMENTS), now=T0)
    clock = FixedClock(T0)
    service = CampaignService(db=db, settings=config, clock=clock)
    attacker = Attacker(options=OPTIONS, truth=[])
    try:
        await service.open(S)

        def who(p: int) -> Identity:
            return Identity("slack", workspace, f"U{p}")

        layer_of = {p: layer or "onbekend" for p, layer in enumerate(initial)}
        for p, layer in enumerate(initial):
            if layer:
                await service.choose_layer(who(p), layer)
        state: dict[str, tuple[str, str]] = {}
        published: list[Published] = []
        truth: list[State] = []
        for t, op in enumerate(ops):
            clock.current = T0 + timedelta(seconds=t)
            kind, name = op[0], f"P{op[1]}" if len(op) > 1 else ""
            if kind == "answer":
                await service.record(vote(who(op[1]), S, op[2], at=t + 1.0))
                state[name] = (layer_of[op[1]], op[2])
            elif kind == "withdraw":
                await service.record(vote(who(op[1]), S, None, at=t + 1.0))
                state.pop(name, None)
            elif kind == "move":
                await service.choose_layer(who(op[1]), op[2])
                layer_of[op[1]] = op[2]
                if name in state:
                    state[name] = (op[2], state[name][1])
            elif kind == "forget":
                await service.forget(who(op[1]))
                state.pop(name, None)
                layer_of[op[1]] = "onbekend"
            truth.append(dict(state))
            if kind == "digest":
                draft = await service.digest_draft()
                [visible] = [v for v in draft.release.statements if v.statement.key == S]
                moments = await version_moments(db, campaign)
                for layer, cell in visible.cells.items():
                    published.append(Published(f"cell:{layer}", t,
                                               attacker.vector(cell.counts),
                                               ((layer, moments[layer]),)))
                if visible.total is not None:
                    published.append(Published(
                        "total", t, attacker.vector(visible.total.counts),
                        tuple((layer, moments[layer]) for layer in sorted(visible.cells))))
            elif kind == "tally":
                view = await service.tally(S)
                if view.counts is not None:
                    [visible] = [v for v in (await service.release()).statements
                                 if v.statement.key == S]
                    assert visible.total is not None and visible.total.counts == view.counts
                    moments = await version_moments(db, campaign)
                    published.append(Published(
                        "total", t, attacker.vector(view.counts),
                        tuple((layer, moments[layer]) for layer in sorted(visible.cells))))
        return Run(published, truth)
    finally:
        await service.aclose()


async def version_moments(db: Database, campaign: str) -> dict[str, int]:
    """Layer -> the moment its latest released figures are from (the clock is the moment)."""
    async with db.sessions() as session:
        rows = await session.execute(
            select(ReleasedCell.layer, func.max(ReleasedCell.released_at))
            .join(Statement, Statement.id == ReleasedCell.statement_id)
            .where(Statement.campaign_id == campaign, Statement.key == S)
            .group_by(ReleasedCell.layer))
        return {layer: int((utc(at) - T0).total_seconds()) for layer, at in rows}


@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(history=histories)
async def test_the_attacker_never_recovers_an_answer(
        db: Database, db_url: str, history: tuple[list[str | None], list[tuple[Any, ...]]]) -> None:
    initial, ops = history
    run = await run_history(db, db_url, initial, ops)
    findings = Attacker(options=OPTIONS, truth=run.truth).attack(run.published)
    assert findings == [], (f"initial layers {initial}, history {ops}: "
                            + "; ".join(map(str, findings)))


async def test_a_reader_who_answered_beside_a_changer_does_not_learn_their_old_answer(
        db: Database, db_url: str) -> None:
    """Issue 10's residual leak. A released cell of six; then P0 changes eens -> oneens
    while five join, one of them the reader (P6, eens). The net change (eens unchanged,
    five spread gains) passes the net rules, but P6 knows who acted: subtracting their own
    eens leaves one eens lost, and only P0 can have lost it."""
    initial: list[str | None] = ["rijk"] * PEOPLE
    start = [("answer", 0, "eens"), ("answer", 1, "eens"), ("answer", 2, "neutraal"),
             ("answer", 3, "oneens"), ("answer", 4, "helemaal_eens"),
             ("answer", 5, "weet_niet"), ("digest",)]
    window = [("answer", 0, "oneens"), ("answer", 6, "eens"), ("answer", 7, "neutraal"),
              ("answer", 8, "neutraal"), ("answer", 9, "weet_niet"),
              ("answer", 10, "helemaal_oneens"), ("digest",)]
    run = await run_history(db, db_url, initial, start + window)
    assert any(p.at == len(start) - 1 and p.series == "cell:rijk" for p in run.published)
    findings = Attacker(options=OPTIONS, truth=run.truth).attack(run.published)
    assert findings == [], "; ".join(map(str, findings))


# -- the attacker works: what the earlier rules published gives answers away -------------

def old_rules(truth: list[State], publish_at: list[int]) -> list[Published]:
    """Live figures at each moment; a cell from k on; totals over all layers."""
    attacker = Attacker(options=OPTIONS, truth=truth)
    out = []
    for t in publish_at:
        layers: dict[str, dict[str, int]] = {}
        for layer, option in truth[t].values():
            layers.setdefault(layer, {}).setdefault(option, 0)
            layers[layer][option] += 1
        for layer, counts in layers.items():
            if sum(counts.values()) >= K:
                out.append(Published(f"cell:{layer}", t, attacker.vector(counts),
                                     ((layer, t),)))
        total: dict[str, int] = {}
        for counts in layers.values():
            for option, n in counts.items():
                total[option] = total.get(option, 0) + n
        if sum(total.values()) >= K:
            out.append(Published("total", t, attacker.vector(total),
                                 tuple((layer, t) for layer in sorted(layers))))
    return out


def test_the_attacker_finds_the_new_water_authority_answer_under_the_old_rules() -> None:
    three = {"W1": ("waterschap", "eens"), "W2": ("waterschap", "oneens"),
             "W3": ("waterschap", "neutraal")}
    truth: list[State] = [three, {**three, "W4": ("waterschap", "helemaal_eens")}]
    findings = Attacker(options=OPTIONS, truth=truth).attack(old_rules(truth, [0, 1]))
    assert any(f.person == "W4@waterschap" and f.answer.startswith("helemaal_eens")
               for f in findings), findings


def test_the_attacker_finds_a_click_between_two_tallies_under_the_old_rules() -> None:
    before = {f"R{n}": ("rijk", o) for n, o in enumerate(["eens", "oneens", "neutraal"])}
    truth: list[State] = [before, {**before, "R9": ("rijk", "oneens")}]
    tallies = [p for p in old_rules(truth, [0, 1]) if p.series == "total"]
    findings = Attacker(options=OPTIONS, truth=truth).attack(tallies)
    assert any(f.person == "R9@rijk" and f.answer.startswith("oneens") for f in findings)


def test_the_attacker_reads_a_unanimous_small_cell_under_the_old_rules() -> None:
    truth: list[State] = [{f"W{n}": ("waterschap", "eens") for n in range(3)}]
    findings = Attacker(options=OPTIONS, truth=truth).attack(old_rules(truth, [0]))
    assert {f.person for f in findings} >= {"W0@waterschap", "W1@waterschap", "W2@waterschap"}


def test_the_attacker_subtracts_shown_cells_from_the_total_under_the_old_rules() -> None:
    truth: list[State] = [{**{f"R{n}": ("rijk", o) for n, o in
                              enumerate(["eens", "oneens", "neutraal", "eens"])},
                           "X": ("onbekend", "helemaal_oneens")}]
    findings = Attacker(options=OPTIONS, truth=truth).attack(old_rules(truth, [0]))
    assert any(f.person == "X@onbekend" and f.how == "total minus cells" for f in findings)
