"""The monitoring listener: /healthz, /readyz and /metrics, whatever platforms are enabled.

/healthz says the process serves HTTP (a container's HEALTHCHECK, a liveness probe).
/readyz says it can do its work: start-up is over, the database answers, its migrations are
at head, and every enabled platform is connected (a readiness probe, a load balancer's
check). Its body names each check; reasons are exception class names, never a URL, token or
message text.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from aiohttp import web
from sqlalchemy import text

from bot.settings.operations import MonitoringSettings
from bot.store.db import Database
from bot.store.migrate import current_revisions, head_revisions
from positie.metrics import CONTENT_TYPE_LATEST, PrometheusMetrics

log = logging.getLogger(__name__)
OK = "ok"


@dataclass
class Readiness:
    db: Database
    # Enabled platforms: name → is it connected now (Slack serving, Telegram polling...).
    platforms: Mapping[str, Callable[[], bool]] = field(default_factory=dict)
    timeout_seconds: float = 2.0
    # Set once `positie run` has started everything (pending posts sent, schedule caught up).
    started: bool = False
    _heads: set[str] | None = None

    async def checks(self) -> dict[str, str]:
        results = {"start_up": OK if self.started else "in progress",
                   "database": OK, "migrations": OK}
        try:
            current = await asyncio.wait_for(self._database(), self.timeout_seconds)
        except TimeoutError:
            results["database"] = results["migrations"] = \
                f"no answer within {self.timeout_seconds:g} s"
        except Exception as exc:  # any driver error: unreachable, refused, database gone
            results["database"] = results["migrations"] = f"unreachable ({type(exc).__name__})"
        else:
            if self._heads is None:
                self._heads = head_revisions()
            if current != self._heads:
                results["migrations"] = (f"at {sorted(current) or 'none'}, head is "
                                         f"{sorted(self._heads)}; run positie db upgrade")
        for name, connected in self.platforms.items():
            results[name] = OK if connected() else "not connected"
        return results

    async def _database(self) -> set[str]:
        async with self.db.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        return await current_revisions(self.db)


class MonitoringServer:
    def __init__(self, *, readiness: Readiness, metrics: PrometheusMetrics) -> None:
        self.readiness = readiness
        self.metrics = metrics
        self._runner: web.AppRunner | None = None

    def web_app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/healthz", self.healthz)
        app.router.add_get("/readyz", self.readyz)
        app.router.add_get("/metrics", self.metrics_page)
        return app

    async def healthz(self, _request: web.Request) -> web.Response:
        return web.json_response({"status": "alive"})

    async def readyz(self, _request: web.Request) -> web.Response:
        checks = await self.readiness.checks()
        ready = all(result == OK for result in checks.values())
        return web.json_response({"status": "ready" if ready else "unready", "checks": checks},
                                 status=200 if ready else 503)

    async def metrics_page(self, _request: web.Request) -> web.Response:
        response = web.Response(body=self.metrics.exposition())
        response.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return response

    async def start(self, *, host: str, port: int) -> int:
        """Serve on host:port (0 picks a free port); returns the port."""
        self._runner = web.AppRunner(self.web_app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        sockets = getattr(site._server, "sockets", None) or []
        bound = int(sockets[0].getsockname()[1]) if sockets else port
        log.info("monitoring listening on %s:%s (/healthz, /readyz, /metrics)", host, bound)
        return bound

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


async def start_monitoring(*, settings: MonitoringSettings, db: Database,
                           metrics: PrometheusMetrics,
                           platforms: Mapping[str, Callable[[], bool]]) -> MonitoringServer | None:
    if not settings.enabled:
        return None
    server = MonitoringServer(metrics=metrics, readiness=Readiness(
        db=db, platforms=platforms, timeout_seconds=settings.database_timeout_seconds))
    await server.start(host=settings.host, port=settings.port)
    return server
