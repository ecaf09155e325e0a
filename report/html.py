"""The report page from a Jinja2 template, autoescaped: no HTML is built from strings."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from report.view import Page


@cache
def _environment() -> Environment:
    return Environment(loader=PackageLoader("report", "templates"),
                       autoescape=select_autoescape(default=True, default_for_string=True),
                       undefined=StrictUndefined, trim_blocks=False, lstrip_blocks=False)


def render_html(page: Page) -> str:
    css = (files("report") / "templates" / "report.css").read_text(encoding="utf-8")
    return _environment().get_template("report.html.j2").render(page=page, css=css)
