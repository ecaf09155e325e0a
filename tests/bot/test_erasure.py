"""Forgetting a person erases their positions, history and reminders, and nobody else's."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.service import CampaignService
from bot.store.models import Participant, Position, PositionEvent
from tests.factories import person, vote

S1, S2 = "visie-rijk", "visie-gebied"


async def counts(service: CampaignService) -> tuple[int, int, int]:
    async with service.db.sessions() as session:
        return tuple([int(await session.scalar(select(func.count()).select_from(model)) or 0)
                      for model in (Participant, Position, PositionEvent)])  # type: ignore[return-value]


async def test_forget_erases_one_person_entirely(service: CampaignService) -> None:
    anna, bram = person("U1"), person("U2")
    for key in (S1, S2):
        await service.open(key)
    await service.record(vote(anna, S1, "eens", at=10))
    await service.record(vote(anna, S1, "oneens", at=20))  # a change: two events
    await service.record(vote(anna, S2, "neutraal", at=30))
    await service.record(vote(bram, S1, "eens", at=40))
    await service.set_reminders(anna, on=False)
    assert await counts(service) == (2, 3, 4)

    preview = await service.erasure_preview(anna)
    assert (preview.known, preview.positions) == (True, 2)
    assert await counts(service) == (2, 3, 4)  # asking erases nothing

    erased = await service.forget(anna)
    assert (erased.known, erased.positions) == (True, 2)
    assert await counts(service) == (1, 1, 1)  # only Bram is left
    tally = await service.tally(S1)
    assert (tally.answers, tally.counts) == (1, None)  # one respondent: under k, hidden

    again = await service.forget(anna)
    assert (again.known, again.positions) == (False, 0)


async def test_someone_forgotten_starts_afresh(service: CampaignService) -> None:
    anna = person("U1")
    await service.open(S1)
    await service.record(vote(anna, S1, "eens", at=10))
    await service.forget(anna)
    result = await service.record(vote(anna, S1, "oneens", at=20))
    assert result.layer == "onbekend" and result.option_key == "oneens"
    assert await counts(service) == (1, 1, 1)
