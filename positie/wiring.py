"""Build the store, the service and the adapters from settings, and run them in one loop."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from dataclasses import dataclass, field

from adapters.slack import SlackAdapter
from adapters.telegram import TelegramAdapter
from bot.clock import SystemClock
from bot.ports import Clock
from bot.publishing.sync import import_catalogue, sync_settings
from bot.service import CampaignService
from bot.settings.catalogue import load_catalogue
from bot.settings.config import Settings
from bot.store.db import Database
from bot.store.locks import START_UP, exclusively
from bot.store.migrate import upgrade
from positie.health import MonitoringServer, start_monitoring
from positie.metrics import MeteredGateway, PrometheusMetrics
from positie.telegram_polling import PollingLeadership
from scheduling import CampaignScheduler

log = logging.getLogger("positie")


@dataclass
class Runtime:
    settings: Settings
    db: Database
    service: CampaignService
    slack: SlackAdapter | None = None
    telegram: TelegramAdapter | None = None
    scheduler: CampaignScheduler | None = None
    started: list[str] = field(default_factory=list)
    metrics: PrometheusMetrics = field(default_factory=PrometheusMetrics)
    monitoring: MonitoringServer | None = None
    polling: PollingLeadership | None = None

    async def close(self) -> None:
        if self.scheduler is not None:  # first: no job may start on a closing runtime
            await self.scheduler.stop()
        if self.polling is not None:  # hand polling over before the process goes
            await self.polling.stop()
        if self.telegram is not None:
            await self.telegram.stop()
        if self.slack is not None:
            await self.slack.stop()
        await self.service.aclose()
        if self.monitoring is not None:
            await self.monitoring.stop()
        await self.db.dispose()


async def prepare_database(db: Database, settings: Settings, clock: Clock) -> None:
    """Migrate, then bring campaign, scale, channels and statements in line with config;
    one process at a time when several start together on one PostgreSQL database."""
    async with exclusively(db, START_UP):
        await upgrade(db)
        await sync_settings(db, settings)
        path = settings.statements_path()
        if path is not None:
            await import_catalogue(db, settings.campaign.id, load_catalogue(path),
                                   now=clock.now())


async def build_runtime(settings: Settings, *, clock: Clock | None = None,
                        with_adapters: bool = True) -> Runtime:
    clock = clock or SystemClock()
    db = Database(url=settings.database.url)
    await prepare_database(db, settings, clock)
    service = CampaignService(db=db, settings=settings, clock=clock)
    runtime = Runtime(settings=settings, db=db, service=service)
    service.metrics = runtime.metrics
    if with_adapters and settings.slack.enabled:
        runtime.slack = SlackAdapter(service=service, settings=settings.slack)
        service.gateways["slack"] = MeteredGateway(runtime.slack.gateway, runtime.metrics)
    if with_adapters and settings.telegram.enabled:
        runtime.telegram = TelegramAdapter(service=service, settings=settings.telegram)
        service.gateways["telegram"] = MeteredGateway(runtime.telegram.gateway, runtime.metrics)
    return runtime


async def run_until_stopped(settings: Settings) -> None:
    """`positie run`: serve until SIGINT/SIGTERM, then stop in reverse order."""
    runtime = await build_runtime(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        runtime.monitoring = await start_monitoring(
            settings=settings.monitoring, db=runtime.db, metrics=runtime.metrics,
            platforms={name: (lambda a=adapter: a.connected) for name, adapter in
                       (("slack", runtime.slack), ("telegram", runtime.telegram)) if adapter})
        if runtime.slack is not None:
            port = await runtime.slack.start()
            if settings.slack.mode == "http":
                log.info("Slack endpoint listening on %s:%s/slack/events", settings.slack.host,
                         port)
        if runtime.telegram is not None:
            runtime.polling = await start_telegram(runtime)  # polling or webhook
        for key in await runtime.service.open_statement_keys():
            await runtime.service.open(key)  # delivers posts still pending from earlier
        if not runtime.service.gateways:
            log.warning("no platform is enabled: set slack.enabled or telegram.enabled")
        runtime.scheduler = scheduler_for(runtime)
        if runtime.scheduler is not None:
            await runtime.scheduler.start()  # catches up missed runs before arming triggers
        freeze_startup_heap()
        if runtime.monitoring is not None:
            runtime.monitoring.readiness.started = True
        await stop.wait()
        log.info("stopping")
    finally:
        await runtime.close()


async def start_telegram(runtime: Runtime) -> PollingLeadership | None:
    """Webhook, or polling by this process alone (SQLite: one process); on PostgreSQL, where
    several processes may run, polling by whichever holds the polling lock."""
    telegram = runtime.telegram
    assert telegram is not None
    if telegram.settings.delivery == "webhook" or runtime.db.engine.dialect.name != "postgresql":
        await telegram.start()
        runtime.metrics.telegram_polling.set(int(telegram.settings.delivery == "polling"))
        return None
    await telegram.start(poll=False)
    leadership = PollingLeadership(db=runtime.db, start_polling=telegram.start_polling,
                                   stop_polling=telegram.stop_polling,
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
