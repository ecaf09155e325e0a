"""What every command shares: the config option, reading settings, running async work,
failing with a clear message and the documented exit code, and logging."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from bot.publishing.lifecycle import TransitionRefused
from bot.publishing.statements import StatementNotFound
from bot.settings.config import Settings
from bot.settings.errors import ConfigError

T = TypeVar("T")
DEFAULT_CONFIG = Path("positie.toml")

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
    except TransitionRefused as exc:
        fail(str(exc))
    except StatementNotFound as exc:
        fail(f"no statement with key {exc.args[0]!r}; see the statements file for keys")
    raise AssertionError("unreachable")


def setup_logging(verbose: bool, settings: Settings | None = None) -> None:
    """Text or JSON lines (logging.format), secrets masked; the platform libraries stay at
    INFO even with --verbose (at DEBUG they log request bodies, which carry answers)."""
    from positie.logs import configure_logging

    configure_logging(settings, verbose=verbose)


