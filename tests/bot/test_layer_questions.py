"""A group is asked about layers once per statement, whichever process gets there first."""

from __future__ import annotations

from bot.service import CampaignService
from tests.factories import apply_settings, settings
from tests.telegram_world import GEMEENTE, telegram_section

S1, S2 = "visie-rijk", "visie-gebied"


async def test_asked_once_per_group_and_statement_across_processes(
        service: CampaignService, db_url: str) -> None:
    config = await apply_settings(service, settings(db_url, telegram=telegram_section()))
    # A second process: its own service (and memory) on the same database.
    other = CampaignService(db=service.db, settings=config, clock=service.clock)
    group = str(GEMEENTE)
    assert await service.claim_group_layer_question("telegram", group, S1) is True
    assert await other.claim_group_layer_question("telegram", group, S1) is False
    assert await service.claim_group_layer_question("telegram", group, S1) is False
    assert await other.claim_group_layer_question("telegram", group, S2) is True
    # Not the campaign's chat or statement: nobody asks.
    assert await service.claim_group_layer_question("telegram", "-100999", S1) is False
    assert await service.claim_group_layer_question("telegram", group, "nope") is False
    await other.aclose()
