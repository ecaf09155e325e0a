"""Ingest benchmark: positions per second through the whole Slack path.

Signed block_actions over HTTP → bolt AsyncApp → record_position → commit (SQLite), at a
fixed concurrency, against a bare AsyncApp that only acks, measured side by side in one run.
The load generator and the Slack emulator run in a second process so the bot has its own core
(on 2 cores: bot | emulator + load), as in production where Slack is elsewhere. Each process
is pinned to its core: unpinned, the scheduler moving three busy threads between two cores
made the same run vary by ±15%.

    .venv/bin/python benchmarks/ingest.py [--clicks 6000] [--concurrency 20] [--rounds 3]
        [--database-url postgresql+asyncpg://...]   (an empty database; default: SQLite)
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import re
import statistics
import sys
import tempfile
import time
from contextlib import AsyncExitStack
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from adapters.slack.settings import SlackSettings

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECRET = "bench-signing-secret"
FORM = "application/x-www-form-urlencoded"
TOKEN = "xoxb-positie-emulator"
CHANNEL = "C0BENCH001"


# -- the load generator process: emulator + signed users ---------------------------------------
def pin_to_core(core: int) -> None:
    """Keep this process on one core, where the OS allows it and has two."""
    if hasattr(os, "sched_setaffinity") and len(os.sched_getaffinity(0)) >= 2:
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[core]})


def load_process(conn: Connection, clicks: int, concurrency: int, pin: bool = True) -> None:
    if pin:
        pin_to_core(1)
    asyncio.run(_load_main(conn, clicks, concurrency))


async def _load_main(conn: Connection, clicks: int, concurrency: int) -> None:
    from emulators.slack import SlackEmulator

    async with SlackEmulator(bot_token=TOKEN, rate_limits=False) as emulator:
        emulator.add_channel(CHANNEL, "bench")
        conn.send(emulator.base_url)
        while True:
            order = await asyncio.to_thread(conn.recv)
            if order is None:
                return
            conn.send(await _round(emulator, *order, clicks=clicks, concurrency=concurrency))


async def _round(emulator: Any, bot_urls: list[str], statement_key: str, tag: str, *,
                 clicks: int, concurrency: int) -> tuple[float, list[float], int]:
    """Click `clicks` times on the statement's post, spread round-robin over `bot_urls` (as a
    load balancer in front of several bot processes would)."""
    from emulators.slack import SlackUserClient

    message = next(m for m in emulator.messages(CHANNEL)
                   if any(b.get("block_id") == f"positie.vote:{statement_key}"
                          for b in m.blocks))
    options = ["eens", "oneens", "neutraal", "helemaal_eens"]
    async with AsyncExitStack() as stack:
        clients = [await stack.enter_async_context(SlackUserClient(
            bot_url=url, signing_secret=SECRET, emulator=emulator,
            connection_limit=concurrency)) for url in bot_urls]
        # Bodies are built before the clock starts: the generator should not be the limit.
        # Slack-shaped user ids (U + upper-case letters and digits): the endpoint checks them.
        prefix = "U" + re.sub("[^A-Z0-9]", "", tag.upper())
        bodies = [(clients[n % len(clients)],
                   clients[0].click_body(f"{prefix}X{n}", CHANNEL, message.ts,
                                         f"positie.vote.{options[n % len(options)]}"))
                  for n in range(clicks)]
        pending = iter(bodies)
        latencies: list[float] = []
        failures = 0

        async def worker() -> None:
            nonlocal failures
            for users, body in pending:
                started = time.perf_counter()
                response = await users.send_signed(body, content_type=FORM)
                latencies.append(time.perf_counter() - started)
                failures += response.status != 200

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - started, latencies, failures


# -- the bot process (this one) -----------------------------------------------------------------
async def serve_app(app: Any, port_holder: list[int], *, positie_endpoint: bool) -> Any:
    """Serve `app` behind positie's SlackEndpoint or bolt's own aiohttp adapter."""
    from aiohttp import web
    from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request

    from adapters.slack.app import ACTION_PREFIXES
    from adapters.slack.endpoint import SlackEndpoint

    async def events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

    web_app = web.Application()
    endpoint = SlackEndpoint(app, signing_secret=SECRET, action_prefixes=ACTION_PREFIXES)
    web_app.router.add_post("/slack/events", endpoint.handle if positie_endpoint else events)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port_holder.append(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
    return runner


def core_app(service: Any, base_url: str) -> Any:
    """The path as specified — signed request → bolt → record_position → commit → ack —
    from the real parts (positie's endpoint, inbound translation and service), without the
    adapter's after-ack work (ephemeral reply, tally edits)."""
    from slack_bolt.async_app import AsyncApp

    from adapters.slack.client import build_client
    from adapters.slack.inbound import vote_of

    app = AsyncApp(signing_secret=SECRET, process_before_response=True,
                   request_verification_enabled=False,  # SlackEndpoint verifies
                   client=build_client(token=TOKEN, base_url=base_url, retries=3))

    @app.action(re.compile(r"^positie\.vote\."))
    async def record(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        vote = vote_of(body, action)
        assert vote is not None
        await service.record(vote)
        await ack()

    return app


def bare_app(base_url: str, *, verify: bool = True) -> Any:
    """The baseline: bolt verifying and acking, nothing else."""
    from slack_bolt.async_app import AsyncApp

    from adapters.slack.client import build_client

    # The same client set-up as positie's, so both apps do the same auth.test once.
    app = AsyncApp(signing_secret=SECRET, process_before_response=True,
                   request_verification_enabled=verify,
                   client=build_client(token=TOKEN, base_url=base_url, retries=3))

    @app.action(re.compile(".*"))
    async def only_ack(ack: Any) -> None:
        await ack()

    return app


async def bot_main(args: argparse.Namespace) -> None:
    from sqlalchemy import func, select

    from adapters.slack import SlackAdapter
    from bot.service import CampaignService
    from bot.store.models import Position
    from positie.settings import from_mapping
    from positie.wiring import build_runtime, freeze_startup_heap

    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    loader = ctx.Process(target=load_process, args=(child, args.clicks, args.concurrency))
    loader.start()
    pin_to_core(0)  # after the start: the loader inherits the affinity it begins with
    base_url = await asyncio.to_thread(parent.recv)
    results: dict[str, list[tuple[float, list[float], int]]] = {
        name: [] for name in ("bare", "bare_endpoint", "core", "full")}
    with tempfile.TemporaryDirectory() as tmp:
        settings = from_mapping({
            "campaign": {"id": "bench", "name": "Bench", "privacy_threshold": 3,
                         "statements_file": str(ROOT / "statements.example.toml"),
                         "layers": [{"key": "gemeente", "label_nl": "Gemeente",
                                     "label_en": "Municipality"}]},
            "database": {"url": args.database_url or f"sqlite+aiosqlite:///{tmp}/bench.db"},
            "slack": {"enabled": True, "bot_token": TOKEN, "signing_secret": SECRET,
                      "api_base_url": base_url, "live_tally": True,
                      "tally_interval_seconds": 2.0,
                      "channels": [{"id": CHANNEL, "default_layer": "gemeente"}]},
        }, base_dir=ROOT)
        runtime = await build_runtime(settings, with_adapters=False)
        service: CampaignService = runtime.service
        adapter = SlackAdapter(service=service, settings=SlackSettings.of(settings))
        service.gateways["slack"] = adapter.gateway
        full_port = await adapter.start(host="127.0.0.1", port=0)
        bare_ports: list[int] = []
        bare = await serve_app(bare_app(base_url), bare_ports, positie_endpoint=False)
        bare_endpoint_ports: list[int] = []
        bare_endpoint = await serve_app(bare_app(base_url, verify=False), bare_endpoint_ports,
                                        positie_endpoint=True)
        core_ports: list[int] = []
        core = await serve_app(core_app(service, base_url), core_ports, positie_endpoint=True)
        keys = ["visie-rijk", "visie-gebied", "samen-een-loket", "samen-voorlopers",
                "regels-experiment", "regels-afval"][: args.rounds]
        for key in keys:
            await service.open(key)
        freeze_startup_heap()  # as `positie run` does once it is up
        for round_no, key in enumerate(keys):
            # Interleave the apps so machine noise hits all alike.
            for name, port in (("bare", bare_ports[0]), ("bare_endpoint", bare_endpoint_ports[0]),
                               ("core", core_ports[0]), ("full", full_port)):
                parent.send(([f"http://127.0.0.1:{port}/slack/events"], key, f"{name}{round_no}"))
                results[name].append(await asyncio.to_thread(parent.recv))
            await adapter.drain()
        parent.send(None)
        loader.join()
        async with runtime.db.sessions() as session:
            stored = await session.scalar(select(func.count()).select_from(Position))
        for runner in (bare, bare_endpoint, core):
            await runner.cleanup()
        await adapter.stop()
        await runtime.close()
    report(results, int(stored or 0), args)


def report(results: dict[str, list[tuple[float, list[float], int]]], stored: int,
           args: argparse.Namespace) -> None:
    def rate(name: str) -> float:
        return statistics.median(args.clicks / elapsed for elapsed, _, _ in results[name])

    def pct(name: str, q: float) -> float:
        latencies = sorted(x for _, lat, _ in results[name] for x in lat)
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000

    full, bare, core = rate("full"), rate("bare"), rate("core")
    failures = sum(f for name in results for _, _, f in results[name])
    print(f"ingest benchmark: {args.clicks} signed clicks x {args.rounds} rounds, "
          f"concurrency {args.concurrency}, "
          f"{'PostgreSQL' if args.database_url else 'SQLite (WAL)'}")
    print(f"{'path':<38}{'median rate/s':>14}{'p50 ms':>9}{'p99 ms':>9}")
    print(f"{'bare AsyncApp (ack only)':<38}{bare:>14.0f}{pct('bare', .5):>9.1f}"
          f"{pct('bare', .99):>9.1f}")
    print(f"{'  the same behind positie endpoint':<38}{rate('bare_endpoint'):>14.0f}"
          f"{pct('bare_endpoint', .5):>9.1f}{pct('bare_endpoint', .99):>9.1f}")
    print(f"{'positie path: verify, record, commit':<38}{core:>14.0f}{pct('core', .5):>9.1f}"
          f"{pct('core', .99):>9.1f}")
    print(f"{'  + ephemeral reply and live tally':<38}{full:>14.0f}{pct('full', .5):>9.1f}"
          f"{pct('full', .99):>9.1f}")
    print(f"ratio positie path / bare: {core / bare:.2f}; with replies and tally: "
          f"{full / bare:.2f}")
    print(f"positions stored: {stored} of {args.clicks * args.rounds * 2} recording clicks; "
          f"non-200 answers: {failures}")
    print("targets (positie path): >= 1000 positions/s, ratio >= 0.5, p99 <= 100 ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=5000, help="clicks per round")
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3, help="rounds (1..6), median taken")
    parser.add_argument("--database-url", default=None,
                        help="an empty PostgreSQL database instead of a temporary SQLite file")
    parser.add_argument("--processes", type=int, default=1,
                        help="N > 1: N bot processes on one PostgreSQL database behind a "
                             "round-robin balancer, against one process, in the same run")
    args = parser.parse_args()
    if args.processes > 1:
        from ingest_fleet import fleet_main

        asyncio.run(fleet_main(args))
    else:
        asyncio.run(bot_main(args))


if __name__ == "__main__":
    main()
