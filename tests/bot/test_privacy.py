"""The rules of what a cell may show and when its figures may change (pure, no database)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.insight.aggregation import Cell, StatementAggregate
from bot.insight.privacy import (
    Withheld,
    answer_classes,
    apply_threshold,
    change_releasable,
    discloses,
    releasable,
)
from bot.settings.config import DEFAULT_SCALE

LAYERS = ["rijk", "provincie", "gemeente", "waterschap", "onbekend"]
OPTIONS = [o.key for o in DEFAULT_SCALE]
CLASSES = answer_classes(DEFAULT_SCALE)
DIVERSE = {"eens": 2, "oneens": 2, "neutraal": 1, "weet_niet": 1}  # 6, four outside "agree"


def statement(cells: dict[str, dict[str, int]]) -> StatementAggregate:
    return StatementAggregate(
        key="s", text="t", theme_key="th", theme_title="T", state="open",
        cells={layer: Cell(layer, counts) for layer, counts in cells.items() if counts})


def test_a_large_layer_is_not_hidden_to_protect_one_person_without_a_layer() -> None:
    # The old rule hid rijk too (total 7 - rijk 6 = the one). Now the total is over the
    # shown layers only, so there is nothing to subtract.
    visible = apply_threshold(statement({"rijk": DIVERSE, "onbekend": {"eens": 1}}), 3,
                              scale=DEFAULT_SCALE)
    assert set(visible.cells) == {"rijk"}
    assert visible.withheld == {"onbekend": Withheld.BELOW_THRESHOLD}
    assert visible.total is not None and visible.total.respondents == 6
    assert visible.answers == 7  # how many took part is no answer


def test_a_unanimous_small_cell_is_a_count_only() -> None:
    visible = apply_threshold(statement({"rijk": DIVERSE, "waterschap": {"eens": 3}}), 3,
                              scale=DEFAULT_SCALE)
    assert visible.coarse == {"waterschap": 3}
    assert visible.withheld["waterschap"] == Withheld.SMALL_GROUP
    assert "waterschap" not in visible.cells  # so it can decide no highlight


def test_agreeing_in_two_options_is_still_agreeing_alike() -> None:
    assert discloses({"eens": 2, "helemaal_eens": 2}, CLASSES, 3)
    assert discloses({"eens": 4, "oneens": 2}, CLASSES, 3)  # only 2 outside "agree"
    assert not discloses({"eens": 3, "oneens": 2, "neutraal": 1}, CLASSES, 3)


def test_a_large_unanimous_cell_is_the_finding() -> None:
    assert not discloses({"eens": 12}, CLASSES, 3)
    assert discloses({"eens": 11}, CLASSES, 3)


def test_one_new_answer_cannot_be_released() -> None:
    before = dict(DIVERSE)
    after = {**before, "helemaal_eens": 1}
    assert not change_releasable(after, before, CLASSES, 3)
    assert not releasable(after, [before], CLASSES, 3)


def test_k_new_answers_alike_cannot_be_released() -> None:
    before = dict(DIVERSE)
    after = {**before, "eens": before["eens"] + 3}
    assert not change_releasable(after, before, CLASSES, 3)


def test_new_answers_spread_over_classes_are_released() -> None:
    before = dict(DIVERSE)
    after = {"eens": 3, "oneens": 3, "neutraal": 2, "weet_niet": 2, "helemaal_eens": 1}
    assert change_releasable(after, before, CLASSES, 3)


def test_a_change_is_checked_against_every_earlier_release() -> None:
    v1 = dict(DIVERSE)
    v2 = {"eens": 3, "oneens": 3, "neutraal": 2, "weet_niet": 2, "helemaal_eens": 1}
    back = dict(v1)  # the same counts as v1 again: the difference to v1 is nobody
    assert change_releasable(back, v2, CLASSES, 3)  # against the latest alone: allowed
    assert not releasable(back, [v1, v2], CLASSES, 3)  # but v1 forbids it


@given(st.dictionaries(st.sampled_from(LAYERS),
                       st.dictionaries(st.sampled_from(OPTIONS), st.integers(0, 8))),
       st.integers(2, 6))
def test_within_one_output_nothing_small_or_alike_is_shown(
        cells: dict[str, dict[str, int]], k: int) -> None:
    visible = apply_threshold(statement(cells), k, scale=DEFAULT_SCALE)
    for cell in visible.cells.values():
        assert cell.respondents >= k
        assert not discloses(cell.counts, CLASSES, k)
    if visible.total is not None:
        # The total is exactly the shown cells: total minus shown cells is nothing.
        assert visible.total.respondents == sum(c.respondents for c in visible.cells.values())
    assert set(visible.cells).isdisjoint(visible.withheld)
    assert all(n >= k for n in visible.coarse.values())
    assert all(visible.withheld[layer] == Withheld.BELOW_THRESHOLD
               for layer, n in visible.live_respondents.items() if n < k)
