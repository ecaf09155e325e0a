"""Re-importing statements updates by key, never deletes, keeps old texts that have answers."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from bot.publishing.catalogue_import import import_catalogue
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


async def test_a_statement_left_out_is_retired_and_comes_back(service: CampaignService,
                                                              tmp_path: Path) -> None:
    from bot.domain import RefusalReason, StatementState

    await service.open("visie-rijk")
    await service.record(vote(person("U1"), "visie-rijk", "eens"))
    text = EXAMPLE_STATEMENTS.read_text(encoding="utf-8")
    without = tmp_path / "zonder.toml"
    without.write_text(text.replace('key = "visie-rijk"', 'key = "visie-nieuw"'),
                       encoding="utf-8")
    report = await import_catalogue(service.db, service.campaign_id, load_catalogue(without),
                                    now=T0)
    assert (report.added, report.retired) == (1, 1)
    assert (await service.statement_view("visie-rijk")).state is StatementState.RETIRED
    refused = await service.record(vote(person("U2"), "visie-rijk", "oneens"))
    assert refused.reason is RefusalReason.NOT_OPEN
    assert "visie-rijk" not in await service.open_statement_keys()
    aggregate_keys = [s.key for s in (await service.digest_draft()).release.statements]
    assert "visie-rijk" not in aggregate_keys  # not in digests while retired
    async with service.db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Position)) == 1

    back = tmp_path / "terug.toml"
    back.write_text(text, encoding="utf-8")
    report = await import_catalogue(service.db, service.campaign_id, load_catalogue(back),
                                    now=T0)
    assert (report.restored, report.retired) == (1, 1)  # visie-nieuw goes, visie-rijk is back
    assert (await service.statement_view("visie-rijk")).state is StatementState.CLOSED


def test_statements_a_platform_can_never_post_are_refused(tmp_path: Path) -> None:
    import pytest

    from adapters.slack.settings import SlackSettings
    from adapters.telegram.settings import TelegramSettings
    from bot.settings.catalogue_limits import check_catalogue
    from bot.settings.errors import ConfigError

    long_key = "k" * 60  # fits the catalogue's 64, not Telegram's 64-byte button data
    path = tmp_path / "stellingen.toml"
    path.write_text(f'[[themes]]\nkey = "t"\ntitle = "T"\n'
                    f'[[themes.statements]]\nkey = "{long_key}"\ntext = "kort"\n'
                    f'[[themes.statements]]\nkey = "amp"\ntext = "{"&" * 700}"\n',
                    encoding="utf-8")
    catalogue = load_catalogue(path)
    platforms = [SlackSettings(enabled=True), TelegramSettings(enabled=True)]
    with pytest.raises(ConfigError) as error:
        check_catalogue(path, catalogue, platforms)
    message = str(error.value)
    assert f"themes[0].statements[0] ({long_key}): Telegram: key is 60 bytes" in message
    assert "themes[0].statements[1] (amp): Slack: text is 3502 characters" in message
    assert "nothing imported" in message
    check_catalogue(path, catalogue, [])  # no platform enabled: nothing to check against


def test_a_blank_statement_text_is_refused(tmp_path: Path) -> None:
    import pytest

    from bot.settings.errors import ConfigError

    path = tmp_path / "stellingen.toml"
    path.write_text('[[themes]]\nkey = "t"\ntitle = "T"\n'
                    '[[themes.statements]]\nkey = "leeg"\ntext = "   "\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="the text is blank"):
        load_catalogue(path)
