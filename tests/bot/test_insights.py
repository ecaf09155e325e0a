"""The ranked insights against numbers computed by hand (README: how the digest numbers are
computed). Cells are counts per option of the default scale."""

from __future__ import annotations

import math

import pytest

from bot.insight.aggregation import Cell, StatementAggregate
from bot.insight.consensus import agreement
from bot.insight.decisive import Counts
from bot.insight.pollstats import prop_test, shrunk, two_prop_test
from bot.insight.privacy import apply_threshold
from bot.insight.ranking import Insights, rank_insights
from bot.insight.repness import distinctive
from bot.settings.config import DEFAULT_SCALE
from tests.factories import settings

CAMPAIGN = settings("sqlite://").campaign  # four layers, k = 3, min cell 10, level 60 %
LAYERS = CAMPAIGN.layer_keys


def cell(agree: int = 0, disagree: int = 0, neutral: int = 0, dont_know: int = 0
         ) -> dict[str, int]:
    return {k: v for k, v in (("eens", agree), ("oneens", disagree), ("neutraal", neutral),
                              ("weet_niet", dont_know)) if v}


def statement(key: str, **layers: dict[str, int]) -> StatementAggregate:
    return StatementAggregate(key=key, text=f"Stelling {key}", theme_key="t", theme_title="T",
                              state="open",
                              cells={layer: Cell(layer, c) for layer, c in layers.items()})


def rank(*statements: StatementAggregate, **campaign: object) -> Insights:
    config = CAMPAIGN.model_copy(update=campaign) if campaign else CAMPAIGN
    visible = [apply_threshold(s, config.privacy_threshold, scale=DEFAULT_SCALE)
               for s in statements]
    return rank_insights(visible, config, DEFAULT_SCALE)


# -- the statistics, by hand ---------------------------------------------------------------
def test_pseudo_counted_statistics_match_hand_computation() -> None:
    assert shrunk(8, 10) == pytest.approx(9 / 12)
    assert shrunk(0, 0) == 0.5
    # prop_test(8, 10): 2·√11·(9/11 − ½) = 2 · 3.31662 · 0.31818 = 2.11058
    assert prop_test(8, 10) == pytest.approx(2.11058, abs=1e-5)
    # two_prop_test(8, 2, 10, 10): p1 = 9/11, p2 = 3/11, pooled = 12/22;
    # (6/11) / √(12/22 · 10/22 · 2/11) = 0.545455 / 0.212318 = 2.56905
    assert two_prop_test(8, 2, 10, 10) == pytest.approx(2.56905, abs=1e-5)


def test_consensus_counts_a_missing_layer_as_one_half() -> None:
    full = {layer: Counts(8, 1, 0, 10) for layer in LAYERS}
    a = agreement("s", full, LAYERS)
    assert a is not None
    assert a.score == pytest.approx((9 / 12) ** 4)  # 0.316406
    assert a.level == pytest.approx(0.75)
    three = {layer: Counts(8, 1, 0, 10) for layer in LAYERS[:3]}
    b = agreement("s", three, LAYERS)
    assert b is not None
    assert b.score == pytest.approx((9 / 12) ** 3 * 0.5)  # 0.210938
    assert b.uncertain == ("waterschap",)


def test_agree_list_is_no_longer_won_by_a_missing_layer() -> None:
    # The old score (product over shown layers only) ranked B first: (17/22)^3 = 0.46 against
    # (17/22)^4 = 0.36. Over all named layers B has a factor ½ for waterschap: 0.23.
    # (Cells of 20, mixed: shown in full by the release step, so they may rank.)
    a = statement("a", **{layer: cell(agree=16, disagree=4) for layer in LAYERS})
    b = statement("b", **{layer: cell(agree=16, disagree=4) for layer in LAYERS[:3]})
    insights = rank(b, a)
    assert [x.statement_key for x in insights.agree] == ["a", "b"]
    # B's level: 0.2307^(1/4) = 0.6931, above 60 %: still called agreement, with a remark.
    assert insights.agree[1].level == pytest.approx(((17 / 22) ** 3 / 2) ** 0.25, abs=1e-5)
    assert insights.agree[1].uncertain == ("waterschap",)


