from __future__ import annotations

from sqlalchemy import func, select

from bot.domain import Outcome, RefusalReason
from bot.service import CampaignService
from bot.store.models import Position, PositionEvent
from tests.factories import person, vote

S = "visie-rijk"


async def positions(service: CampaignService) -> list[tuple[str, str]]:
    async with service.db.sessions() as session:
        rows = await session.execute(select(Position.option_key, Position.layer))
        return sorted((r.option_key, r.layer) for r in rows)


async def test_first_then_changed_then_older_event_ignored(service: CampaignService) -> None:
    await service.open(S)
    anna = person("U1")
    assert (await service.record(vote(anna, S, "eens", at=10))).outcome is Outcome.RECORDED
    assert (await service.record(vote(anna, S, "oneens", at=20))).outcome is Outcome.CHANGED
    late = await service.record(vote(anna, S, "helemaal_eens", at=15))
    assert late.outcome is Outcome.UNCHANGED and late.option_key == "oneens"
    assert await positions(service) == [("oneens", "onbekend")]


async def test_redelivery_changes_nothing(service: CampaignService) -> None:
    await service.open(S)
    anna = person("U1")
    first = vote(anna, S, "eens", at=10, delivery="d1")
    assert (await service.record(first)).outcome is Outcome.RECORDED
    again = vote(anna, S, "oneens", at=30, delivery="d1")
    assert (await service.record(again)).outcome is Outcome.DUPLICATE
    assert await positions(service) == [("eens", "onbekend")]
    async with service.db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(PositionEvent)) == 1


async def test_refusals(service: CampaignService) -> None:
    anna = person("U1")
    draft = await service.record(vote(anna, S, "eens"))
    assert (draft.outcome, draft.reason) == (Outcome.REFUSED, RefusalReason.NOT_OPEN)
    unknown = await service.record(vote(anna, "bestaat-niet", "eens"))
    assert unknown.reason is RefusalReason.UNKNOWN_STATEMENT
    await service.open(S)
    bad = await service.record(vote(anna, S, "misschien"))
    assert bad.reason is RefusalReason.UNKNOWN_OPTION
    await service.close(S)
    closed = await service.record(vote(anna, S, "eens"))
    assert closed.reason is RefusalReason.NOT_OPEN
    assert await positions(service) == []


async def test_layer_chosen_later_moves_positions(service: CampaignService) -> None:
    await service.open(S)
    anna = person("U1")
    result = await service.record(vote(anna, S, "eens"))
    assert result.needs_layer
    await service.choose_layer(anna, "waterschap")
    assert await positions(service) == [("eens", "waterschap")]
    again = await service.record(vote(anna, S, "oneens", at=2000))
    assert not again.needs_layer and again.layer == "waterschap"


async def test_withdrawal_removes_position(service: CampaignService) -> None:
    await service.open(S)
    anna = person("U1", platform="telegram")
    await service.record(vote(anna, S, "eens", at=10))
    result = await service.record(vote(anna, S, None, at=11))
    assert result.outcome is Outcome.WITHDRAWN
    assert await positions(service) == []
