"""The `positie` command: the subcommands of positie/commands/ registered on one typer app."""

from __future__ import annotations

from typing import Annotated

import typer

from positie.commands import baseline, cadence, catalogue, people, results, roster, running

app = typer.Typer(help="positie: statements out, positions in, per-layer digests.",
                  no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
statements_app = typer.Typer(help="The statement catalogue.", no_args_is_help=True)
roster_app = typer.Typer(help="The admins' roster of layers.", no_args_is_help=True)
baseline_app = typer.Typer(help="The workshop the campaign follows up.", no_args_is_help=True)
channels_app = typer.Typer(help="The campaign's channels and chats.",
                           invoke_without_command=True)
app.add_typer(db_app, name="db")
app.add_typer(statements_app, name="statements")
app.add_typer(roster_app, name="roster")
app.add_typer(baseline_app, name="baseline")
app.add_typer(channels_app, name="channels")


def _version(shown: bool) -> None:
    if shown:
        from positie.version import positie_version

        typer.echo(f"positie {positie_version()}")
        raise typer.Exit()


@app.callback()
def main(version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True,
        help="Print the installed version and exit.")] = False) -> None:
    """positie: statements out, positions in, per-layer digests."""


app.command("run")(running.run_command)
app.command("demo")(running.demo_command)
app.command("doctor")(running.doctor_command)
db_app.command("upgrade")(running.db_upgrade)
statements_app.command("import")(catalogue.statements_import)
app.command("post")(catalogue.post_command)
app.command("close")(catalogue.close_command)
channels_app.callback()(catalogue.channels_callback)
channels_app.command("retry")(catalogue.channels_retry_command)
roster_app.command("import")(roster.roster_import)
baseline_app.command("import")(baseline.baseline_import)
app.command("forget")(people.forget_command)
app.command("digest")(results.digest_command)
app.command("export")(results.export_command)
app.command("pause")(cadence.pause_command)
app.command("resume")(cadence.resume_command)
app.command("schedule")(cadence.schedule_command)
app.command("audit")(cadence.audit_command)
app.command("purge")(cadence.purge_command)
