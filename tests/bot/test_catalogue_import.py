"""Re-importing statements updates by key, never deletes, keeps old texts that have answers."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from bot.publishing.sync import import_catalogue
from bot.service import CampaignService
from bot.settings.catalogue import load_catalogue
from bot.store.models import Position, Statement, StatementRevision
from tests.conftest import EXAMPLE_STATEMENTS
from tests.factories import T0, person, vote


async def test_reimport_keeps_answers_and_old_text(service: CampaignService,
                                                   tmp_path: Path) -> None:
    await service.open("visie-rijk")
    await service.record(vote(person("U1"), "visie-rijk", "eens"))
    changed = EXAMPLE_STATEMENTS.read_text(encoding="utf-8").replace(
        "Het Rijk moet de visie", "Het Rijk moet samen met de regio de visie").replace(
        "Provincies en waterschappen moeten", "Provincies moeten")
    # One statement left out of the new file: it is kept, not deleted.
    changed = changed.replace('key = "inkoop-kennis"', 'key = "inkoop-nieuw"')
    path = tmp_path / "stellingen.toml"
    path.write_text(changed, encoding="utf-8")
    report = await import_catalogue(service.db, service.campaign_id, load_catalogue(path),
                                    now=T0)
    assert (report.added, report.updated, report.kept_revisions) == (1, 2, 1)
    async with service.db.sessions() as session:
        revisions = (await session.scalars(select(StatementRevision.text))).all()
        keys = set(await session.scalars(select(Statement.key)))
        positions = await session.scalar(select(func.count()).select_from(Position))
    assert revisions == ["Het Rijk moet de visie op de circulaire economie bepalen; "
                         "de regio werkt die uit."]
    assert {"inkoop-kennis", "inkoop-nieuw"} <= keys
    assert positions == 1
    view = await service.statement_view("visie-rijk")
    assert view.text.startswith("Het Rijk moet samen met de regio")
