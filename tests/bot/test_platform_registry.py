"""A platform is known to the core only through its registered config section.

A third platform, declared here the way an adapter package declares one, is validated,
synced, accepted in rosters and named in errors without any change to the core.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import pytest
from sqlalchemy import select

from adapters.registry import PLATFORMS, platform_settings
from bot.people.roster_file import read_roster
from bot.publishing.sync import sync_settings
from bot.settings.config import parse_settings
from bot.settings.errors import ConfigError
from bot.settings.platform import ChannelSettings, IdentityShape, PlatformSettings
from bot.store.db import Database
from bot.store.models import Channel
from tests.databases import migrated
from tests.factories import LAYERS


class MatrixRoom(ChannelSettings):
    room: str

    def external_id(self) -> str:
        return self.room


class MatrixSettings(PlatformSettings):
    name: ClassVar[str] = "matrix"
    title: ClassVar[str] = "Matrix"
    identity: ClassVar[IdentityShape] = IdentityShape(user_id_pattern=r"@.+:.+",
                                                      user_id_example="@an:overheid.nl")
    channels_key: ClassVar[str] = "rooms"
    secret_env: ClassVar[dict[str, str]] = {"access_token": "POSITIE_MATRIX_ACCESS_TOKEN"}
    required_secrets: ClassVar[tuple[str, ...]] = ("access_token",)

    access_token: str = ""
    rooms: tuple[MatrixRoom, ...] = ()

    def channel_list(self) -> Sequence[ChannelSettings]:
        return self.rooms


WITH_MATRIX = (*platform_settings(), MatrixSettings)
CAMPAIGN = {"id": "c", "name": "C", "layers": LAYERS}


def test_the_registered_platforms_are_slack_and_telegram() -> None:
    assert [p.name for p in PLATFORMS] == ["slack", "telegram"]
    assert all(p.settings.identity.user_id_example for p in PLATFORMS)


def test_a_new_platform_section_is_validated_by_its_own_model() -> None:
    with pytest.raises(ConfigError) as error:
        parse_settings({"campaign": CAMPAIGN, "matrix": {"rooms": [{"rom": "!a"}]},
                        "slack": {"port": "drie"}}, platforms=WITH_MATRIX)
    message = str(error.value)
    assert "matrix.rooms[0].room: required key is missing" in message
    assert "matrix.rooms[0].rom: unknown key" in message
    assert "slack.port: Input should be a valid integer" in message  # all sections at once


def test_an_unregistered_section_is_an_unknown_key() -> None:
    with pytest.raises(ConfigError, match="matrix: unknown key"):
        parse_settings({"campaign": CAMPAIGN, "matrix": {}}, platforms=platform_settings())


async def test_its_channels_are_synced_under_its_name(tmp_path: Path) -> None:
    settings = parse_settings({
        "campaign": CAMPAIGN, "database": {"url": f"sqlite+aiosqlite:///{tmp_path}/p.db"},
        "matrix": {"rooms": [{"room": "!circulair:overheid.nl", "default_layer": "rijk"}]},
        "slack": {"channels": [{"id": "C1"}]}}, platforms=WITH_MATRIX)
    db: Database = await migrated(settings.database.url)
    try:
        await sync_settings(db, settings)
        async with db.sessions() as session:
            rows = (await session.execute(select(Channel.platform, Channel.external_id,
                                                 Channel.default_layer))).all()
    finally:
        await db.dispose()
    assert sorted(map(tuple, rows)) == [("matrix", "!circulair:overheid.nl", "rijk"),
                                        ("slack", "C1", None)]


def test_rosters_accept_it_without_a_workspace(tmp_path: Path) -> None:
    settings = parse_settings({"campaign": CAMPAIGN}, platforms=WITH_MATRIX)
    roster = tmp_path / "roster.csv"
    roster.write_text("platform,workspace,user_id,layer\n"
                      "matrix,ignored,@an:overheid.nl,gemeente\n"
                      "slack,T1,U1,rijk\n", encoding="utf-8")
    entries = read_roster(roster, settings.campaign.layer_keys, settings.identities()).entries
    assert [(e.who.platform, e.who.workspace, e.who.user_id) for e in entries] == [
        ("matrix", "", "@an:overheid.nl"), ("slack", "T1", "U1")]
    roster.write_text("platform,workspace,user_id,layer\nteams,,x,rijk\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="use one of slack, telegram, matrix"):
        read_roster(roster, settings.campaign.layer_keys, settings.identities())
