"""Roster layers rank between a channel's default and a person's own choice."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from adapters.registry import PLATFORMS
from bot.domain import LayerSource
from bot.people.roster import import_roster, read_roster
from bot.service import CampaignService
from bot.settings.config import ConfigError
from bot.store.models import Participant, Position
from tests.factories import T0, person, vote

LAYERS = ("rijk", "provincie", "gemeente", "waterschap")
IDENTITIES = {p.name: p.settings.identity for p in PLATFORMS}


async def layers(service: CampaignService) -> dict[str, tuple[str, str]]:
    async with service.db.sessions() as session:
        rows = await session.execute(select(Participant.user_id, Participant.layer,
                                            Participant.layer_source))
        return {r.user_id: (r.layer, r.layer_source) for r in rows}


async def test_roster_overrides_default_but_not_own_choice(service: CampaignService,
                                                           tmp_path: Path) -> None:
    await service.open("visie-rijk")
    await service.record(vote(person("U1"), "visie-rijk", "eens"))
    await service.choose_layer(person("U2"), "gemeente")
    roster = tmp_path / "roster.csv"
    roster.write_text("platform,workspace,user_id,layer\n"
                      "slack,T0TEAM,U1,waterschap\nslack,T0TEAM,U2,rijk\n"
                      "telegram,,42,provincie\n", encoding="utf-8")
    report = await import_roster(service.db, read_roster(roster, LAYERS, IDENTITIES), now=T0)
    assert (report.applied, report.kept_declared) == (2, 1)
    assert await layers(service) == {"U1": ("waterschap", LayerSource.ROSTER),
                                     "U2": ("gemeente", LayerSource.DECLARED),
                                     "42": ("provincie", LayerSource.ROSTER)}
    async with service.db.sessions() as session:
        assert list(await session.scalars(select(Position.layer))) == ["waterschap"]


def test_a_bad_line_imports_nothing_and_names_the_line(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("platform,workspace,user_id,layer\nslack,T1,U1,rijk\n"
                      "slack,T1,U2,ministerie\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="line 3: unknown layer 'ministerie'"):
        read_roster(roster, LAYERS, IDENTITIES)
