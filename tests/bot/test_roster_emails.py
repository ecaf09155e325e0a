"""Roster rows by e-mail address: looked up on Slack (the real slack_sdk client against the
emulator over HTTP), once, and remembered only as a keyed hash."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from adapters.slack.client import build_client
from adapters.slack.directory import SlackDirectory
from bot.domain import Identity
from bot.people.erasure import forget
from bot.people.roster_emails import email_hash, resolve_emails
from bot.people.roster_file import EmailRow
from bot.settings.errors import ConfigError
from bot.store.db import Database
from bot.store.models import RosterEmailKey, RosterEmailLookup
from emulators.slack import SlackEmulator
from tests.factories import T0

CAMPAIGN = "test"


@pytest.fixture
async def emulator() -> AsyncIterator[SlackEmulator]:
    async with SlackEmulator(rate_limits=False) as slack:
        slack.add_user("U0ANNE", "anne", email="Anne@MinBZK.nl")
        slack.add_user("U0GONE", "gone", email="gone@minbzk.nl")
        slack.deactivate_user("U0GONE")
        yield slack


@pytest.fixture
async def directory(emulator: SlackEmulator) -> AsyncIterator[SlackDirectory]:
    client = build_client(token=emulator.bot_token, base_url=emulator.base_url, retries=0)
    yield SlackDirectory(client=client)


@pytest.fixture
async def campaign_db(service: object, db: Database) -> Database:
    return db  # `service` synced the campaign row the lookups belong to


def row(email: str, line: int, workspace: str = "") -> EmailRow:
    return EmailRow("slack", workspace, email, "rijk", line)


async def test_found_once_then_remembered_without_asking_again(
        campaign_db: Database, emulator: SlackEmulator, directory: SlackDirectory) -> None:
    rows = [row("anne@minbzk.nl", 2), row("nobody@minbzk.nl", 3), row("gone@minbzk.nl", 4),
            row("anne@minbzk.nl", 5, workspace="T9OTHER")]
    first = await resolve_emails(campaign_db, CAMPAIGN, rows[:3] + rows[3:],
                                 {"slack": directory}, now=T0)
    assert [(e.who, e.line) for e in first.entries] == [
        (Identity("slack", "T0POSITIE", "U0ANNE"), 2)]
    assert first.problems == [
        (3, "slack has no active user with the address nobody@minbzk.nl; check it, or give "
            "the user id instead"),
        (4, "slack has no active user with the address gone@minbzk.nl; check it, or give "
            "the user id instead"),
        (5, "anne@minbzk.nl belongs to workspace T0POSITIE, not T9OTHER; fix the workspace "
            "or leave it empty")]
    assert [c.body["email"] for c in emulator.calls_to("users.lookupByEmail")] == [
        "anne@minbzk.nl", "nobody@minbzk.nl", "gone@minbzk.nl"]
    emulator.clear_calls()
    again = await resolve_emails(campaign_db, CAMPAIGN, rows[:1], {"slack": directory}, now=T0)
    assert [e.who.user_id for e in again.entries] == ["U0ANNE"]
    assert (again.remembered, again.asked) == (1, 0)
    assert emulator.calls_to("users.lookupByEmail") == []


async def test_addresses_are_stored_only_as_a_keyed_hash(
        campaign_db: Database, directory: SlackDirectory) -> None:
    await resolve_emails(campaign_db, CAMPAIGN, [row("anne@minbzk.nl", 2)],
                         {"slack": directory}, now=T0)
    async with campaign_db.sessions() as session:
        secret = await session.scalar(select(RosterEmailKey.secret))
        stored = (await session.execute(select(RosterEmailLookup))).scalars().all()
    assert secret is not None and len(secret) == 64
    assert [(s.email_hash, s.workspace, s.user_id) for s in stored] == [
        (email_hash(secret, "anne@minbzk.nl"), "T0POSITIE", "U0ANNE")]
    assert all("minbzk" not in str(value) for s in stored for value in vars(s).values())
    await forget(campaign_db, Identity("slack", "T0POSITIE", "U0ANNE"))
    async with campaign_db.sessions() as session:
        assert (await session.execute(select(RosterEmailLookup))).first() is None


async def test_a_missing_scope_names_the_fix(campaign_db: Database, emulator: SlackEmulator,
                                             directory: SlackDirectory) -> None:
    emulator.remove_scope("users:read.email")
    with pytest.raises(ConfigError, match=r"missing_scope, needs users:read.email\); add the "
                                          r"bot token scope users:read.email at "
                                          r"api.slack.com/apps"):
        await resolve_emails(campaign_db, CAMPAIGN, [row("anne@minbzk.nl", 2)],
                             {"slack": directory}, now=T0)


async def test_slack_failing_midway_keeps_what_was_found(
        campaign_db: Database, emulator: SlackEmulator, directory: SlackDirectory) -> None:
    emulator.add_user("U0BERT", "bert", email="bert@minbzk.nl")
    rows = [row("anne@minbzk.nl", 2), row("bert@minbzk.nl", 3)]
    await resolve_emails(campaign_db, CAMPAIGN, rows[:1], {"slack": directory}, now=T0)
    emulator.fail_next("users.lookupByEmail", error="fatal_error")
    with pytest.raises(ConfigError, match=r"did not answer the e-mail lookups \(Slack: "
                                          r"fatal_error\); 0 of 1 asked.*run the same command"):
        await resolve_emails(campaign_db, CAMPAIGN, rows, {"slack": directory}, now=T0)
    emulator.clear_calls()
    done = await resolve_emails(campaign_db, CAMPAIGN, rows, {"slack": directory}, now=T0)
    assert [e.who.user_id for e in done.entries] == ["U0ANNE", "U0BERT"]
    assert len(emulator.calls_to("users.lookupByEmail")) == 1
