"""Per-person answers as of a cell's last release (released_answers): kept by the
database's triggers on every write path, counted by the release step, erased by forget
and purge."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select, update

from bot.insight.release_people import transitions
from bot.people.purge import purge_campaign
from bot.service import CampaignService
from bot.store.db import Database
from bot.store.models import Participant, ReleasedAnswer, ReleasedCell
from tests.bot.test_release import SIX, S, rijk_figures
from tests.factories import T0, person, vote

_clock = iter(range(1, 10_000))


async def answer(service: CampaignService, user: str, option: str | None) -> None:
    """Each vote later than the one before (a vote older than the position is ignored)."""
    who = person(user)
    await service.choose_layer(who, "rijk")
    await service.record(vote(who, S, option, at=float(next(_clock))))


async def changes(db: Database) -> dict[tuple[str | None, str | None], int]:
    async with db.sessions() as session:
        latest = {(s, layer): v for s, layer, v in await session.execute(
            select(ReleasedCell.statement_id, ReleasedCell.layer, ReleasedCell.version))}
        moved = await transitions(session, db.dialect, latest)
    return {t: n for cell, by in moved.items() if cell[1] == "rijk" for t, n in by.items()}


async def rows(db: Database) -> list[tuple[int | None, str | None, str | None]]:
    async with db.sessions() as session:
        return [tuple(r) for r in await session.execute(  # type: ignore[misc]
            select(ReleasedAnswer.participant_id, ReleasedAnswer.option_key,
                   ReleasedAnswer.current_option).order_by(ReleasedAnswer.id))]


async def test_every_kind_of_change_is_kept_per_person(service: CampaignService) -> None:
    await service.open(S)
    assert await rows(service.db) == []  # a cell never released keeps nothing
    for n, option in enumerate(SIX):
        await answer(service, f"R{n}", option)
    assert await rijk_figures(service) is not None  # released: version 1
    await answer(service, "R0", "helemaal_oneens")  # a change of mind
    await answer(service, "R1", None)  # a withdrawal
    await answer(service, "R6", "neutraal")  # a join
    await service.choose_layer(person("R4"), "gemeente")  # a move out of the layer
    await answer(service, "R2", "eens")
    await answer(service, "R2", "oneens")  # changed and changed back: not one of them
    assert await changes(service.db) == {
        ("eens", "helemaal_oneens"): 1, ("eens", None): 1, (None, "neutraal"): 1,
        ("neutraal", None): 1, ("oneens", "oneens"): 1}


async def test_forget_unlinks_the_row_and_the_departure_is_not_readable(
        service: CampaignService) -> None:
    await service.open(S)
    for n, option in enumerate(SIX):
        await answer(service, f"R{n}", option)
    assert await rijk_figures(service) is not None
    async with service.db.sessions() as session:
        forgotten = await session.scalar(select(Participant.id).where(
            Participant.user_id == person("R3").user_id))
    await service.forget(person("R3"))
    assert [r for r in await rows(service.db) if r[0] == forgotten] == []
    assert await rows(service.db) == [(None, "oneens", None)]  # counted as a departure
    assert await changes(service.db) == {("oneens", None): 1}
    v1 = await rijk_figures(service)
    for n, option in enumerate(["helemaal_eens", "neutraal", "helemaal_oneens", "weet_niet",
                                "eens", "neutraal"], start=10):
        await answer(service, f"R{n}", option)
    # Seven people behind the change, but the answers lost are one "oneens": a reader among
    # the six who joined would read that the forgotten person had answered oneens.
    assert await rijk_figures(service) == v1
    assert (None, "oneens", None) in await rows(service.db)


async def test_purge_erases_them(service: CampaignService) -> None:
    await service.open(S)
    for n, option in enumerate(SIX):
        await answer(service, f"R{n}", option)
    assert await rijk_figures(service) is not None
    await answer(service, "R0", "neutraal")
    assert await rows(service.db) != []
    await purge_campaign(service.db, service.campaign_id, now=T0 + timedelta(days=1), due=T0)
    assert await rows(service.db) == []


async def test_changes_not_kept_per_person_hold_a_cell_unless_it_is_from_before_0008(
        service: CampaignService) -> None:
    await service.open(S)
    for n, option in enumerate(SIX):
        await answer(service, f"R{n}", option)
    v1 = await rijk_figures(service)
    for n, option in enumerate(["helemaal_eens", "neutraal", "helemaal_oneens", "weet_niet",
                                "eens", "neutraal"], start=10):
        await answer(service, f"R{n}", option)
    async with service.db.transaction() as session:  # as if answered before migration 0008
        await session.execute(delete(ReleasedAnswer))
    assert await rijk_figures(service) == v1  # a tracked version: counts that do not add up
    async with service.db.transaction() as session:
        await session.execute(update(ReleasedCell).values(tracked=False))
    assert await rijk_figures(service) != v1  # from before 0008: judged on net counts, once
