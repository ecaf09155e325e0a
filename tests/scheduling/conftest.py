from __future__ import annotations

from typing import Any

import pytest

from bot.campaigns import sync_settings
from bot.service import CampaignService
from tests.scheduling.world import CHART, RecordingGateway, scheduled_settings


@pytest.fixture
async def gateway(service: CampaignService, db_url: str,
                  monkeypatch: pytest.MonkeyPatch) -> RecordingGateway:
    """The `service` campaign with a schedule, two channels and a recording gateway. The
    chart is a stand-in: drawing it is tested elsewhere and costs time here."""
    config = scheduled_settings(db_url)
    service.settings = config
    await sync_settings(service.db, config)
    recording = RecordingGateway()
    service.gateways["slack"] = recording

    async def chart(**_: Any) -> bytes:
        return CHART

    monkeypatch.setattr(service, "digest_chart", chart)
    return recording
