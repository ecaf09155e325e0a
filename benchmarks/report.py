"""How long `positie report` takes on a tests/scale.py campaign (500 statements × 1,000
people by default; `--people 5000` for the issue's size; SQLite): the figures (one release,
the ranking, participation), the HTML page (charts included) and the PDF, side by side in
one run; median of --repeat, wall time and this process's CPU time (matplotlib, Jinja2,
WeasyPrint and SQLite's thread all run here, so on a shared machine CPU time is the
steadier figure).

    .venv/bin/python benchmarks/report.py [--statements 500] [--people 5000] [--repeat 3]
        [--no-pdf]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.clock import FixedClock
from bot.publishing.sync import sync_settings
from bot.service import CampaignService
from report.build import report_html
from report.pdf import render_pdf
from tests import databases
from tests.factories import T0, settings
from tests.scale import build_scale_campaign


async def main(statements: int, repeat: int, pdf: bool, people: int | None) -> None:
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite+aiosqlite:///{Path(directory) / 'report.db'}"
        db = await databases.migrated(url)
        config = settings(url)
        await sync_settings(db, config)
        scale = await build_scale_campaign(db, config.campaign.id, statements=statements,
                                            people=people)
        service = CampaignService(db=db, settings=config, clock=FixedClock(T0))
        print(f"report benchmark: {len(scale.statement_keys)} statements, {scale.people} "
              f"people, {scale.positions} positions (SQLite); median of {repeat}")
        steps: dict[str, list[tuple[float, float]]] = {"figures": [], "html": [], "pdf": []}
        size = pdf_size = 0
        for _ in range(repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            data = await service.report_data("nl")
            steps["figures"].append((time.perf_counter() - wall, time.process_time() - cpu))
            wall, cpu = time.perf_counter(), time.process_time()
            html = report_html(data, config)
            steps["html"].append((time.perf_counter() - wall, time.process_time() - cpu))
            size = len(html.encode())
            if pdf:
                wall, cpu = time.perf_counter(), time.process_time()
                pdf_size = len(render_pdf(html))
                steps["pdf"].append((time.perf_counter() - wall, time.process_time() - cpu))

        def median(step: str) -> tuple[float, float]:
            return (statistics.median(w for w, _ in steps[step]),
                    statistics.median(c for _, c in steps[step]))

        print(f"  {'step':44} {'wall':>8} {'CPU':>8}")
        for step, label in (("figures", "figures (release, ranking, participation)"),
                            ("html", f"HTML page, {len(scale.statement_keys)} charts "
                                     f"({size / 1e6:.1f} MB)")):
            wall, cpu = median(step)
            print(f"  {label:44} {wall:7.2f}s {cpu:7.2f}s")
        wall = median("figures")[0] + median("html")[0]
        cpu = median("figures")[1] + median("html")[1]
        print(f"  {'figures + HTML (target ≤ 10 s)':44} {wall:7.2f}s {cpu:7.2f}s")
        if pdf:
            wall, cpu = median("pdf")
            print(f"  {f'PDF/A from that HTML ({pdf_size / 1e6:.1f} MB)':44} {wall:7.2f}s "
                  f"{cpu:7.2f}s")
        await service.aclose()
        await db.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--statements", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-pdf", action="store_true")
    parser.add_argument("--people", type=int, default=None,
                        help="people in all (default tests/scale.py's 1,000)")
    args = parser.parse_args()
    asyncio.run(main(args.statements, args.repeat, not args.no_pdf, args.people))
