"""The digest chart: what goes into the bars (pure), and the PNG the service renders."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from matplotlib.colors import to_rgb
from matplotlib.image import imread

from bot.insight.aggregation import CampaignAggregate, Cell, StatementAggregate
from bot.insight.baseline_shift import BaselineShift, statement_shift
from bot.insight.chart import DPI, WIDTH_IN, render_chart
from bot.insight.chart_data import TOTAL_ROW, ChartData, bar_row, chart_rows
from bot.insight.release import Release, single_release
from bot.service import CampaignService
from bot.settings.config import DEFAULT_SCALE
from bot.texts import texts_for
from tests.factories import person, settings, vote

S = "visie-rijk"
CAMPAIGN = settings("sqlite://").campaign
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def statement(key: str, layers: dict[str, dict[str, int]],
              state: str = "open") -> StatementAggregate:
    return StatementAggregate(
        key=key, text=f"Stelling {key} over de circulaire economie.", theme_key="visie",
        theme_title="Visie", state=state,
        cells={layer: Cell(layer, counts) for layer, counts in layers.items()})


def aggregate(*statements: StatementAggregate) -> Release:
    return single_release(CampaignAggregate(statements=statements, participants_by_layer={},
                                            positions_by_layer={},
                                            statements_asked=len(statements)),
                          scale=DEFAULT_SCALE, k=3)


def rows_of(language: str, *statements: StatementAggregate) -> ChartData:
    return chart_rows(aggregate(*statements), campaign=CAMPAIGN, scale=DEFAULT_SCALE,
                      texts=texts_for(language))


def test_layers_left_out_are_named_with_the_reason() -> None:
    data = rows_of("nl", statement("s1", {
        "rijk": {"eens": 4, "oneens": 2, "neutraal": 1, "weet_niet": 1},
        "gemeente": {"eens": 3, "oneens": 3}, "provincie": {"helemaal_eens": 3},
        "waterschap": {"oneens": 1}, "onbekend": {"weet_niet": 2}}))
    [panel] = data.panels
    layers = [row.layer for row in panel.rows]
    assert layers == ["rijk", "gemeente", TOTAL_ROW]
    assert panel.notes == (
        "Onder de privacydrempel: Waterschap, Onbekende laag",
        "Niet uitgesplitst, ter bescherming van een kleine groep: Provincie")
    assert "Lagen met minder dan 3 antwoorden zijn weggelaten." in data.notes
    # The total is over the layers shown only: nothing left to subtract.
    assert panel.rows[-1].respondents == 14


def test_a_large_layer_stays_shown_beside_one_person_without_a_layer() -> None:
    data = rows_of("nl", statement("s1", {"rijk": {"eens": 4, "oneens": 3},
                                          "onbekend": {"oneens": 1}}))
    [panel] = data.panels
    assert [row.layer for row in panel.rows] == ["rijk"]
    assert panel.rows[0].respondents == 7
    assert panel.notes == ("Onder de privacydrempel: Onbekende laag",)


def test_statement_under_k_is_not_drawn() -> None:
    data = rows_of("nl", statement("s1", {"rijk": {"eens": 1}, "gemeente": {"oneens": 1}}))
    assert data.panels == ()
    assert data.notes == ("Nog geen enkele stelling heeft genoeg antwoorden om te tonen.",)


def test_the_chart_previews_the_ranked_statements_within_2000_px() -> None:
    # Twenty statements of three title lines, five layers each with a hidden one: the chart
    # shows the statements the digest names (here: the most answered, none is ranked yet),
    # as many as fit in about 2,000 px, never the whole catalogue.
    long = "Een stelling van workshoplengte over circulair inkopen en samenwerken. " * 3
    statements = [StatementAggregate(
        key=f"s{i:02d}", text=long, theme_key="t", theme_title="T", state="closed",
        cells={layer: Cell(layer, {"eens": 3, "oneens": 3, "neutraal": 3 + i % 2})
               for layer in ("rijk", "provincie", "gemeente", "waterschap", "onbekend")}
        | {"extra": Cell("extra", {"eens": 1})}) for i in range(20)]
    data = chart_rows(aggregate(*statements), campaign=CAMPAIGN, scale=DEFAULT_SCALE,
                      texts=texts_for("nl"))
    assert 4 <= len(data.panels) <= 8
    assert [p.statement_key for p in data.panels][:2] == ["s01", "s03"]  # most answered
    png = render_chart(aggregate(*statements), campaign=CAMPAIGN, scale=DEFAULT_SCALE,
                       texts=texts_for("nl"))
    height = imread(BytesIO(png)).shape[0]
    assert 1200 < height <= 2000


def test_dutch_labels_by_default() -> None:
    data = rows_of("nl", statement("s1", {
        "rijk": {"eens": 2, "oneens": 2, "neutraal": 1},
        "onbekend": {"eens": 1, "oneens": 1, "neutraal": 1, "weet_niet": 1}}, state="closed"))
    [panel] = data.panels
    assert [row.label for row in panel.rows] == [
        "Rijk (5)", "Onbekende laag (4)", "Getoonde lagen samen (9)"]
    assert [entry.label for entry in data.legend] == [
        "helemaal oneens", "oneens", "neutraal", "eens", "helemaal eens", "weet niet"]
    assert panel.title.endswith("(gesloten)")
    assert data.title == "Posities per overheidslaag — Testcampagne"
    assert data.apart_title == "weet niet"
    assert "“weet niet” hoort niet bij de schaal en staat apart, rechts." in data.notes


def test_english_when_asked() -> None:
    diverse = {"eens": 1, "oneens": 1, "neutraal": 1, "weet_niet": 1}
    data = rows_of("en", statement("s1", {"rijk": diverse, "gemeente": diverse}))
    assert [row.label for row in data.panels[0].rows] == [
        "National government (4)", "Municipality (4)", "Layers shown together (8)"]


def test_bar_is_centred_on_neutral_with_dont_know_apart() -> None:
    cell = Cell("rijk", {"helemaal_oneens": 1, "oneens": 1, "neutraal": 2, "eens": 3,
                         "helemaal_eens": 1, "weet_niet": 2})
    row = bar_row(cell, label="Rijk (10)", scale=DEFAULT_SCALE)
    segments = {s.option_key: s for s in row.segments}
    assert [s.option_key for s in row.segments] == [
        "helemaal_oneens", "oneens", "neutraal", "eens", "helemaal_eens"]
    assert segments["neutraal"].start == pytest.approx(-10.0)  # 20% split across 0
    assert segments["helemaal_oneens"].start == pytest.approx(-30.0)
    end = row.segments[-1].start + row.segments[-1].width
    assert end == pytest.approx(50.0)
    assert (row.disagree, row.agree, row.apart) == pytest.approx((20.0, 40.0, 20.0))
    assert sum(s.width for s in row.segments) + row.apart == pytest.approx(100.0)


def test_colours_differ_per_option_and_darken_towards_the_extremes() -> None:
    data = rows_of("nl", statement("s1", {"rijk": {"eens": 3}}))
    colours = {entry.option_key: entry.colour for entry in data.legend}
    assert len(set(colours.values())) == len(colours)

    def lightness(key: str) -> float:
        return sum(to_rgb(colours[key]))

    assert lightness("helemaal_oneens") < lightness("oneens")
    assert lightness("helemaal_eens") < lightness("eens")


def test_no_statements_yet() -> None:
    data = rows_of("nl")
    assert data.panels == ()
    assert data.notes == ("Er zijn nog geen stellingen geopend.",)
    png = render_chart(aggregate(), campaign=CAMPAIGN, scale=DEFAULT_SCALE,
                       texts=texts_for("nl"))
    assert png.startswith(PNG_MAGIC)


def test_png_has_the_width_and_grows_with_the_statements() -> None:
    # Cells large and mixed enough to be shown in full and to rank (here: as "unsure").
    cells = {"rijk": {"eens": 8, "oneens": 6, "weet_niet": 3},
             "gemeente": {"oneens": 7, "eens": 6, "neutraal": 4}}
    one = statement("s1", cells)
    small = render_chart(aggregate(one), campaign=CAMPAIGN, scale=DEFAULT_SCALE,
                         texts=texts_for("nl"))
    four = [statement(f"s{i}", cells) for i in range(4)]
    large = render_chart(aggregate(*four), campaign=CAMPAIGN, scale=DEFAULT_SCALE,
                         texts=texts_for("nl"))
    assert small.startswith(PNG_MAGIC) and large.startswith(PNG_MAGIC)
    small_image, large_image = imread(BytesIO(small)), imread(BytesIO(large))
    assert small_image.shape[1] == large_image.shape[1] == round(WIDTH_IN * DPI)
    assert large_image.shape[0] > 1.5 * small_image.shape[0] > 0


async def test_service_renders_the_chart_from_the_database(service: CampaignService) -> None:
    await service.open(S)
    layers = {"rijk": 6, "gemeente": 3, "provincie": 2, "waterschap": 1}
    for layer, people in layers.items():
        for i in range(people):
            who = person(f"U{layer}{i}")
            await service.record(vote(who, S, ("eens", "oneens", "neutraal")[i % 3]))
            await service.choose_layer(who, layer)
    data = chart_rows(await service.release(), campaign=service.settings.campaign,
                      scale=service.scale, texts=service.texts())
    [panel] = data.panels
    assert [row.label for row in panel.rows] == ["Rijk (6)"]
    assert panel.notes == ("Onder de privacydrempel: Provincie, Waterschap",
                           "Niet uitgesplitst, ter bescherming van een kleine groep: Gemeente")
    png = await service.digest_chart()
    assert png.startswith(PNG_MAGIC)
    height, width, _ = imread(BytesIO(png)).shape
    assert width == round(WIDTH_IN * DPI) and height > 200


def test_the_workshop_mark_only_where_both_sides_are_shown() -> None:
    now = statement("s1", {"rijk": {"eens": 3, "neutraal": 2, "oneens": 1},
                           "gemeente": {"eens": 3, "oneens": 3}})
    release = aggregate(now)
    shift = BaselineShift(workshop_date=date(2026, 7, 10), source="w.csv", k=3, statements=(
        statement_shift(key="s1", text=now.text, state="open", theme_key="visie",
                        theme_title="Visie",
                        # Rijk: 1 of 5 agreed at the workshop; gemeente: two, under k.
                        baseline={"rijk": {"eens": 1, "neutraal": 2, "oneens": 2},
                                  "gemeente": {"eens": 2}},
                        current=release.statements[0], scale=DEFAULT_SCALE,
                        layers=("rijk", "gemeente", "onbekend"), k=3),))
    data = chart_rows(release, campaign=CAMPAIGN, scale=DEFAULT_SCALE, texts=texts_for("nl"),
                      shift=shift)
    marks = {row.layer: row.workshop for row in data.panels[0].rows}
    # Rijk's agreeing end at the workshop: half of neutral (20 %) plus agree (20 %).
    assert marks["rijk"] == pytest.approx(40.0)
    assert marks["gemeente"] is None and marks[TOTAL_ROW] is None
    assert data.workshop_label == "workshop 10 juli 2026"
    assert any("workshop van 10 juli 2026" in note for note in data.notes)
    assert render_chart(release, campaign=CAMPAIGN, scale=DEFAULT_SCALE,
                        texts=texts_for("nl"), shift=shift).startswith(PNG_MAGIC)
    without = chart_rows(release, campaign=CAMPAIGN, scale=DEFAULT_SCALE,
                         texts=texts_for("nl"))
    assert without.workshop_label == "" and all(
        row.workshop is None for row in without.panels[0].rows)
