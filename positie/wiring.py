"""Build the store, the service and the adapters from settings, and run them in one loop."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from collections.abc import Awaitable, Collection
from dataclasses import dataclass, field

from adapters.registry import PLATFORMS
from bot.clock import SystemClock
from bot.ports import Clock, PlatformAdapter
from bot.publishing.catalogue_check import catalogue_in_sync
from bot.publishing.catalogue_import import import_catalogue
from bot.publishing.sync import sync_settings
from bot.service import CampaignService
from bot.settings.catalogue import load_catalogue
from bot.settings.catalogue_limits import check_catalogue
from bot.settings.config import Settings
from bot.store.db import Database
from bot.store.locks import START_UP, exclusively
from bot.store.migrate import upgrade_if_behind
from bot.store.problems import database_errors
from positie.health import MonitoringServer, start_monitoring
from positie.metrics import MeteredGateway, PrometheusMetrics
from positie.telegram_polling import PollingLeadership
from scheduling import CampaignScheduler
from scheduling.channel_retries import retry_channels_until

log = logging.getLogger("positie")


@dataclass
class Runtime:
    settings: Settings
    db: Database
    service: CampaignService
    # The enabled platforms' adapters by platform name, in registration order.
    adapters: dict[str, PlatformAdapter] = field(default_factory=dict)
    scheduler: CampaignScheduler | None = None
    metrics: PrometheusMetrics = field(default_factory=PrometheusMetrics)
    monitoring: MonitoringServer | None = None
    polling: PollingLeadership | None = None

    def add_adapter(self, name: str, adapter: PlatformAdapter) -> None:
        self.adapters[name] = adapter
        self.service.gateways[name] = MeteredGateway(adapter.gateway, self.metrics)  # type: ignore[assignment]

    async def close(self) -> None:
        if self.scheduler is not None:  # first: no job may start on a closing runtime
            await self.scheduler.stop()
        if self.polling is not None:  # hand polling over before the process goes
            await self.polling.stop()
        for adapter in reversed(list(self.adapters.values())):
            await adapter.stop()
        await self.service.aclose()
        if self.monitoring is not None:
            await self.monitoring.stop()
        await self.db.dispose()


async def prepare_database(db: Database, settings: Settings, clock: Clock, *,
                           import_statements: bool = True) -> None:
    """Migrate, then bring campaign, scale, channels and statements in line with config
    (each step only when there is something to do); one process at a time when several
    start together on one PostgreSQL database."""
    with database_errors(db.url):  # the first connection: where a wrong URL shows
        async with exclusively(db, START_UP):
            await upgrade_if_behind(db)
            await sync_settings(db, settings)
            path = settings.statements_path()
            if path is not None and import_statements:
                catalogue = load_catalogue(path)
                check_catalogue(path, catalogue, settings.enabled_platforms())
                if not await catalogue_in_sync(db, settings.campaign.id, catalogue):
                    await import_catalogue(db, settings.campaign.id, catalogue,
                                           now=clock.now())


async def build_runtime(settings: Settings, *, clock: Clock | None = None,
                        with_adapters: bool = True, import_statements: bool = True,
                        platforms: Collection[str] | None = None,
                        check_credentials: bool = True) -> Runtime:
    """`platforms`: build only these platforms' adapters (default: every enabled one).
    `check_credentials`: ask each platform about its token now (`positie run` does it
    after its monitoring listener is up, so readiness shows a platform being waited for)."""
    clock = clock or SystemClock()
    if settings.campaign.low_threshold:
        log.warning("privacy_threshold = %d is below 3 (allow_low_threshold = true): small "
                    "groups' answers can be worked out from what positie publishes",
                    settings.campaign.privacy_threshold)
    with database_errors(settings.database.url):
        db = Database(url=settings.database.url)
    try:
        await prepare_database(db, settings, clock, import_statements=import_statements)
    except BaseException:
        await db.dispose()
        raise
    service = CampaignService(db=db, settings=settings, clock=clock)
    runtime = Runtime(settings=settings, db=db, service=service)
    service.metrics = runtime.metrics
    try:
        for platform in PLATFORMS if with_adapters else ():
            section = settings.platform(platform.name)
            if section.enabled and (platforms is None or platform.name in platforms):
                adapter = platform.build(service, section)
                runtime.add_adapter(platform.name, adapter)
                if check_credentials:  # a wrong token stops here, nothing sent
                    await adapter.check_credentials()
    except BaseException:
        await runtime.close()
        raise
    return runtime


async def run_until_stopped(settings: Settings) -> None:
    """`positie run`: serve until SIGINT/SIGTERM, then stop in reverse order."""
    runtime = await build_runtime(settings, check_credentials=False)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        runtime.monitoring = await start_monitoring(
            settings=settings.monitoring, db=runtime.db, metrics=runtime.metrics,
            platforms={name: (lambda a=adapter: a.connected)  # type: ignore[misc]
                       for name, adapter in runtime.adapters.items()})
        # A platform that answers 5xx or times out at start-up is waited for with back-off
        # (/readyz says it is not connected yet); SIGTERM still stops us meanwhile.
        for adapter in runtime.adapters.values():
            if not await unless_stopped(adapter.check_credentials(), stop):
                return
        for adapter in runtime.adapters.values():
            leadership = await start_adapter(runtime, adapter)  # each says how it listens
            runtime.polling = leadership or runtime.polling
        for key in await runtime.service.open_statement_keys():
            await runtime.service.open(key)  # delivers posts still pending from earlier
        await runtime.service.tallies.resume()  # tally edits a stopped process left behind
        if not runtime.service.gateways:
            log.warning("no platform is enabled: set enabled = true in one of the sections "
                        "%s", ", ".join(f"[{p.name}]" for p in PLATFORMS))
        runtime.scheduler = scheduler_for(runtime)
        if runtime.scheduler is not None:
            await runtime.scheduler.start()  # catches up missed runs before arming triggers
        retries = asyncio.create_task(retry_channels_until(stop, runtime.service),
                                      name="channel-retries")
        freeze_startup_heap()
        if runtime.monitoring is not None:
            runtime.monitoring.readiness.started = True
        await stop.wait()
        await retries
        log.info("stopping")
    finally:
        await runtime.close()


async def start_adapter(runtime: Runtime, adapter: PlatformAdapter) -> PollingLeadership | None:
    """Start one platform. One that long-polls for updates (Telegram) polls from this process
    alone on SQLite; on PostgreSQL, where several processes may run, polling is done by
    whichever holds the polling lock, and the others stand by."""
    polls = bool(getattr(adapter, "polls_for_updates", False))
    if not polls or runtime.db.engine.dialect.name != "postgresql":
        await adapter.start()
        if polls:
            runtime.metrics.telegram_polling.set(1)
        return None
    await adapter.start(poll=False)  # type: ignore[call-arg]
    leadership = PollingLeadership(db=runtime.db,
                                   start_polling=adapter.start_polling,  # type: ignore[attr-defined]
                                   stop_polling=adapter.stop_polling,  # type: ignore[attr-defined]
                                   on_change=runtime.metrics.telegram_polling.set)
    await leadership.start()
    return leadership


def freeze_startup_heap() -> None:
    """Take what start-up built (modules, settings, compiled SQL, clients) out of the
    collector's view, so full collections only scan what the running bot allocates.
    Unfrozen, each one paused the event loop for ~70 ms: the ingest benchmark's p99."""
    gc.collect()
    gc.freeze()


def scheduler_for(runtime: Runtime) -> CampaignScheduler | None:
    schedule = runtime.settings.schedule
    if schedule is None or not schedule.enabled:
        log.info("no [schedule] enabled: statements and digests go out only by hand")
        return None
    return CampaignScheduler(service=runtime.service, schedule=schedule,
                             clock=runtime.service.clock)


async def unless_stopped(work: Awaitable[object], stop: asyncio.Event) -> bool:
    """Run `work` unless `stop` is set first (then cancel it); True when it finished."""
    task = asyncio.ensure_future(work)
    stopper = asyncio.ensure_future(stop.wait())
    await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
    stopper.cancel()
    if not task.done():
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        log.info("stopping during start-up")
        return False
    task.result()  # a start-up error (a refused token) is raised here
    return True
