"""CSV export: aggregates per statement × layer, cells under k hidden, never people."""

from __future__ import annotations

import csv
import io

from bot.insight.aggregation import aggregate_campaign
from bot.insight.export import aggregates_csv
from bot.service import CampaignService
from tests.factories import person, vote

S = "visie-rijk"


async def test_export_hides_small_cells(service: CampaignService) -> None:
    await service.open(S)
    for n in range(5):
        who = person(f"G{n}")
        await service.choose_layer(who, "gemeente")
        await service.record(vote(who, S, "eens" if n else "oneens"))
    for n in range(4):
        who = person(f"P{n}")
        await service.choose_layer(who, "provincie")
        await service.record(vote(who, S, "oneens"))
    lonely = person("W1")
    await service.choose_layer(lonely, "waterschap")
    await service.record(vote(lonely, S, "helemaal_oneens"))
    aggregate = await aggregate_campaign(service.db, service.campaign_id)
    text = aggregates_csv(aggregate, service.scale, service.settings.campaign.layer_keys, k=3)
    rows = {(r["statement"], r["layer"]): r for r in csv.DictReader(io.StringIO(text))}
    assert rows[(S, "gemeente")]["respondents"] == "5"
    assert rows[(S, "gemeente")]["agree_share"] == "0.8000"
    assert rows[(S, "waterschap")]["shown"] == "no"
    assert rows[(S, "waterschap")]["n_helemaal_oneens"] == ""
    # Total 10 minus gemeente 5 minus provincie 4 would reveal the one waterschap answer,
    # so the smaller shown cell is hidden too.
    assert rows[(S, "provincie")]["shown"] == "no"
    assert rows[(S, "*")]["respondents"] == "10"
    assert "W1" not in text and "G0" not in text
