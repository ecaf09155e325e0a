"""The admins' roster: read as spreadsheets write it, every line checked first, applied in
set-based statements. A roster layer ranks between a channel's default and a person's own
choice, and a person's positions move with their layer."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from adapters.registry import PLATFORMS
from bot.domain import Identity, LayerSource
from bot.people.roster_file import RosterEntry, read_roster
from bot.people.roster_import import import_roster
from bot.service import CampaignService
from bot.settings.errors import ConfigError
from bot.store.models import Participant, Position
from tests.factories import T0, person, vote

LAYERS = ("rijk", "provincie", "gemeente", "waterschap")
IDENTITIES = {p.name: p.settings.identity for p in PLATFORMS}


def roster_file(tmp_path: Path, content: str | bytes) -> Path:
    path = tmp_path / "roster.csv"
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    return path


def people(path: Path) -> list[tuple[str, str, str, str, int]]:
    roster = read_roster(path, LAYERS, IDENTITIES)
    return [(e.who.platform, e.who.workspace, e.who.user_id, e.layer, e.line)
            for e in roster.entries]


def problems(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        read_roster(path, LAYERS, IDENTITIES)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and "nothing imported" in message
    return [line.removeprefix("  - ") for line in message.splitlines()[1:]]


async def layers(service: CampaignService) -> dict[str, tuple[str, str]]:
    async with service.db.sessions() as session:
        rows = await session.execute(select(Participant.user_id, Participant.layer,
                                            Participant.layer_source))
        return {r.user_id: (r.layer, r.layer_source) for r in rows}


async def position_layers(service: CampaignService) -> list[str]:
    async with service.db.sessions() as session:
        return sorted(await session.scalars(select(Position.layer)))


# --- reading ---------------------------------------------------------------------------------
def test_dutch_excel_semicolons_bom_quotes_and_crlf(tmp_path: Path) -> None:
    content = ("\ufeffPlatform;Workspace;User_ID;Laag;naam\r\n".replace("Laag", "layer")
               + 'slack;T0TEAM;U1;rijk;"Jansen; J."\r\n'
               + 'slack;"T0TEAM";"U2";Gemeente;"de Vries,\r\nafdeling ""Water"""\r\n'
               + "telegram;;42;waterschap;\r\n"
               + ";;;;\r\n;;;;\r\n")
    assert people(roster_file(tmp_path, content)) == [
        ("slack", "T0TEAM", "U1", "rijk", 2),
        ("slack", "T0TEAM", "U2", "gemeente", 3),
        ("telegram", "", "42", "waterschap", 5)]


def test_excel_sep_line_windows_1252_and_commas(tmp_path: Path) -> None:
    sep = roster_file(tmp_path, "sep=;\nplatform;workspace;user_id;layer\nslack;T1;U1;rijk\n")
    assert people(sep) == [("slack", "T1", "U1", "rijk", 3)]
    cp1252 = roster_file(tmp_path, "platform,workspace,user_id,layer,naam\n"
                                   "telegram,,7,rijk,Zoë Çelik\n".encode("cp1252"))
    assert people(cp1252) == [("telegram", "", "7", "rijk", 2)]


def test_rows_that_can_never_match_are_refused_with_what_would(tmp_path: Path) -> None:
    path = roster_file(tmp_path, "platform,workspace,user_id,layer,email\n"
                                 "slack,T1,an@minbzk.nl,rijk,\n"
                                 "telegram,,an@minbzk.nl,rijk,\n"
                                 "slack,T1,@jan,rijk,\n"
                                 "telegram,,@jan,rijk,\n"
                                 "slack,,U1,rijk,\n"
                                 "slack,gemeente-utrecht,U1,rijk,\n"
                                 "telegram,,12ab,rijk,\n"
                                 "teams,,x,rijk,\n"
                                 "slack,T1,U1,ministerie,\n"
                                 "slack,T1,,rijk,\n"
                                 "telegram,,,rijk,an@minbzk.nl\n"
                                 "slack,,,rijk,an-at-minbzk.nl\n")
    assert problems(path) == [
        "line 2: 'an@minbzk.nl' is an e-mail address in the user_id column; move it to an "
        "email column (positie looks the slack id up) or give the user id, e.g. U012ABCDEF",
        "line 3: 'an@minbzk.nl' is an e-mail address; telegram cannot look people up by "
        "address, give the numeric user id, e.g. 123456789",
        "line 4: '@jan' is a @handle, which people can change; give the slack user id, "
        "e.g. U012ABCDEF",
        "line 5: '@jan' is a @handle, which people can change; give the telegram user id, "
        "e.g. 123456789",
        "line 6: workspace is empty; these user ids are unique per workspace, so give the "
        "workspace (team) id, e.g. T012ABCDE",
        "line 7: workspace 'gemeente-utrecht' is not a workspace (team) id, e.g. T012ABCDE "
        "(the name or domain cannot be matched)",
        "line 8: '12ab' is not a telegram user id; give one like 123456789",
        "line 9: platform 'teams'; use one of slack, telegram",
        "line 10: unknown layer 'ministerie'; use one of rijk, provincie, gemeente, waterschap",
        "line 11: no user_id and no email; give the person's user id or e-mail address",
        "line 12: telegram cannot look people up by e-mail address; give the user id in "
        "user_id, e.g. 123456789",
        "line 13: 'an-at-minbzk.nl' is not an e-mail address; fix it or give the user id"]


