"""Every scenario's log, as production writes it (INFO, through positie's privacy filter),
is scanned for a person next to an answer: no log line may tell who answered what."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest

from positie.log_privacy import install

# People in the scenarios: Slack user ids (U1, U0ALICE...), Telegram ids and names.
PERSON = r"(?:\bU[0-9A-Z]{1,12}\b|\bAmbtenaar\d+\b|\b10\d\d\b|\bGeheimnaam\b|\b4242\b)"
ANSWER = r"(?:\bhelemaal (?:on)?eens\b|\boneens\b|\beens\b|\bneutraal\b|\bweet niet\b)"
NEAR = re.compile(rf"{PERSON}.{{0,120}}{ANSWER}|{ANSWER}.{{0,120}}{PERSON}",
                  re.IGNORECASE | re.DOTALL)


@pytest.fixture(autouse=True)
def no_person_next_to_an_answer_in_the_log(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    caplog.set_level(logging.INFO)
    install(caplog.handler)
    yield
    formatter = logging.Formatter("%(name)s: %(message)s")
    leaks = [line for record in caplog.records
             if NEAR.search(line := formatter.format(record))]
    assert not leaks, f"log lines tell who answered what: {leaks[:3]}"