def test_no_agreement_below_the_level() -> None:
    # 49 % agreement everywhere: (50/102)^4 → level 0.490, under 60 %: nothing is "agreed".
    s = statement("s", **{layer: cell(agree=49, disagree=51) for layer in LAYERS})
    insights = rank(s)
    assert insights.agree == ()
    assert insights.statements["s"].total is not None


def test_small_cells_decide_nothing() -> None:
    # Gemeente has 5 answers (under the minimum cell size of 10, and all alike so shown as a
    # count only): it counts as uncertain, ½. The others: 10 of 13 agree, shrunk 11/15.
    s = statement("s", rijk=cell(agree=10, disagree=3), provincie=cell(agree=10, disagree=3),
                  gemeente=cell(agree=5), waterschap=cell(agree=10, disagree=3))
    [a] = rank(s).agree
    assert a.uncertain == ("gemeente",)
    assert a.score == pytest.approx((11 / 15) ** 3 * 0.5)


# -- divergence ----------------------------------------------------------------------------
def test_the_large_split_beats_a_small_unanimous_cell() -> None:
    # Issue #11: under the old rule (raw gap of agree shares) the small cell won:
    # small: 12 of 12 agree against 21 of 100 → gap 0.79; large: 432/540 (80 %) against
    # 3/130 (2.3 %) → gap 0.777. Shrunk: small 13/14 − 22/102 = 0.71289;
    # large 433/542 − 4/132 = 0.79889 − 0.03030 = 0.76859: the large split wins.
    # (12 alike is the smallest unanimous cell the release step shows in full: 4·k.)
    small = statement("small", rijk=cell(agree=12), gemeente=cell(agree=21, disagree=79))
    large = statement("large", provincie=cell(agree=432, disagree=108),
                      gemeente=cell(agree=3, disagree=127))
    assert 12 / 12 - 21 / 100 > 432 / 540 - 3 / 130  # the old rule's pick
    insights = rank(small, large)
    assert [p.statement_key for p in insights.part] == ["large", "small"]
    assert insights.part[0].gap == pytest.approx(433 / 542 - 4 / 132)
    assert insights.part[1].gap == pytest.approx(13 / 14 - 22 / 102)
    assert (insights.part[0].high_layer, insights.part[0].low_layer) == ("provincie",
                                                                          "gemeente")
    assert insights.part[0].high_share == pytest.approx(0.8)


def test_a_cell_under_the_minimum_is_never_a_side_and_onbekend_never_is() -> None:
    # rijk 3 of 3 at 100 % (shown: k = 3) and onbekend 50 at 0 %: neither is a side, so only
    # provincie and gemeente (60 % and 58 %) are left, which do not part.
    s = statement("s", rijk=cell(agree=3), onbekend=cell(disagree=50),
                  provincie=cell(agree=30, disagree=20), gemeente=cell(agree=29, disagree=21))
    assert rank(s).part == ()


def test_a_statement_in_the_agree_list_is_not_in_the_part_list() -> None:
    # Every layer agrees (level (52/62 · 52/62 · 40/62 · 60/62)^(1/4) ≈ 0.80) and yet
    # gemeente (39/60) and rijk (60/60) differ enough to part: agree wins.
    s = statement("s", rijk=cell(agree=60), provincie=cell(agree=51, disagree=9),
                  gemeente=cell(agree=39, disagree=21), waterschap=cell(agree=59, disagree=1))
    insights = rank(s)
    assert [a.statement_key for a in insights.agree] == ["s"]
    assert insights.part == ()
    # Without the agree list it would have parted: gap 61/62 − 40/62 = 0.3387.
    alone = rank(s, agreement_level=1.0)
    assert [p.statement_key for p in alone.part] == ["s"]
    assert alone.part[0].gap == pytest.approx(21 / 62)


