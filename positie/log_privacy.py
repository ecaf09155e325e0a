"""No personal data in any log line, the libraries' own included.

The platform libraries log whole update bodies (names, ids, answers) when they cannot parse
one, request bodies at some levels, and exceptions whose text quotes what they were given.
positie's own lines (its packages below) are written to name no person and no answer. A
library's line keeps its wording only: its values (`args`) are withheld, and in the text
itself anything quoted or bracketed, long numbers (chat and user ids) and platform ids are
replaced; an exception keeps its type, not its message or traceback.
"""

from __future__ import annotations

import logging
import re

# Loggers whose lines are positie's own: written to name no person and no answer.
OWN = frozenset({"bot", "adapters", "scheduling", "positie", "emulators", "alembic",
                 "tests", "benchmarks"})
WITHHELD = [
    (re.compile(r"\{.*\}", re.DOTALL), "{…}"),  # a dict or JSON body
    (re.compile(r"\[.*\]", re.DOTALL), "[…]"),
    (re.compile(r"'[^']*'|\"[^\"]*\""), "'…'"),
    (re.compile(r"\b\d{4,}\b"), "#"),  # ids: people, chats, messages
    (re.compile(r"\b[UWTCDGE][A-Z0-9]{2,}\b"), "ID"),  # workspace, user and channel ids
]


def withheld(text: str) -> str:
    for pattern, replacement in WITHHELD:
        text = pattern.sub(replacement, text)
    return text


class PersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.split(".", 1)[0] in OWN or getattr(record, "privacy_checked", False):
            return True
        message = withheld(str(record.msg))
        if record.args:
            message += " [values withheld]"
        if record.exc_info:
            kind = record.exc_info[0].__name__ if record.exc_info[0] else "error"
            message += f" ({kind}; details withheld)"
        record.msg, record.args = message, ()
        record.exc_info = record.exc_text = record.stack_info = None
        record.privacy_checked = True  # a record passes several handlers: once is enough
        return True


def install(handler: logging.Handler) -> None:
    if not any(isinstance(f, PersonalDataFilter) for f in handler.filters):
        handler.addFilter(PersonalDataFilter())
