"""The `positie` command."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, TypeVar
from zoneinfo import ZoneInfo

import typer

from bot.publishing.statements import StatementNotFound
from bot.settings.config import Settings
from bot.settings.errors import ConfigError

T = TypeVar("T")
DEFAULT_CONFIG = Path("positie.toml")

app = typer.Typer(help="positie: statements out, positions in, per-layer digests.",
                  no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
statements_app = typer.Typer(help="The statement catalogue.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(statements_app, name="statements")
roster_app = typer.Typer(help="The admins' roster of layers.", no_args_is_help=True)
app.add_typer(roster_app, name="roster")

ConfigOption = Annotated[Path, typer.Option(
    "--config", "-c", envvar="POSITIE_CONFIG",
    help="The TOML configuration file (see config.example.toml).")]


def fail(message: str, code: int = 2) -> None:
    typer.echo(f"positie: {message}", err=True)
    raise typer.Exit(code)


def settings_from(path: Path) -> Settings:
    try:
        from positie.settings import load

        return load(path)
    except ConfigError as exc:
        fail(str(exc))
        raise  # unreachable; fail() exits


def run(work: Callable[[], Awaitable[T]]) -> T:
    try:
        return asyncio.run(work())  # type: ignore[arg-type]
    except ConfigError as exc:
        fail(str(exc))
    except StatementNotFound as exc:
        fail(f"no statement with key {exc.args[0]!r}; see the statements file for keys")
    raise AssertionError("unreachable")


def _logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr)
    # At DEBUG the platform libraries log whole request bodies, which carry people's
    # answers; they stay at INFO even with --verbose.
    from adapters.registry import PLATFORMS

    libraries = [name for p in PLATFORMS for name in p.library_loggers]
    for name in (*libraries, "httpx", "aiosqlite"):
        logging.getLogger(name).setLevel(max(logging.INFO, logging.getLogger(name).level))
    # httpx logs every request URL at INFO, and a Telegram Bot API URL contains the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    from positie.log_privacy import install

    install()  # the libraries' lines keep their wording, not their values


@app.command("run")
def run_command(config: ConfigOption = DEFAULT_CONFIG,
                verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    """Run the bot: migrate the database, serve Slack (and Telegram), until stopped."""
    from positie.wiring import run_until_stopped

    _logging(verbose)
    settings = settings_from(config)
    run(lambda: run_until_stopped(settings))


@app.command("demo")
def demo_command(people: Annotated[int, typer.Option(help="Simulated civil servants.")] = 40,
                 out: Annotated[Path, typer.Option(help="Where the demo writes files.")] =
                 Path("demo-output")) -> None:
    """Run the whole loop offline against the Slack emulator and print what users see."""
    from positie.demo import run_demo

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    run(lambda: run_demo(people=people, out_dir=out))


@db_app.command("upgrade")
def db_upgrade(config: ConfigOption = DEFAULT_CONFIG) -> None:
    """Apply the database migrations."""
    from bot.store.db import Database
    from bot.store.migrate import upgrade

    settings = settings_from(config)

    async def work() -> None:
        db = Database(url=settings.database.url)
        try:
            await upgrade(db)
        finally:
            await db.dispose()

    run(work)
    typer.echo("database is up to date")


@statements_app.command("import")
def statements_import(file: Path, config: ConfigOption = DEFAULT_CONFIG) -> None:
    """Import or update themes and statements from a TOML file (matched by key)."""
    from bot.publishing.sync import import_catalogue
    from bot.settings.catalogue import load_catalogue
    from positie.wiring import build_runtime

    settings = settings_from(config)

    async def work() -> None:
        catalogue = load_catalogue(file)
        runtime = await build_runtime(settings, with_adapters=False)
        try:
            report = await import_catalogue(runtime.db, settings.campaign.id, catalogue,
                                            now=datetime.now(UTC))
        finally:
            await runtime.close()
        typer.echo(f"{report.added} added, {report.updated} updated "
                   f"({report.kept_revisions} earlier texts kept), {report.unchanged} unchanged")

    run(work)


@roster_app.command("import")
def roster_import(file: Path, config: ConfigOption = DEFAULT_CONFIG) -> None:
    """Set layers from a CSV (platform,workspace,user_id,layer); own choices are kept."""
    from bot.people.roster import import_roster, read_roster
    from positie.wiring import build_runtime

    settings = settings_from(config)

    async def work() -> None:
        entries = read_roster(file, settings.campaign.layer_keys, settings.identities())
        runtime = await build_runtime(settings, with_adapters=False)
        try:
            report = await import_roster(runtime.db, entries, now=datetime.now(UTC))
        finally:
            await runtime.close()
        typer.echo(f"{report.applied} layer(s) set from the roster; {report.kept_declared} "
                   "kept because the person chose their own layer")

    run(work)


@app.command("forget")
def forget_command(
    platform: Annotated[str, typer.Argument(help="The platform's name, as its config "
                                             "section is called (slack, telegram, …).")],
    user_id: Annotated[str, typer.Argument(help="The person's user id on that platform.")],
    workspace: Annotated[str, typer.Option(
        help="Where user ids are unique per workspace (Slack): the workspace (team) id, as "
             "in the roster CSV. Elsewhere: leave out.")] = "",
    config: ConfigOption = DEFAULT_CONFIG,
) -> None:
    """Erase what positie holds about one person (for a request that came by mail).

    People can do this themselves: /positie vergeet in Slack, /vergeet in Telegram.
    """
    from adapters.registry import PLATFORMS, by_name
    from bot.domain import Identity
    from positie.wiring import build_runtime

    registered = by_name(platform)
    if registered is None:
        fail(f"platform {platform!r} is unknown; use one of "
             f"{', '.join(p.name for p in PLATFORMS)}")
        return
    shape = registered.settings.identity
    settings = settings_from(config)

    async def work() -> None:
        runtime = await build_runtime(settings, with_adapters=False)
        try:
            erasure = await runtime.service.forget(Identity(platform, workspace, user_id))
        finally:
            await runtime.close()
        if not erasure.known:
            hint = (f" ({registered.settings.title} people need --workspace, their "
                    f"{shape.workspace_label})" if shape.workspace_scoped and not workspace
                    else "")
            typer.echo(f"positie holds nothing about {platform} user {user_id}{hint}; "
                       "nothing erased")
            return
        typer.echo(f"erased: {erasure.positions} position(s) with their history, the layer "
                   f"and every reference to {platform} user {user_id}")

    run(work)


@app.command("post")
def post_command(statement_id: str, config: ConfigOption = DEFAULT_CONFIG) -> None:
    """Open a statement now and post it to the campaign's statement channels."""
    from positie.delivery_report import post_summary
    from positie.wiring import build_runtime

    _logging(False)
    settings = settings_from(config)

    async def work() -> None:
        runtime = await build_runtime(settings)
        try:
            report = await runtime.service.open(statement_id)
        finally:
            await runtime.close()
        typer.echo(post_summary(statement_id, report))
        if report.unsettled:
            typer.echo(f"{report.unsettled} channel(s) do not have it yet; the log above says "
                       f"why. Run `positie post {statement_id}` again to resume them.", err=True)
            raise typer.Exit(1)

    run(work)


