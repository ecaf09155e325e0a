"""The privacy filter on the log: a library's line loses its values and traceback."""

from __future__ import annotations

import logging

from positie.log_privacy import PersonalDataFilter
from tests.scenarios.conftest import NEAR


def formatted(record: logging.LogRecord) -> str:
    handler = logging.StreamHandler()
    handler.addFilter(PersonalDataFilter())
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    assert handler.filter(record)
    return handler.format(record)


def test_a_library_line_keeps_its_wording_but_not_the_update_it_carries() -> None:
    update = {"poll_answer": {"user": {"id": 1042, "first_name": "Ambtenaar42"},
                              "option_ids": [0], "label": "helemaal eens"}}
    try:
        raise TypeError(f"bad update {update}")
    except TypeError as exc:
        record = logging.LogRecord("telegram.ext.Updater", logging.CRITICAL, __file__, 1,
                                   "Error while parsing updates! Received data was %r",
                                   (update,), (type(exc), exc, exc.__traceback__))
    line = formatted(record)
    assert line.startswith("telegram.ext.Updater: Error while parsing updates!")
    assert "Ambtenaar42" not in line and "1042" not in line and "Traceback" not in line
    assert "TypeError" in line  # what went wrong, without the data


def test_positie_lines_pass_unchanged() -> None:
    record = logging.LogRecord("adapters.slack.endpoint", logging.INFO, __file__, 1,
                               "refused %s", ("a request",), None)
    assert formatted(record) == "adapters.slack.endpoint: refused a request"


def test_the_scenario_scan_sees_a_person_next_to_an_answer() -> None:
    assert NEAR.search("slack_bolt: user U0ALICE clicked helemaal eens")
    assert NEAR.search("telegram: {'first_name': 'Ambtenaar7', 'option': 'oneens'}")
    assert not NEAR.search("posting statement visie-rijk to slack channel C0RIJK0001 failed")


def test_a_library_line_built_with_an_f_string_loses_what_it_quotes() -> None:
    body = {"user": {"id": "U0ALICE1"}, "actions": [{"value": "visie:helemaal_eens"}]}
    record = logging.LogRecord("slack_bolt.App", logging.INFO, __file__, 1,
                               f"Unsuccessful Bolt execution result (status: 404, body: {body})",
                               (), None)
    line = formatted(record)
    assert line.startswith("slack_bolt.App: Unsuccessful Bolt execution result (status: 404")
    assert "U0ALICE1" not in line and "helemaal_eens" not in line


def test_ids_outside_brackets_are_withheld_too() -> None:
    record = logging.LogRecord("telegram.ext.Application", logging.WARNING, __file__, 1,
                               "No error handlers are registered for update 700000123 of "
                               "user 1042 in chat -1001000000001", (), None)
    line = formatted(record)
    assert "1042" not in line and "700000123" not in line and "1001000000001" not in line


def test_the_cli_logging_carries_the_filter() -> None:
    from positie.log_privacy import PersonalDataFilter as Filter
    from positie.logs import configure_logging

    root = logging.getLogger()
    saved, level = root.handlers[:], root.level
    try:
        configure_logging(None)
        assert any(isinstance(f, Filter) for h in root.handlers for f in h.filters)
    finally:
        root.handlers[:] = saved
        root.setLevel(level)
