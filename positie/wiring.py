"""Build the store, the service and the adapters from settings, and run them in one loop."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from collections.abc import Awaitable
from dataclasses import dataclass, field

from adapters.registry import PLATFORMS
from bot.clock import SystemClock
from bot.ports import Clock, PlatformAdapter
from bot.publishing.sync import import_catalogue, sync_settings
from bot.service import CampaignService
from bot.settings.catalogue import load_catalogue
from bot.settings.config import Settings
from bot.store.db import Database
from bot.store.migrate import upgrade
from scheduling import CampaignScheduler

log = logging.getLogger("positie")


@dataclass
class Runtime:
    settings: Settings
    db: Database
    service: CampaignService
    # The enabled platforms' adapters by platform name, in registration order.
    adapters: dict[str, PlatformAdapter] = field(default_factory=dict)
    scheduler: CampaignScheduler | None = None

    def add_adapter(self, name: str, adapter: PlatformAdapter) -> None:
        self.adapters[name] = adapter
        self.service.gateways[name] = adapter.gateway

    async def close(self) -> None:
        if self.scheduler is not None:  # first: no job may start on a closing runtime
            await self.scheduler.stop()
        for adapter in reversed(list(self.adapters.values())):
            await adapter.stop()
        await self.service.aclose()
        await self.db.dispose()


async def prepare_database(db: Database, settings: Settings, clock: Clock) -> None:
    """Migrate, then bring campaign, scale, channels and statements in line with config."""
    await upgrade(db)
    await sync_settings(db, settings)
    path = settings.statements_path()
    if path is not None:
        await import_catalogue(db, settings.campaign.id, load_catalogue(path), now=clock.now())


async def build_runtime(settings: Settings, *, clock: Clock | None = None,
                        with_adapters: bool = True) -> Runtime:
    clock = clock or SystemClock()
    db = Database(url=settings.database.url)
    await prepare_database(db, settings, clock)
    service = CampaignService(db=db, settings=settings, clock=clock)
    runtime = Runtime(settings=settings, db=db, service=service)
    for platform in PLATFORMS if with_adapters else ():
        section = settings.platform(platform.name)
        if section.enabled:
            runtime.add_adapter(platform.name, platform.build(service, section))
    return runtime


async def run_until_stopped(settings: Settings) -> None:
    """`positie run`: serve until SIGINT/SIGTERM, then stop in reverse order."""
    runtime = await build_runtime(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        for adapter in runtime.adapters.values():
            # each says where it listens or how it polls; a platform that is down at
            # start-up is retried inside start(), and SIGTERM still stops us meanwhile
            if not await unless_stopped(adapter.start(), stop):
                return
        for key in await runtime.service.open_statement_keys():
            await runtime.service.open(key)  # delivers posts still pending from earlier
        if not runtime.service.gateways:
            log.warning("no platform is enabled: set enabled = true in one of the sections "
                        "%s", ", ".join(f"[{p.name}]" for p in PLATFORMS))
        runtime.scheduler = scheduler_for(runtime)
        if runtime.scheduler is not None:
            await runtime.scheduler.start()  # catches up missed runs before arming triggers
        freeze_startup_heap()
        await stop.wait()
        log.info("stopping")
    finally:
        await runtime.close()


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
    task.result()  # a start-up error is raised here
    return True


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
