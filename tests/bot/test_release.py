"""The release step on the database: versions per cell, shared by every output and process."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from bot.insight.release import release_campaign
from bot.service import CampaignService
from bot.store.db import Database
from bot.store.models import ReleasedCell
from tests.factories import T0, apply_settings, person, settings, vote

S = "visie-rijk"
SIX = ["eens", "eens", "oneens", "oneens", "neutraal", "weet_niet"]


async def answer(service: CampaignService, user: str, option: str, layer: str = "rijk") -> None:
    who = person(user)
    await service.choose_layer(who, layer)
    await service.record(vote(who, S, option))


async def versions(db: Database) -> list[tuple[str, int, dict[str, int]]]:
    async with db.sessions() as session:
        rows = await session.execute(select(ReleasedCell.layer, ReleasedCell.version,
                                            ReleasedCell.counts).order_by(ReleasedCell.id))
        return [(layer, version, dict(counts)) for layer, version, counts in rows]


async def rijk_figures(service: CampaignService) -> dict[str, int] | None:
    [visible] = [v for v in (await service.release()).statements if v.statement.key == S]
    cell = visible.cells.get("rijk")
    return None if cell is None else cell.counts


async def test_figures_stand_until_enough_people_changed(service: CampaignService) -> None:
    await service.open(S)
    for n, option in enumerate(SIX):
        await answer(service, f"R{n}", option)
    first = await rijk_figures(service)
    assert first == {"eens": 2, "oneens": 2, "neutraal": 1, "weet_niet": 1}
    await answer(service, "R6", "helemaal_eens")  # one new answer: the figures stand
    assert await rijk_figures(service) == first
    tally = await service.tally(S)
    assert (tally.answers, tally.counts) == (7, first)  # the tally shows the same version
    for n, option in enumerate(["neutraal", "helemaal_oneens", "weet_niet"], start=7):
        await answer(service, f"R{n}", option)
    # Four new, each different: one of them, taking out their own answer, would know the
    # other three answered three different things, which a cell of three may not show.
    assert await rijk_figures(service) == first
    for n, option in enumerate(["eens", "neutraal"], start=10):
        await answer(service, f"R{n}", option)  # six new, spread even without one: released
    assert await rijk_figures(service) == {"eens": 3, "oneens": 2, "neutraal": 3,
                                           "weet_niet": 2, "helemaal_eens": 1,
                                           "helemaal_oneens": 1}
    assert [(layer, version) for layer, version, _ in await versions(service.db)] == [
        ("rijk", 1), ("rijk", 2)]


async def test_a_second_process_publishes_the_same_version(service: CampaignService,
                                                           db_url: str) -> None:
    await service.open(S)
    for n, option in enumerate(SIX):
        await answer(service, f"R{n}", option)
    other = Database(url=db_url)  # another process: its own engine and connections
    try:
        releases = await asyncio.gather(*(
            release_campaign(db, campaign_id=service.campaign_id,
                             scale=service.scale, k=3, now=T0)
            for db in (service.db, other, service.db, other)))
        figures = {str(v.cells["rijk"].counts) for r in releases for v in r.statements
                   if v.statement.key == S}
        assert len(figures) == 1
        async with other.sessions() as session:
            assert await session.scalar(select(func.count()).select_from(ReleasedCell)) == 1
    finally:
        await other.dispose()


async def test_going_back_to_figures_shown_before_is_not_a_release(
        service: CampaignService) -> None:
    await service.open(S)
    for n, option in enumerate(SIX):
        await answer(service, f"R{n}", option)
    v1 = await rijk_figures(service)
    extra = ["helemaal_eens", "neutraal", "helemaal_oneens", "weet_niet", "eens", "neutraal"]
    for n, option in enumerate(extra, start=6):
        await answer(service, f"X{n}", option)
    assert await rijk_figures(service) != v1  # version 2
    for n in range(6, 12):  # the six withdraw: the counts are v1's again
        await service.record(vote(person(f"X{n}"), S, None))
    # v2 -> now is six people, but now -> v1 is nobody: that would say v2 - v1 is them.
    assert len(await versions(service.db)) == 2
    assert (await rijk_figures(service)) != v1


async def test_held_back_until_the_close_no_version_is_written(service: CampaignService,
                                                               db_url: str) -> None:
    """campaign.results after_close: an open statement shows how many answered per layer
    and gets no version nobody saw; at the close the figures are released as usual."""
    await apply_settings(service, settings(db_url, campaign={"results": "after_close"}))
    await service.open(S)
    for n, option in enumerate(SIX):
        await answer(service, f"R{n}", option)
    [held] = [v for v in (await service.release()).statements if v.statement.key == S]
    assert (held.cells, held.coarse, held.total, held.answers) == ({}, {"rijk": 6}, None, 6)
    assert held.withheld == {"rijk": "until_closed"}
    assert (await service.tally(S)).counts is None and await versions(service.db) == []
    await service.close(S)
    assert await rijk_figures(service) == {"eens": 2, "oneens": 2, "neutraal": 1,
                                           "weet_niet": 1}
    assert [layer for layer, _, _ in await versions(service.db)] == ["rijk"]
