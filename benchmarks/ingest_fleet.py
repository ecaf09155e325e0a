"""`benchmarks/ingest.py --processes N`: N bot processes on one PostgreSQL database.

Each bot process is what `positie run` starts for Slack (the full adapter: verify, record,
commit, ack, then the private reply and the live tally), on its own port. The load generator
spreads signed clicks round-robin over the processes, as a load balancer would. Rounds with one
process (the other processes idle) and with all N interleave in the same run, so machine noise
hits both alike; the ratio of their median rates is the figure.

Nothing is pinned here: with more busy processes than cores, pinning would only decide who
waits. Each bot process also reports the CPU time it spent per round, so the run shows
whether the processes slow each other down through the database (more CPU or more waiting per
position) or only through sharing the machine's cores.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import statistics
import time
from multiprocessing.connection import Connection
from typing import Any

from ingest import CHANNEL, ROOT, SECRET, TOKEN, load_process

Round = tuple[float, list[float], int]


def bench_settings(database_url: str, base_url: str) -> dict[str, Any]:
    return {
        "campaign": {"id": "bench", "name": "Bench", "privacy_threshold": 3,
                     "statements_file": str(ROOT / "statements.example.toml"),
                     "layers": [{"key": "gemeente", "label_nl": "Gemeente",
                                 "label_en": "Municipality"}]},
        "database": {"url": database_url},
        "slack": {"enabled": True, "bot_token": TOKEN, "signing_secret": SECRET,
                  "api_base_url": base_url, "live_tally": True,
                  "tally_interval_seconds": 2.0,
                  "channels": [{"id": CHANNEL, "default_layer": "gemeente"}]},
    }


# -- one bot process -----------------------------------------------------------------------------
def bot_process(conn: Connection, mapping: dict[str, Any]) -> None:
    asyncio.run(_bot_main(conn, mapping))


async def _bot_main(conn: Connection, mapping: dict[str, Any]) -> None:
    from adapters.slack import SlackAdapter
    from adapters.slack.settings import SlackSettings
    from positie.settings import from_mapping
    from positie.wiring import build_runtime, freeze_startup_heap

    settings = from_mapping(mapping, base_dir=ROOT)
    runtime = await build_runtime(settings, with_adapters=False)
    adapter = SlackAdapter(service=runtime.service, settings=SlackSettings.of(settings))
    runtime.service.gateways["slack"] = adapter.gateway
    port = await adapter.start(host="127.0.0.1", port=0)
    freeze_startup_heap()
    conn.send(port)
    while (order := await asyncio.to_thread(conn.recv)) is not None:
        if order == "drain":
            await adapter.drain()
        conn.send(time.process_time())  # answers every order: the CPU seconds so far
    await adapter.stop()
    await runtime.close()


# -- the run ---------------------------------------------------------------------------------------
async def fleet_main(args: argparse.Namespace) -> None:
    from sqlalchemy import func, select

    from adapters.slack import SlackAdapter
    from adapters.slack.settings import SlackSettings
    from bot.store.models import Position
    from positie.settings import from_mapping
    from positie.wiring import build_runtime

    if not (args.database_url or "").startswith("postgresql"):
        raise SystemExit("--processes needs --database-url postgresql+asyncpg://…/an_empty_db: "
                         "several processes share one PostgreSQL database")
    ctx = mp.get_context("spawn")
    load_end, load_child = ctx.Pipe()
    loader = ctx.Process(target=load_process,
                         args=(load_child, args.clicks, args.concurrency, False))
    loader.start()
    base_url = await asyncio.to_thread(load_end.recv)
    mapping = bench_settings(args.database_url, base_url)

    # The statements are opened once, by a process that then steps aside.
    opener = await build_runtime(from_mapping(mapping, base_dir=ROOT), with_adapters=False)
    posting = SlackAdapter(service=opener.service, settings=SlackSettings.of(opener.settings))
    opener.service.gateways["slack"] = posting.gateway
    keys = ["visie-rijk", "visie-gebied", "samen-een-loket"][: args.rounds]
    for key in keys:
        await opener.service.open(key)
    await posting.stop()

    bots: list[tuple[Any, Connection, int]] = []
    for _ in range(args.processes):
        end, child = ctx.Pipe()
        process = ctx.Process(target=bot_process, args=(child, mapping))
        process.start()
        bots.append((process, end, await asyncio.to_thread(end.recv)))

    async def ask(order: str, count: int) -> list[float]:
        for _, end, _ in bots[:count]:
            end.send(order)
        return [await asyncio.to_thread(end.recv) for _, end, _ in bots[:count]]

    results: dict[int, list[Round]] = {1: [], args.processes: []}
    cpu: dict[int, list[float]] = {1: [], args.processes: []}
    for round_no, key in enumerate(keys):
        for count in (1, args.processes):
            urls = [f"http://127.0.0.1:{port}/slack/events" for _, _, port in bots[:count]]
            before = await ask("cpu", count)
            load_end.send((urls, key, f"p{count}r{round_no}"))
            results[count].append(await asyncio.to_thread(load_end.recv))
            after = await ask("drain", count)  # the replies and tally edits belong to the round
            cpu[count].append(sum(after) - sum(before))
    load_end.send(None)
    loader.join()
    for process, end, _ in bots:
        end.send(None)
        process.join()
    async with opener.db.sessions() as session:
        stored = int(await session.scalar(select(func.count()).select_from(Position)) or 0)
    await opener.close()
    report(results, cpu, stored, args)


def report(results: dict[int, list[Round]], cpu: dict[int, list[float]], stored: int,
           args: argparse.Namespace) -> None:
    many = args.processes

    def rate(count: int) -> float:
        return statistics.median(args.clicks / elapsed for elapsed, _, _ in results[count])

    def p99(count: int) -> float:
        latencies = sorted(x for _, lat, _ in results[count] for x in lat)
        return latencies[min(len(latencies) - 1, int(.99 * len(latencies)))] * 1000

    def cpu_ms(count: int) -> float:
        return statistics.median(cpu[count]) / args.clicks * 1000

    failures = sum(f for rounds in results.values() for _, _, f in rounds)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"ingest benchmark, {many} processes: {args.clicks} signed clicks x {args.rounds} "
          f"rounds per setting, concurrency {args.concurrency}, PostgreSQL; "
          f"{os.cpu_count()} CPUs, load average {load:.1f}")
    print(f"{'bot processes':<16}{'median rate/s':>14}{'p99 ms':>9}{'bot CPU ms/position':>21}")
    for count in (1, many):
        print(f"{count:<16}{rate(count):>14.0f}{p99(count):>9.1f}{cpu_ms(count):>21.2f}")
    print(f"ratio {many} processes / 1: {rate(many) / rate(1):.2f} "
          f"(bot CPU per position {cpu_ms(many) / cpu_ms(1):.2f}x)")
    expected = args.clicks * args.rounds * 2
    print(f"positions stored: {stored} of {expected} clicks; lost: {expected - stored}; "
          f"non-200 answers: {failures}")
    print(f"target: ratio >= 1.6 with {many} processes, 0 lost")
