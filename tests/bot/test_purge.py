"""The end of retention: a campaign's people and their positions go, what was published
stays, and nothing goes a moment early."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.insight.momentum import save_snapshot
from bot.people.purge import purge_campaign
from bot.service import CampaignService
from bot.settings.errors import ConfigError
from bot.settings.retention import purge_due
from bot.store.models import DigestSnapshot, Participant, Position, PositionEvent
from positie.settings import load as load_settings
from tests.factories import minimal_config_file, person, vote

S1, S2 = "visie-rijk", "visie-gebied"
DUE = datetime(2027, 1, 1, tzinfo=UTC)


async def counts(service: CampaignService) -> tuple[int, int, int]:
    async with service.db.sessions() as session:
        return tuple([int(await session.scalar(select(func.count()).select_from(model)) or 0)
                      for model in (Participant, Position, PositionEvent)])  # type: ignore[return-value]


async def campaign_with_answers(service: CampaignService) -> None:
    for key in (S1, S2):
        await service.open(key)
    for n, option in enumerate(("eens", "oneens", "eens")):
        await service.record(vote(person(f"U{n}"), S1, option, at=10 + n))
    await service.record(vote(person("U0"), S1, "neutraal", at=20))  # a change: history
    await service.record(vote(person("U1"), S2, "eens", at=30))
    await service.choose_layer(person("U9"), "rijk")  # chose a layer, answered nothing yet


def test_due_is_the_end_of_the_last_day_in_the_campaign_timezone_plus_retention() -> None:
    due = purge_due(date(2027, 6, 30), timedelta(weeks=26), "Europe/Amsterdam")
    # Midnight after the last day, 26 weeks on, by the wall clock (summer time has ended).
    assert due == datetime(2027, 12, 30, 0, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
    assert purge_due(None, timedelta(days=1), "Europe/Amsterdam") is None
    assert purge_due(date(2027, 6, 30), None, "Europe/Amsterdam") is None


async def test_nothing_goes_before_it_is_due(service: CampaignService) -> None:
    await campaign_with_answers(service)
    before = await counts(service)
    report = await purge_campaign(service.db, service.campaign_id,
                                  now=DUE - timedelta(seconds=1), due=DUE)
    assert not report.purged
    assert await counts(service) == before == (4, 4, 5)


async def test_a_dry_run_counts_and_erases_nothing(service: CampaignService) -> None:
    await campaign_with_answers(service)
    report = await purge_campaign(service.db, service.campaign_id, now=DUE, due=DUE,
                                  dry_run=True)
    assert (report.purged, report.positions, report.events, report.people) == (False, 4, 5, 3)
    assert await counts(service) == (4, 4, 5)


async def test_when_due_the_campaigns_people_go_and_published_counts_stay(
        service: CampaignService) -> None:
    await campaign_with_answers(service)
    draft = await service.digest_draft()  # as if posted: its counts are saved for momentum
    await save_snapshot(service.db, campaign_id=service.campaign_id, period="week-1",
                        snapshot=draft.snapshot, now=DUE - timedelta(days=30))
    report = await purge_campaign(service.db, service.campaign_id, now=DUE, due=DUE)
    assert (report.purged, report.positions, report.events, report.people) == (True, 4, 5, 3)
    # U9 never answered in this campaign: their own layer choice is not this campaign's data.
    assert await counts(service) == (1, 0, 0)
    async with service.db.sessions() as session:
        snapshots = await session.scalar(select(func.count()).select_from(DigestSnapshot))
    assert (await service.tally(S1)).counts is None  # nothing left to count
    assert snapshots == 1  # published counts per layer stay
    again = await purge_campaign(service.db, service.campaign_id, now=DUE, due=DUE)
    assert (again.positions, again.events, again.people) == (0, 0, 0)


def config(tmp_path: Path, extra: str) -> Path:
    path = minimal_config_file(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace(
        "[campaign]\n", f"[campaign]\n{extra}", 1), encoding="utf-8")
    return path


def test_a_bad_retention_names_key_and_fix(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"campaign\.retention: .*'soon' is not a duration"):
        load_settings(config(tmp_path, 'ends = 2027-06-30\nretention = "soon"\n'), env={})


@pytest.mark.parametrize(("extra", "expected"), [
    ("", "no retention set: add campaign.ends and campaign.retention"),
    ('ends = 2999-06-30\nretention = "26w"\n', "nothing erased yet (campaign ended 2999-06-30"),
    ('ends = 2020-06-30\nretention = "4w"\n', "erased 0 position(s)"),
])
def test_the_command_says_what_it_did(tmp_path: Path, extra: str, expected: str) -> None:
    result = subprocess.run([sys.executable, "-m", "positie", "purge", "-c",
                             str(config(tmp_path, extra))],
                            capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout
