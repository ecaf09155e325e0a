from __future__ import annotations

import logging
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from bot.clock import FixedClock
from bot.publishing.catalogue_import import import_catalogue
from bot.publishing.sync import sync_settings
from bot.service import CampaignService
from bot.settings.catalogue import load_catalogue
from bot.store.db import Database
from tests import databases
from tests.factories import T0, apply_settings, settings
from tests.slack_world import SlackWorld, slack_section, slack_world
from tests.telegram_world import TelegramWorld, telegram_section, telegram_world

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_STATEMENTS = ROOT / "statements.example.toml"

# python-telegram-bot 22 warns while building a RetryAfter unless durations are timedeltas,
# and warnings are errors here: opt in for the whole session (adapters/telegram does the same
# for production).
os.environ.setdefault("PTB_TIMEDELTA", "true")



@pytest.fixture(autouse=True)
def _logging_as_found() -> Iterator[None]:
    """A CLI command run in-process configures the root logger (as `positie` does once per
    process); take that back after each test so the next one starts as a fresh process."""
    root = logging.getLogger()
    level, before = root.level, set(root.handlers)
    yield
    # positie.logs adds a plain StreamHandler on the stream of that moment, which the CLI
    # test runner closes after the command (pytest's own handlers are subclasses).
    for handler in [h for h in root.handlers
                    if type(h) is logging.StreamHandler and h not in before]:
        root.removeHandler(handler)
    root.setLevel(level)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def postgres_url() -> AsyncIterator[str | None]:
    if not await databases.postgres_reachable():
        if os.environ.get("CI"):
            raise RuntimeError("PostgreSQL is not reachable but CI must test on it: start it "
                               "or set POSITIE_TEST_POSTGRES_DSN")
        yield None
        return
    url = await databases.create_postgres_database()
    db = await databases.migrated(url)
    await db.dispose()
    yield url
    await databases.drop_postgres_database(url)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrated once per run; each test gets a copy (the migrations are tested by this)."""
    path = tmp_path_factory.mktemp("template") / "positie.db"
    db = await databases.migrated(f"sqlite+aiosqlite:///{path}")
    await db.dispose()
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
async def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path,
                 postgres_url: str | None) -> AsyncIterator[str]:
    if request.param == "sqlite":
        target = tmp_path / "positie.db"
        shutil.copyfile(sqlite_template, target)
        yield f"sqlite+aiosqlite:///{target}"
        return
    if postgres_url is None:
        pytest.skip("PostgreSQL not reachable (set POSITIE_TEST_POSTGRES_DSN)")
    db = Database(url=postgres_url)
    await databases.truncate_all(db)
    await db.dispose()
    yield postgres_url


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    database = Database(url=db_url)
    yield database
    await database.dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
async def service(db: Database, db_url: str,
                  clock: FixedClock) -> AsyncIterator[CampaignService]:
    """A campaign with the example statements imported (all in draft)."""
    config = settings(db_url)
    await sync_settings(db, config)
    await import_catalogue(db, config.campaign.id, load_catalogue(EXAMPLE_STATEMENTS), now=T0)
    campaign = CampaignService(db=db, settings=config, clock=clock)
    yield campaign
    await campaign.aclose()


@pytest.fixture
async def slack(service: CampaignService, db_url: str) -> AsyncIterator[SlackWorld]:
    """The campaign on the Slack emulator, with the default Slack settings."""
    config = await apply_settings(service, settings(db_url, slack=slack_section()))
    async with slack_world(service, config) as world:
        yield world


@pytest.fixture(params=["http", "socket"])
async def slack_any_mode(request: pytest.FixtureRequest, service: CampaignService,
                         db_url: str) -> AsyncIterator[SlackWorld]:
    """The same, once over HTTP and once over Socket Mode: every feature works in both."""
    config = await apply_settings(service, settings(db_url, slack=slack_section()))
    async with slack_world(service, config, socket_mode=request.param == "socket") as world:
        yield world


@pytest.fixture
async def telegram(service: CampaignService, db_url: str) -> AsyncIterator[TelegramWorld]:
    """The campaign on the Telegram emulator, with the default Telegram settings."""
    config = await apply_settings(service, settings(db_url, telegram=telegram_section()))
    async with telegram_world(service, config) as world:
        yield world
