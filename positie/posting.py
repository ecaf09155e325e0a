"""`positie post`: open one statement, a theme or every draft in one process."""

from __future__ import annotations

import typer

from bot.audit.trail import CLI
from bot.settings.config import Settings
from positie.delivery_report import post_summary
from positie.wiring import build_runtime


async def post_statements(settings: Settings, *, key: str | None, theme: str | None) -> int:
    """Open the statements (KEY; else the theme's; else every draft) and say per statement
    where it went (each in the audit trail); returns the posts that did not arrive.
    Raises ThemeNotFound."""
    runtime = await build_runtime(settings)
    pending = 0
    try:
        keys = [key] if key is not None else await runtime.service.keys_to_open(theme=theme)
        if not keys:
            typer.echo("nothing to post: no statement in draft" if theme is None else
                       f"nothing to post: every statement of {theme} is closed")
        for statement_key in keys:
            report = await runtime.service.open(statement_key)
            missed = report.unsettled
            pending += missed
            await runtime.service.audit(
                via=CLI, actor=CLI, action="post", target=statement_key,
                outcome=f"posted {report.posted}, reopened {report.reopened}, kept {missed}")
            typer.echo(post_summary(statement_key, report))
    finally:
        await runtime.close()
    if len(keys) > 1:
        typer.echo(f"{len(keys)} statements opened; {pending} post(s) kept for retry")
    return pending