@app.command("close")
def close_command(statement_id: str, config: ConfigOption = DEFAULT_CONFIG) -> None:
    """Close a statement for answers and mark its messages closed."""
    from positie.wiring import build_runtime

    settings = settings_from(config)

    async def work() -> None:
        runtime = await build_runtime(settings)
        try:
            updated = await runtime.service.close(statement_id)
        finally:
            await runtime.close()
        typer.echo(f"{statement_id}: closed; {updated} message(s) updated")

    run(work)


@app.command("digest")
def digest_command(
    config: ConfigOption = DEFAULT_CONFIG,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print it; post nothing.")] = False,
    language: Annotated[str | None, typer.Option("--lang", help="nl or en.")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Also write samenvatting.txt and samenvatting.png (the chart) here.")]
    = None,
    period: Annotated[str | None, typer.Option(
        "--period", help="Name of this digest (default: manual-<UTC time>). Posting again "
        "under the same name reaches only the channels that did not get it.")] = None,
) -> None:
    """Build the digest and post it with its chart to the digest channels.

    With --dry-run nothing is posted: the text is printed, or with --out written to files.
    Exit code 1 when a channel did not get it; the message says how to retry just those.
    """
    from bot.insight.render_text import render_text
    from positie.delivery_report import digest_summary
    from positie.wiring import build_runtime

    settings = settings_from(config)

    async def work() -> None:
        runtime = await build_runtime(settings, with_adapters=not dry_run)
        try:
            draft = await runtime.service.digest_draft(language)
            document, chart = draft.document, None
            if out is not None:  # asked for: a chart that fails is an error here
                chart = await runtime.service.digest_chart(language, aggregate=draft.aggregate)
                out.mkdir(parents=True, exist_ok=True)
                (out / "samenvatting.txt").write_text(render_text(document) + "\n",
                                                      encoding="utf-8")
                (out / "samenvatting.png").write_bytes(chart)
                typer.echo(f"written to {out / 'samenvatting.txt'}")
                typer.echo(f"written to {out / 'samenvatting.png'}")
            if dry_run:
                if out is None:
                    typer.echo(render_text(document))
                return
            name = period or "manual-" + datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
            report = await runtime.service.publish_draft(
                draft, period=name,
                chart_png=chart or await runtime.service.chart_or_none(draft, language))
            typer.echo(digest_summary(name, report))
            if report.unsettled:
                typer.echo(f"the log above says why; to send only the missing parts: "
                           f"positie digest --period {name}", err=True)
                raise typer.Exit(1)
        finally:
            await runtime.close()

    run(work)


@app.command("export")
def export_command(
    config: ConfigOption = DEFAULT_CONFIG,
    format: Annotated[str, typer.Option("--format", help="Only csv for now.")] = "csv",
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
) -> None:
    """Export aggregates per statement × layer (cells under the threshold stay hidden)."""
    from bot.insight.aggregation import aggregate_campaign
    from bot.insight.export import aggregates_csv
    from positie.wiring import build_runtime

    if format != "csv":
        fail(f"--format {format!r} is not supported; use --format csv")
    settings = settings_from(config)

    async def work() -> str:
        runtime = await build_runtime(settings, with_adapters=False)
        try:
            aggregate = await aggregate_campaign(runtime.db, settings.campaign.id)
        finally:
            await runtime.close()
        return aggregates_csv(aggregate, settings.campaign.scale_options(),
                              settings.campaign.layer_keys, settings.campaign.privacy_threshold)

    text = run(work)
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"written to {output}")


