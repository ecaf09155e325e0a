"""Secrets from the environment, the way platforms hand them over.

Each secret comes from the config file, or from an environment variable, or from a file
named by that variable with `_FILE` appended (Docker and Kubernetes secrets, systemd
credentials): POSITIE_SLACK_BOT_TOKEN or POSITIE_SLACK_BOT_TOKEN_FILE=/run/secrets/... .
A secret's value never appears in an error message: only the variable's name and the path.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from bot.settings.errors import ConfigError

# The core's own secret by dotted config key; each platform adds its own (secret_env).
SECRET_ENV = {"database.url": "POSITIE_DATABASE_URL"}
FILE_SUFFIX = "_FILE"


def secrets_from_env(env: Mapping[str, str], wanted: Mapping[str, str]) -> dict[str, str]:
    """Dotted key → value for every secret in `wanted` (dotted key → variable) that the
    environment supplies, directly or by file."""
    found: dict[str, str] = {}
    for dotted, var in wanted.items():
        file_var = var + FILE_SUFFIX
        direct, path = env.get(var), env.get(file_var)
        if direct and path:
            raise ConfigError(f"{var} and {file_var} are both set; keep one (the secret "
                              "itself, or the path of a file holding it)")
        if path:
            found[dotted] = _read_secret(file_var, Path(path))
        elif direct:
            found[dotted] = direct
    return found


def _read_secret(var: str, path: Path) -> str:
    try:
        value = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{var}: {path} does not exist; point it at the file holding the "
                          "secret (for a Docker secret: /run/secrets/NAME)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{var}: {path} cannot be read ({type(exc).__name__}); check "
                          "that it is a UTF-8 text file readable by the user positie runs "
                          "as") from None
    # A file written by an editor or `echo` ends in a newline; the secret does not.
    value = value.rstrip("\r\n")
    if not value.strip():
        raise ConfigError(f"{var}: {path} is empty; put the secret in it")
    return value
