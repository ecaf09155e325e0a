"""A small campaign for the report's tests: one layer in full, one small group, one below k."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.insight.baseline_file import read_baseline
from bot.insight.baseline_import import import_baseline, statement_keys
from bot.service import CampaignService
from tests.factories import T0, person, vote

S = "visie-rijk"
SECRET_USER = "W1LONELY"


async def small_campaign(service: CampaignService) -> None:
    await service.open(S)
    for n, option in enumerate(["eens", "eens", "oneens", "oneens", "neutraal", "weet_niet"]):
        who = person(f"G{n}")
        await service.choose_layer(who, "gemeente")
        await service.record(vote(who, S, option))
    for n in range(4):  # four who all disagree: a count only
        who = person(f"P{n}")
        await service.choose_layer(who, "provincie")
        await service.record(vote(who, S, "oneens"))
    lonely = person(SECRET_USER)  # one alone: below the threshold
    await service.choose_layer(lonely, "waterschap")
    await service.record(vote(lonely, S, "helemaal_oneens"))


async def with_workshop(service: CampaignService, tmp_path: Path) -> None:
    """A workshop baseline: Rijk 1 of 5 agreeing, two from the water authorities (under k)."""
    sheet = tmp_path / "workshop.csv"
    sheet.write_text("statement;layer;option;count\n"
                     "visie-rijk;rijk;eens;1\nvisie-rijk;rijk;oneens;2\n"
                     "visie-rijk;rijk;neutraal;2\nvisie-rijk;waterschap;eens;1\n"
                     "visie-rijk;waterschap;oneens;1\nvisie-rijk;gemeente;eens;3\n"
                     "visie-rijk;gemeente;oneens;3\n", encoding="utf-8")
    baseline = read_baseline(sheet, statements=await statement_keys(service.db, "test"),
                             layers=service.settings.campaign.layer_keys, scale=service.scale,
                             workshop_date=date(2026, 7, 10))
    await import_baseline(service.db, "test", baseline, now=T0)
