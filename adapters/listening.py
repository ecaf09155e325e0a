"""Listening on a port the config names: a port in use is a config problem, not a crash."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager

from bot.settings.errors import ConfigError


@contextmanager
def listening_on(key: str, host: str, port: int) -> Iterator[None]:
    """Around starting a server on host:port taken from config key `key`."""
    try:
        yield
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ConfigError(f"{key}: port {port} on {host} is already in use by another "
                              f"program; stop that program or choose another {key}") from None
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise ConfigError(f"{key}: may not listen on port {port} on {host} ({exc.strerror});"
                              f" choose a port above 1023 or run behind a reverse proxy"
                              ) from None
        if exc.errno == errno.EADDRNOTAVAIL:
            raise ConfigError(f"{key}: host {host} is not an address of this machine; use "
                              "0.0.0.0 (every address) or 127.0.0.1") from None
        raise
