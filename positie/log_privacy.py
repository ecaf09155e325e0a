"""No personal data in any log line, the libraries' own included.

python-telegram-bot logs whole update bodies (names, ids, answers) when it cannot parse one,
bolt and slack_sdk log request bodies and URLs, httpx logs URLs that carry the Telegram
token. positie's own log lines name no person and no answer; the libraries' lines keep only
their format string: the values (`args`) and the exception's message and traceback are
withheld, its type is kept.
"""

from __future__ import annotations

import logging

# Loggers whose lines are positie's own: written to name no person and no answer.
OWN = ("bot", "adapters", "scheduling", "positie", "emulators", "alembic", "tests")


class PersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.split(".", 1)[0] in OWN:
            return True
        if record.args:
            record.msg = f"{record.msg} [values withheld]"
            record.args = ()
        if record.exc_info:
            kind = record.exc_info[0].__name__ if record.exc_info[0] else "error"
            record.msg = f"{record.msg} ({kind}; details withheld)"
            record.exc_info = None
            record.exc_text = None
        record.stack_info = None
        return True


def install(handler: logging.Handler | None = None) -> None:
    """On `handler`, or on every handler of the root logger (where all lines end up)."""
    handlers = [handler] if handler is not None else logging.getLogger().handlers
    for each in handlers:
        if not any(isinstance(f, PersonalDataFilter) for f in each.filters):
            each.addFilter(PersonalDataFilter())
