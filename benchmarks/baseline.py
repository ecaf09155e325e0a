"""Baseline benchmark: a workshop file for every statement of a 500-statement campaign of
5,000 people (SQLite), read, imported, set against the release, and what the shift adds to
the digest and the chart, printed side by side with the digest's own steps.

    .venv/bin/python benchmarks/baseline.py [--participants N --statements M --repeat R]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digest_data import CAMPAIGN, LABELS, load_sqlite, now_for, prepare, settings

from bot.insight.baseline_file import read_baseline
from bot.insight.baseline_import import import_baseline, statement_keys
from bot.insight.baseline_shift import baseline_shift
from bot.insight.chart import render_chart
from bot.insight.digest import DigestContext, build_digest
from bot.insight.release import release_campaign
from bot.store.db import Database
from bot.texts import texts_for

OPTIONS = ("helemaal_eens", "eens", "neutraal", "oneens", "helemaal_oneens", "weet_niet")


def workshop_file(path: Path, keys: list[str], seed: int) -> int:
    """Counts per statement × layer × option as a facilitator writes them: some 30 people
    per statement (a small layer now and then under k). Returns the number of lines."""
    rng = random.Random(seed)
    lines = ["stelling;laag;positie;aantal"]
    for key in keys:
        for layer in LABELS:
            people = rng.choice((2, 5, 7, 9, 11))
            for option, n in zip(OPTIONS, _spread(rng, people), strict=True):
                if n:
                    lines.append(f"{key};{layer};{option};{n}")
    path.write_text("\ufeff" + "\r\n".join(lines) + "\r\n", encoding="utf-8")
    return len(lines) - 1


def _spread(rng: random.Random, people: int) -> list[int]:
    counts = [0] * len(OPTIONS)
    for _ in range(people):
        counts[rng.choices(range(len(OPTIONS)), weights=(2, 4, 2, 3, 1, 1))[0]] += 1
    return counts


async def timed(work: Callable[[], Awaitable[Any]], repeat: int) -> tuple[float, Any]:
    result = await work()  # warm-up
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = await work()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs), result


async def _sync(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return function(*args, **kwargs)


async def run(participants: int, statements: int, repeat: int, seed: int) -> None:
    with tempfile.TemporaryDirectory(prefix="positie-bench-") as tmp:
        path = Path(tmp) / "bench.db"
        url = f"sqlite+aiosqlite:///{path}"
        ids = await prepare(url, statements)
        load_sqlite(path, ids, participants, seed)
        config = settings(url)
        campaign, scale, texts = config.campaign, config.campaign.scale_options(), texts_for("nl")
        now = now_for(statements)
        db = Database(url=url)
        try:
            keys = sorted(await statement_keys(db, CAMPAIGN))
            sheet = Path(tmp) / "workshop.csv"
            lines = workshop_file(sheet, keys, seed)
            t_read, baseline = await timed(lambda: _sync(
                read_baseline, sheet, statements=set(keys), layers=campaign.layer_keys,
                scale=scale, workshop_date=date(2026, 7, 10)), repeat)
            t_import, report = await timed(lambda: import_baseline(
                db, CAMPAIGN, baseline, now=datetime.now(UTC)), repeat)
            t_release, release = await timed(lambda: release_campaign(
                db, campaign_id=CAMPAIGN, scale=scale,
                k=campaign.privacy_threshold, now=now), repeat)
            t_shift, shift = await timed(lambda: baseline_shift(
                db, release, campaign_id=CAMPAIGN, scale=scale, layers=campaign.layer_keys),
                repeat)
            ctx = DigestContext(campaign=campaign, scale=scale, texts=texts, now=now)
            t_digest, _ = await timed(lambda: _sync(build_digest, release, ctx), repeat)
            t_digest_shift, document = await timed(
                lambda: _sync(build_digest, release, ctx, shift=shift), repeat)
            t_chart, _ = await timed(lambda: _sync(
                render_chart, release, campaign=campaign, scale=scale, texts=texts), repeat)
            t_chart_shift, _ = await timed(lambda: _sync(
                render_chart, release, campaign=campaign, scale=scale, texts=texts,
                shift=shift), repeat)
        finally:
            await db.dispose()
    assert shift is not None and len(shift.statements) == statements
    compared = sum(layer.agree_shift is not None for s in shift.statements for layer in s.layers)
    hidden = sum(layer.baseline.hidden is not None and layer.baseline.respondents is None
                 for s in shift.statements for layer in s.layers)
    base = t_release + t_digest + t_chart
    added = t_shift + (t_digest_shift - t_digest) + (t_chart_shift - t_chart)
    print(f"workshop file: {lines:,} lines, {baseline.answers:,} positions on "
          f"{baseline.statements} statements; {report.summary()}")
    print(f"  read + check        {t_read * 1000:8.1f} ms")
    print(f"  import (replace)    {t_import * 1000:8.1f} ms")
    print("digest steps                 median")
    print(f"  release (aggregated){t_release * 1000:8.1f} ms")
    print(f"  baseline_shift      {t_shift * 1000:8.1f} ms")
    print(f"  build_digest        {t_digest * 1000:8.1f} ms   with the shift "
          f"{t_digest_shift * 1000:8.1f} ms")
    print(f"  chart               {t_chart * 1000:8.1f} ms   with the marks "
          f"{t_chart_shift * 1000:8.1f} ms")
    print(f"  the shift adds      {added * 1000:8.1f} ms to {base * 1000:.0f} ms "
          f"({added / base:.0%})")
    print(f"  layer cells set against the workshop: {compared:,}; workshop cells under k "
          f"(hidden): {hidden:,}; digest attachment {len(document.attachments[0].text):,} "
          "characters")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=5_000)
    parser.add_argument("--statements", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    print(f"baseline benchmark: {args.participants:,} participants × {args.statements} "
          f"statements, SQLite; median of {args.repeat} after a warm-up; {os.cpu_count()} "
          f"CPUs, load average {os.getloadavg()[0]:.1f}")
    started = time.perf_counter()
    await run(args.participants, args.statements, args.repeat, args.seed)
    print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    asyncio.run(main())