# -- repness --------------------------------------------------------------------------------
def test_repness_matches_the_hand_computation() -> None:
    # Rijk 16 of 20 agree; the rest 10 of 40. pa = 17/22 = 0.77273, rpa = 11/42 = 0.26190,
    # ra = 2.95041; pat = 2·√21·(17/21 − ½) = 2.83683; rat: p1 = 17/21, p2 = 11/41,
    # pooled = 28/62, z = 0.541231 / √(28/62 · 34/62 · (1/21 + 1/41)) = 0.541231 / 0.133543
    # = 4.05286.
    d = distinctive("rijk", "s", Counts(16, 4, 0, 20), Counts(10, 30, 0, 40))
    assert d is not None and d.agrees
    assert d.ratio == pytest.approx(2.95041, abs=1e-5)
    assert d.z == pytest.approx(two_prop_test(16, 10, 20, 40))
    assert d.z == pytest.approx(4.05286, abs=1e-4)
    assert d.metric == pytest.approx(2.95041 * 4.05286 * 0.77273 * 2.83683, rel=1e-4)
    assert (d.share, d.others_share) == (0.8, 0.25)


def test_repness_needs_both_tests() -> None:
    # Rijk agrees 6 of 12 (50 %) against 1 of 40: more than the rest, but not more than
    # chance (pat = 2·√13·(7/13 − ½) = 0.277): no agree repness; nor disagree (rdt < 0).
    assert distinctive("rijk", "s", Counts(6, 6, 0, 12), Counts(1, 39, 0, 40)) is None


def test_each_layer_gets_what_sets_it_apart() -> None:
    s = statement("s", rijk=cell(agree=16, disagree=4), provincie=cell(agree=2, disagree=18),
                  gemeente=cell(agree=4, disagree=6), waterschap=cell(agree=4, disagree=6))
    insights = rank(s)
    assert [(d.statement_key, d.agrees) for d in insights.distinctive["rijk"]] == [("s", True)]
    assert [(d.statement_key, d.agrees)
            for d in insights.distinctive["provincie"]] == [("s", False)]
    assert "gemeente" not in insights.distinctive  # 10 answers, 40 %: nothing stands out


# -- uncertainty ----------------------------------------------------------------------------
def test_most_unsure_is_ranked_by_the_shrunk_share() -> None:
    # a: 9 of 12 don't know (75 %, shrunk 10/14 = 0.714); b: 40 of 100 (shrunk 41/102 =
    # 0.402); c: 10 of 100 (10 %: under the 15 % level, not listed); d: 3 of 3 don't know,
    # all alike in a small cell: shown as a count only, so it is in no list at all.
    a = statement("a", rijk=cell(agree=3, dont_know=9))
    b = statement("b", rijk=cell(agree=60, dont_know=40))
    c = statement("c", rijk=cell(agree=90, dont_know=10))
    d = statement("d", rijk=cell(dont_know=3))
    insights = rank(a, b, c, d)
    assert [u.statement_key for u in insights.unsure] == ["a", "b"]
    assert insights.unsure[0].score == pytest.approx(10 / 14)
    assert insights.unsure[1].score == pytest.approx(41 / 102)
    assert insights.unsure[1].share == pytest.approx(0.4)


def test_top_n_and_preview() -> None:
    statements = [statement(f"s{i}", **{layer: cell(agree=10 + i, disagree=5)
                                        for layer in LAYERS}) for i in range(6)]
    insights = rank(*statements, digest_top_n=2)
    assert [a.statement_key for a in insights.agree] == ["s5", "s4"]
    assert insights.preview_keys()[:2] == ("s5", "s4")
    assert math.isclose(insights.agree[0].score, (16 / 22) ** 4)
