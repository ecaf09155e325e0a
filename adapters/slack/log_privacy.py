"""Keep people's answers out of the logs.

bolt logs the whole body of a request whose signature fails (at INFO). A stale but genuine
click carries a user id and the option chosen, so the body is cut from that line.
"""

from __future__ import annotations

import logging
import re

_BODY = re.compile(r"body: .*", re.DOTALL)
VERIFICATION_LOGGERS = ("slack_bolt.AsyncRequestVerification", "slack_bolt.RequestVerification")


class RedactRequestBody(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "body: " in message:
            record.msg, record.args = _BODY.sub("body not logged)", message), None
        return True


def install() -> None:
    for name in VERIFICATION_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactRequestBody) for f in logger.filters):
            logger.addFilter(RedactRequestBody())
