"""Files the commands write: whole or not at all, and a clear word when a path won't do."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from bot.settings.errors import ConfigError


def write_file(path: Path, data: str | bytes, *, option: str) -> None:
    """Write `data` to `path` via a temporary file in the same directory and a rename, so a
    failure leaves no partial file. `option` names the flag the path came from."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    directory = path.parent if str(path.parent) else Path(".")
    try:
        if path.is_dir():
            raise IsADirectoryError(21, "is a directory", str(path))
        directory.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.",
                                             suffix=".part")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(payload)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        reason = exc.strerror or str(exc)
        blocking = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
        if blocking is not None:
            reason = f"{blocking} is a file, not a directory"
        raise ConfigError(f"{option} {path}: cannot write there ({reason}); choose a file in "
                          "a directory that exists and may be written") from None


def write_files(directory: Path, files: dict[str, bytes], *, option: str) -> None:
    """Write several files into `directory`. A new directory is filled under a temporary
    name and renamed into place, so it appears whole or not at all; in an existing one
    each file is replaced whole (write_file)."""
    if directory.exists():
        if not directory.is_dir():
            raise ConfigError(f"{option} {directory}: is a file, not a directory; choose a "
                              "directory (it is created when missing)")
        for name, data in files.items():
            write_file(directory / name, data, option=option)
        return
    parent = directory.parent if str(directory.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=parent, prefix=f".{directory.name}.",
                                        suffix=".part"))
    except OSError as exc:
        raise ConfigError(f"{option} {directory}: cannot write there "
                          f"({exc.strerror or exc}); choose a directory that may be "
                          "written") from None
    try:
        for name, data in files.items():
            (staging / name).write_bytes(data)
        os.replace(staging, directory)
    except BaseException:
        for child in staging.iterdir():
            child.unlink(missing_ok=True)
        staging.rmdir()
        raise
