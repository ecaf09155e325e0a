"""The report in a real browser: Debian's Chromium (headless, through Playwright) loads the
Dutch and the English page, takes a screenshot and runs axe-core (bundled by
axe-playwright-python): no WCAG 2.0/2.1 A or AA violation. .ci/run installs Chromium; under
CI a missing browser is a failure, not a skip."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from playwright.async_api import async_playwright

from bot.service import CampaignService
from report.build import report_html
from tests.report.campaign import small_campaign, with_workshop

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _browser_or_skip() -> str:
    if os.path.exists(CHROMIUM):
        return CHROMIUM
    if os.environ.get("CI"):
        pytest.fail("Chromium is missing: .ci/run installs Debian's chromium package")
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    raise AssertionError("unreachable")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_report_has_no_wcag_aa_violations_in_chromium(
        service: CampaignService, tmp_path: Path) -> None:
    executable = _browser_or_skip()
    await small_campaign(service)
    await with_workshop(service, tmp_path)
    (tmp_path / "visie.md").write_text("# Wat we zien\n\nDe lagen zijn **verdeeld**.\n",
                                       encoding="utf-8")
    config = service.settings.model_copy(update={
        "report": service.settings.report.model_copy(update={"conclusions": {"visie": "visie.md"}}),
        "base_dir": tmp_path})
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=executable, args=["--no-sandbox", "--disable-gpu"])
        try:
            for language in ("nl", "en"):
                page_file = tmp_path / f"report-{language}.html"
                page_file.write_text(report_html(await service.report_data(language), config),
                                     encoding="utf-8")
                page = await browser.new_page(viewport={"width": 1024, "height": 900})
                requests: list[str] = []
                page.on("request", lambda r, seen=requests: seen.append(r.url))
                await page.goto(page_file.as_uri())
                shot = tmp_path / f"report-{language}.png"
                await page.screenshot(path=str(shot), full_page=True)
                assert shot.stat().st_size > 10_000
                assert await page.evaluate("document.documentElement.lang") == language
                # Every part is there to be checked: shift, participation, a chart, tables.
                assert await page.locator("#extra-1").count() == 1
                assert await page.locator("div.chart[role=img] svg").count() >= 2
                assert await page.locator("table caption").count() >= 4
                await page.add_script_tag(content=AXE_SCRIPT)
                result = await page.evaluate(
                    "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                    WCAG_AA)
                violations = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                              for v in result["violations"]]
                assert violations == [], f"{language}: {violations}"
                assert len(result["passes"]) > 10  # axe ran its rules on the page
                # Self-contained: the page asked for nothing but itself.
                assert requests == [page_file.as_uri()]
                await page.close()
            # The check can fail: a chart without its text alternative on a page without a
            # language is caught.
            page = await browser.new_page()
            await page.set_content("<!DOCTYPE html><html><head><title>x</title></head><body>"
                                   "<main><div role='img'>chart</div></main></body></html>")
            await page.add_script_tag(content=AXE_SCRIPT)
            result = await page.evaluate(
                "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA)
            assert {"html-has-lang", "role-img-alt"} <= {v["id"] for v in result["violations"]}
        finally:
            await browser.close()
