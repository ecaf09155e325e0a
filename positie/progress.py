"""A progress bar for long work, on a terminal only: tests, CI logs and pipes get none."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

Advance = Callable[[int, int], None]  # (done, total)


def wanted() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")


@contextmanager
def progress_bar(description: str, *, total: int,
                 at_least: int = 0) -> Iterator[Advance | None]:
    """Yields a callback (done, total) that moves the bar, or None when no bar is shown:
    not a terminal, or less work than `at_least`."""
    if total < at_least or not wanted():
        yield None
        return
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), console=Console(stderr=True),
                  transient=True) as progress:
        task = progress.add_task(description, total=total)

        def advance(done: int, of: int) -> None:
            progress.update(task, completed=done, total=of)

        yield advance
