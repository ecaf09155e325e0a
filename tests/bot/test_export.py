"""CSV export: aggregates per statement × layer, cells under k hidden, never people."""

from __future__ import annotations

import csv
import io

from bot.service import CampaignService
from tests.factories import person, vote

S = "visie-rijk"


async def test_export_hides_small_cells(service: CampaignService) -> None:
    await service.open(S)
    for n, option in enumerate(["eens", "eens", "oneens", "oneens", "neutraal", "weet_niet"]):
        who = person(f"G{n}")
        await service.choose_layer(who, "gemeente")
        await service.record(vote(who, S, option))
    for n in range(4):
        who = person(f"P{n}")
        await service.choose_layer(who, "provincie")
        await service.record(vote(who, S, "oneens"))
    lonely = person("W1")
    await service.choose_layer(lonely, "waterschap")
    await service.record(vote(lonely, S, "helemaal_oneens"))
    text = await service.export_csv()
    rows = {(r["statement"], r["layer"]): r for r in csv.DictReader(io.StringIO(text))}
    assert rows[(S, "gemeente")]["respondents"] == "6"
    assert rows[(S, "gemeente")]["agree_share"] == "0.3333"
    assert (rows[(S, "waterschap")]["shown"], rows[(S, "waterschap")]["withheld"]) == (
        "no", "below_threshold")
    assert rows[(S, "waterschap")]["n_helemaal_oneens"] == ""
    # Four people who all disagree: a count, no figures, and why.
    assert (rows[(S, "provincie")]["shown"], rows[(S, "provincie")]["withheld"],
            rows[(S, "provincie")]["respondents"], rows[(S, "provincie")]["n_oneens"]) == (
        "no", "small_group", "4", "")
    # The total is over the layers shown in full: nothing to subtract the others from.
    assert rows[(S, "*")]["respondents"] == "6"
    assert "W1" not in text and "G0" not in text
