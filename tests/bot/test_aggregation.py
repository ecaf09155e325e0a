"""The campaign aggregate: counts per cell, and people and positions per layer."""

from __future__ import annotations

from sqlalchemy import distinct, func, select

from bot.insight.aggregation import aggregate_campaign
from bot.service import CampaignService
from bot.store.models import Position
from tests.factories import person, vote

A, B = "visie-rijk", "visie-gebied"


async def test_people_and_positions_per_layer(service: CampaignService) -> None:
    await service.open(A)
    await service.open(B)
    anna, bram, cees, dirk = (person(u) for u in ("U1", "U2", "U3", "U4"))
    await service.record(vote(anna, A, "eens", at=1))
    await service.record(vote(anna, B, "oneens", at=2))
    await service.choose_layer(anna, "gemeente")
    await service.record(vote(bram, B, "weet_niet", at=3))
    await service.choose_layer(bram, "gemeente")
    await service.record(vote(cees, A, "eens", at=4))  # stays onbekend
    await service.record(vote(dirk, A, "eens", at=5))
    await service.record(vote(dirk, A, None, at=6))  # withdrawn: no position, not counted
    await service.choose_layer(dirk, "rijk")
    await service.choose_layer(person("U5"), "rijk")  # declared a layer, never answered

    aggregate = await aggregate_campaign(service.db, service.campaign_id)

    assert aggregate.participants_by_layer == {"gemeente": 2, "onbekend": 1}
    assert aggregate.positions_by_layer == {"gemeente": 3, "onbekend": 1}
    assert aggregate.statements_asked == 2
    [a, b] = aggregate.statements
    assert {layer: c.counts for layer, c in a.cells.items()} == {
        "gemeente": {"eens": 1}, "onbekend": {"eens": 1}}
    assert b.cells["gemeente"].counts == {"oneens": 1, "weet_niet": 1}
    assert aggregate.response_rate("gemeente") == 3 / 4


async def test_people_per_layer_match_a_distinct_count(service: CampaignService) -> None:
    """The participant probe gives what COUNT(DISTINCT participant_id) per layer gives."""
    await service.open(A)
    await service.open(B)
    for i in range(12):
        who = person(f"U{i}")
        await service.record(vote(who, A if i % 3 else B, "eens", at=i))
        if i % 2:
            await service.record(vote(who, B, "oneens", at=100 + i))
        await service.choose_layer(who, ("rijk", "provincie", "gemeente")[i % 3])
    aggregate = await aggregate_campaign(service.db, service.campaign_id)
    async with service.db.sessions() as session:
        rows = (await session.execute(
            select(Position.layer, func.count(distinct(Position.participant_id)),
                   func.count())
            .group_by(Position.layer))).all()
    assert aggregate.participants_by_layer == {layer: people for layer, people, _ in rows}
    assert aggregate.positions_by_layer == {layer: n for layer, _, n in rows}
