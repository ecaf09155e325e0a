"""How long `positie report` takes on a tests/scale.py campaign (500 statements × 1,000 people,
about 150,000 positions, SQLite): the figures (one release, the ranking, participation), the
HTML page (charts included) and the PDF, side by side in one run; median of --repeat.

    .venv/bin/python benchmarks/report.py [--statements 500] [--repeat 3] [--no-pdf]
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


async def main(statements: int, repeat: int, pdf: bool) -> None:
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite+aiosqlite:///{Path(directory) / 'report.db'}"
        db = await databases.migrated(url)
        config = settings(url)
        await sync_settings(db, config)
        scale = await build_scale_campaign(db, config.campaign.id, statements=statements)
        service = CampaignService(db=db, settings=config, clock=FixedClock(T0))
        print(f"report benchmark: {len(scale.statement_keys)} statements, {scale.people} "
              f"people, {scale.positions} positions (SQLite); median of {repeat}")
        figures, pages, pdfs, size, pdf_size = [], [], [], 0, 0
        for _ in range(repeat):
            started = time.perf_counter()
            data = await service.report_data("nl")
            figures.append(time.perf_counter() - started)
            started = time.perf_counter()
            html = report_html(data, config)
            pages.append(time.perf_counter() - started)
            size = len(html.encode())
            if pdf:
                started = time.perf_counter()
                pdf_size = len(render_pdf(html))
                pdfs.append(time.perf_counter() - started)
        print(f"  figures (release, ranking, participation)  {statistics.median(figures):7.2f} s")
        print(f"  HTML page with {len(scale.statement_keys)} charts          "
              f"{statistics.median(pages):7.2f} s  ({size / 1e6:.1f} MB)")
        print(f"  figures + HTML                              "
              f"{statistics.median(figures) + statistics.median(pages):7.2f} s  (target ≤ 10 s)")
        if pdf:
            print(f"  PDF/A from that HTML                        {statistics.median(pdfs):7.2f} s"
                  f"  ({pdf_size / 1e6:.1f} MB)")
        await service.aclose()
        await db.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--statements", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-pdf", action="store_true")
    args = parser.parse_args()
    asyncio.run(main(args.statements, args.repeat, not args.no_pdf))
