"""The privacy threshold: no shown cell under k, no hidden cell derivable from the total."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.insight.aggregation import Cell, StatementAggregate
from bot.insight.privacy import apply_threshold

LAYERS = ["rijk", "provincie", "gemeente", "waterschap", "onbekend"]


def statement(sizes: dict[str, int]) -> StatementAggregate:
    return StatementAggregate(
        key="s", text="t", theme_key="th", theme_title="T", state="open",
        cells={layer: Cell(layer, {"eens": n}) for layer, n in sizes.items() if n})


def test_single_small_cell_forces_a_second_suppression() -> None:
    visible = apply_threshold(statement({"rijk": 6, "onbekend": 1}), k=3)
    assert visible.cells == {}  # rijk hidden too: total 7 - rijk 6 would reveal the one
    assert visible.hidden_layers == {"rijk", "onbekend"}
    assert visible.total is not None and visible.total.respondents == 7


def test_smallest_shown_cell_is_the_one_sacrificed() -> None:
    visible = apply_threshold(statement({"rijk": 9, "gemeente": 4, "waterschap": 2}), k=3)
    assert set(visible.cells) == {"rijk"}
    assert visible.hidden_layers == {"gemeente", "waterschap"}


def test_total_under_k_hides_everything() -> None:
    visible = apply_threshold(statement({"rijk": 1, "gemeente": 1}), k=3)
    assert visible.total is None and visible.cells == {}


def test_two_small_cells_together_reaching_k_need_nothing_more() -> None:
    visible = apply_threshold(statement({"rijk": 5, "gemeente": 2, "waterschap": 1}), k=3)
    assert set(visible.cells) == {"rijk"}


@given(st.dictionaries(st.sampled_from(LAYERS), st.integers(0, 12)), st.integers(1, 6))
def test_no_cell_under_k_shown_and_remainder_never_small(sizes: dict[str, int], k: int) -> None:
    visible = apply_threshold(statement(sizes), k)
    assert all(c.respondents >= k for c in visible.cells.values())
    if visible.total is not None:
        assert visible.total.respondents >= k
        remainder = visible.total.respondents - sum(c.respondents for c in
                                                    visible.cells.values())
        assert remainder == 0 or remainder >= k
    assert set(visible.cells).isdisjoint(visible.hidden_layers)
