"""From the assembled figures and the settings to the page: conclusions, view, template."""

from __future__ import annotations

from bot.insight.report_data import ReportData
from bot.settings.config import Settings
from report.conclusions import load_conclusions
from report.html import render_html
from report.view import build_page

CONCLUSION_HEADINGS = 5  # h3 theme, h4 "conclusions": a file's `#` is h5


def report_html(data: ReportData, settings: Settings) -> str:
    conclusions = load_conclusions(settings, top_level=CONCLUSION_HEADINGS)
    return render_html(build_page(data, conclusions))
