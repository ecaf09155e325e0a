"""From the assembled figures and the settings to the page: conclusions, view, template."""

from __future__ import annotations

from bot.insight.report_data import ReportData
from bot.settings.config import Settings
from report.charts import svg_drawing
from report.conclusions import load_conclusions
from report.html import render_html
from report.view import build_page

CONCLUSION_HEADINGS = 5  # h3 theme, h4 "conclusions": a file's `#` is h5


def report_html(data: ReportData, settings: Settings) -> str:
    conclusions = load_conclusions(settings, top_level=CONCLUSION_HEADINGS)
    with svg_drawing():
        page = build_page(data, conclusions)
    return render_html(page)
