from __future__ import annotations

import pytest

from bot.publishing.sync import sync_settings
from bot.service import CampaignService
from tests.scheduling.world import RecordingGateway, scheduled_settings


@pytest.fixture
async def gateway(service: CampaignService, db_url: str) -> RecordingGateway:
    """The `service` campaign with a schedule, two channels and a recording gateway."""
    config = scheduled_settings(db_url)
    service.settings = config
    await sync_settings(service.db, config)
    recording = RecordingGateway()
    service.gateways["slack"] = recording
    return recording
