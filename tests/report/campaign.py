"""A small campaign for the report's tests: one layer in full, one small group, one below k."""

from __future__ import annotations

from bot.service import CampaignService
from tests.factories import person, vote

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