def test_a_person_twice_with_two_layers_is_refused_once_with_one_kept(tmp_path: Path) -> None:
    same = roster_file(tmp_path, "platform,workspace,user_id,layer\n"
                                 "slack,T1,U1,rijk\nslack,T1,U1,Rijk\n")
    assert people(same) == [("slack", "T1", "U1", "rijk", 2)]
    twice = roster_file(tmp_path, "platform,workspace,user_id,layer,email\n"
                                  "slack,T1,U1,rijk,\nslack,T1,U1,gemeente,\n"
                                  "slack,,,rijk,An@minbzk.nl\nslack,,,gemeente,an@MINBZK.nl\n")
    assert problems(twice) == [
        "line 3: slack user U1 is also on line 2 with layer 'rijk'; keep one of the two",
        "line 5: an@minbzk.nl is also on line 4 with layer 'rijk'; keep one of the two"]


def test_header_problems_show_what_was_read(tmp_path: Path) -> None:
    path = roster_file(tmp_path, "platform;werkruimte;gebruiker;layer\nslack;T1;U1;rijk\n")
    with pytest.raises(ConfigError, match=r"line 1: column\(s\) user_id missing; the header "
                       r"must name the columns platform,workspace,user_id,layer \(and "
                       r"optionally email\), separated by , or ; \(got \['platform', "
                       r"'werkruimte', 'gebruiker', 'layer'\]\)"):
        read_roster(path, LAYERS, IDENTITIES)
    with pytest.raises(ConfigError, match="the roster is empty"):
        read_roster(roster_file(tmp_path, ""), LAYERS, IDENTITIES)
    with pytest.raises(ConfigError, match="cannot read the roster"):
        read_roster(tmp_path / "missing.csv", LAYERS, IDENTITIES)


def test_a_telegram_sheet_needs_no_workspace_column(tmp_path: Path) -> None:
    path = roster_file(tmp_path, "platform;user_id;layer\ntelegram;42;rijk\nslack;U1;rijk\n")
    assert problems(path) == [
        "line 3: workspace is empty; these user ids are unique per workspace, so give the "
        "workspace (team) id, e.g. T012ABCDE"]


def test_e_mail_rows_are_kept_for_the_lookup(tmp_path: Path) -> None:
    path = roster_file(tmp_path, "platform,workspace,user_id,layer,email\n"
                                 "slack,,,rijk, An@MinBZK.nl \nslack,T1,U9,gemeente,x@y.nl\n")
    roster = read_roster(path, LAYERS, IDENTITIES)
    assert [(r.platform, r.workspace, r.email, r.layer, r.line) for r in roster.emails] == [
        ("slack", "", "an@minbzk.nl", "rijk", 2)]
    assert [e.who for e in roster.entries] == [Identity("slack", "T1", "U9")]  # id wins


# --- importing ---------------------------------------------------------------------------------
def entry(user: str, layer: str, platform: str = "slack") -> RosterEntry:
    return RosterEntry(person(user, platform), layer, line=0)


async def test_roster_overrides_default_but_not_own_choice(service: CampaignService) -> None:
    await service.open("visie-rijk")
    await service.record(vote(person("U1"), "visie-rijk", "eens"))
    await service.choose_layer(person("U2"), "gemeente")
    report = await import_roster(service.db, [entry("U1", "waterschap"), entry("U2", "rijk"),
                                              entry("42", "provincie", "telegram")], now=T0)
    assert (report.new, report.updated, report.unchanged, report.kept_declared,
            report.positions_moved) == (1, 1, 0, 1, 1)
    assert await layers(service) == {"U1": ("waterschap", LayerSource.ROSTER),
                                     "U2": ("gemeente", LayerSource.DECLARED),
                                     "42": ("provincie", LayerSource.ROSTER)}
    assert await position_layers(service) == ["waterschap"]


async def test_a_rerun_reports_unchanged_and_a_change_moves_positions(
        service: CampaignService) -> None:
    await service.open("visie-rijk")
    roster = [entry(f"U{i}", "rijk") for i in range(10)]
    first = await import_roster(service.db, roster, now=T0)
    assert (first.new, first.applied) == (10, 10)
    for i in (3, 4):
        await service.record(vote(person(f"U{i}"), "visie-rijk", "eens"))
    rerun = await import_roster(service.db, roster, now=T0)
    assert (rerun.applied, rerun.unchanged, rerun.kept_declared) == (0, 10, 0)
    assert rerun.summary() == ("10 person(s) in the roster: unchanged (10 already so, 0 kept "
                               "because the person chose their own layer)")
    roster[3] = entry("U3", "gemeente")
    changed = await import_roster(service.db, roster, now=T0)
    assert (changed.new, changed.updated, changed.unchanged, changed.positions_moved) == (
        0, 1, 9, 1)
    assert await position_layers(service) == ["gemeente", "rijk"]


async def test_a_channel_default_becomes_the_roster_s_without_moving_positions(
        service: CampaignService) -> None:
    await service.open("visie-rijk")
    await service.record(vote(person("U1"), "visie-rijk", "eens"))
    async with service.db.transaction() as session:  # as a channel's default would set it
        await session.execute(Participant.__table__.update().values(
            layer="rijk", layer_source=LayerSource.CHANNEL))
        await session.execute(Position.__table__.update().values(layer="rijk"))
    report = await import_roster(service.db, [entry("U1", "rijk")], now=T0)
    assert (report.updated, report.positions_moved) == (1, 0)
    assert await layers(service) == {"U1": ("rijk", LayerSource.ROSTER)}
    assert await position_layers(service) == ["rijk"]
    steps: list[tuple[int, int]] = []
    await import_roster(service.db, [entry("U1", "rijk"), entry("U5", "gemeente")], now=T0,
                        progress=lambda done, total: steps.append((done, total)))
    assert steps == [(2, 4), (3, 4), (3, 4), (4, 4)]
