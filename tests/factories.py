"""Builders for settings, identities and votes used across the tests."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.domain import Identity
from bot.positions.record import Vote
from bot.publishing.sync import sync_settings
from bot.service import CampaignService
from bot.settings.config import Settings
from positie.settings import from_mapping

LAYERS = [
    {"key": "rijk", "label_nl": "Rijk", "label_en": "National government"},
    {"key": "provincie", "label_nl": "Provincie", "label_en": "Province"},
    {"key": "gemeente", "label_nl": "Gemeente", "label_en": "Municipality"},
    {"key": "waterschap", "label_nl": "Waterschap", "label_en": "Water authority"},
]

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
_deliveries = itertools.count(1)


def settings(db_url: str, **sections: Any) -> Settings:
    campaign = {"id": "test", "name": "Testcampagne", "layers": LAYERS,
                "privacy_threshold": 3, **sections.pop("campaign", {})}
    return from_mapping({"campaign": campaign, "database": {"url": db_url}, **sections})


def person(user: str, platform: str = "slack", workspace: str = "T0TEAM") -> Identity:
    return Identity(platform=platform, workspace=workspace if platform == "slack" else "",
                    user_id=user)


def vote(who: Identity, statement: str, option: str | None, *, at: float = 1000.0,
         delivery: str | None = None, channel: str | None = None) -> Vote:
    return Vote(who=who, statement_key=statement, option_key=option, event_time=at,
                delivery_id=delivery or f"test:{next(_deliveries)}", channel_id=channel)


def minimal_config_file(tmp_path: Path, *, name: str = "Testcampagne") -> Path:
    """A positie.toml with one layer and a SQLite file in `tmp_path`, for CLI tests."""
    config = tmp_path / "positie.toml"
    config.write_text(f"""
[campaign]
id = "cli"
name = "{name}"

[[campaign.layers]]
key = "rijk"
label_nl = "Rijk"
label_en = "National government"

[database]
url = "sqlite+aiosqlite:///{tmp_path / 'positie.db'}"
""", encoding="utf-8")
    return config


async def apply_settings(service: CampaignService, config: Settings) -> Settings:
    """Give the service these settings and bring the database in line (channels, scale)."""
    service.settings = config
    await sync_settings(service.db, config)
    return config