def _set_paused(config: Path, paused: bool) -> None:
    from bot.cadence.pause import pause_reply
    from positie.wiring import build_runtime

    settings = settings_from(config)

    async def work() -> str:
        runtime = await build_runtime(settings, with_adapters=False)
        try:
            changed = await runtime.service.set_paused(paused)
            return pause_reply(paused, changed, runtime.service.texts())
        finally:
            await runtime.close()

    typer.echo(run(work))


@app.command("pause")
def pause_command(config: ConfigOption = DEFAULT_CONFIG) -> None:
    """Pause the campaign: scheduled openings, closings, reminders and digests stop."""
    _set_paused(config, True)


@app.command("resume")
def resume_command(config: ConfigOption = DEFAULT_CONFIG) -> None:
    """Resume a paused campaign; runs missed meanwhile are not made up."""
    _set_paused(config, False)


@app.command("schedule")
def schedule_command(
    config: ConfigOption = DEFAULT_CONFIG,
    count: Annotated[int, typer.Option(help="How many coming moments per job.")] = 3,
) -> None:
    """Show when statements open, reminders go out and digests are posted next."""
    from bot.clock import SystemClock
    from bot.settings.schedule import format_duration
    from scheduling import job_specs
    from scheduling.slots import next_slots

    settings = settings_from(config)
    schedule = settings.schedule
    if schedule is None or not schedule.enabled:
        typer.echo("no [schedule] enabled in the configuration; see config.example.toml")
        return
    timezone = settings.campaign.timezone
    now = SystemClock().now()
    for spec in job_specs(schedule, timezone):
        moments = next_slots(spec.trigger, after=now, timezone=timezone, count=count)
        typer.echo(f"{spec.name}: " + ", ".join(
            m.astimezone(ZoneInfo(timezone)).strftime("%a %d %b %H:%M") for m in moments))
    typer.echo(f"statements stay open {format_duration(schedule.open_for)}; catch-up window "
               f"{format_duration(schedule.misfire_grace)}; times in {timezone}")
