"""A command with nothing to migrate or import skips that work (issue #11)."""

from __future__ import annotations

from pathlib import Path

from bot.publishing.catalogue_check import catalogue_in_sync
from bot.publishing.catalogue_import import import_catalogue
from bot.service import CampaignService
from bot.settings.catalogue import Catalogue, load_catalogue
from bot.store.db import Database
from bot.store.migrate import upgrade_if_behind
from tests.factories import T0

EXAMPLE = Path(__file__).resolve().parent.parent.parent / "statements.example.toml"


async def test_migrations_run_only_when_behind(tmp_path: Path) -> None:
    db = Database(url=f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}")
    try:
        assert await upgrade_if_behind(db) is True  # an empty database: migrated
        assert await upgrade_if_behind(db) is False  # at the newest revision: skipped
    finally:
        await db.dispose()


async def test_catalogue_in_sync_sees_every_change(service: CampaignService) -> None:
    catalogue = load_catalogue(EXAMPLE)
    assert await catalogue_in_sync(service.db, service.campaign_id, catalogue)
    raw = catalogue.model_dump()
    raw["themes"][0]["statements"][0]["text"] += " (herzien)"
    assert not await catalogue_in_sync(service.db, service.campaign_id,
                                       Catalogue.model_validate(raw))
    moved = catalogue.model_dump()
    moved["themes"][0]["statements"] = moved["themes"][0]["statements"][::-1]
    assert not await catalogue_in_sync(service.db, service.campaign_id,
                                       Catalogue.model_validate(moved))
    added = catalogue.model_dump()
    added["themes"][1]["statements"] = (*added["themes"][1]["statements"],
                                        {"key": "nieuw", "text": "Een nieuwe stelling."})
    changed = Catalogue.model_validate(added)
    assert not await catalogue_in_sync(service.db, service.campaign_id, changed)
    await import_catalogue(service.db, service.campaign_id, changed, now=T0)
    assert await catalogue_in_sync(service.db, service.campaign_id, changed)
