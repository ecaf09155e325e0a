"""The installed version of positie, as packaging recorded it (pyproject's `version`)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def positie_version() -> str:
    try:
        return version("positie")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "0+unknown"
