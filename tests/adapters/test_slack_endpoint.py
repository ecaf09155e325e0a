"""SlackEndpoint: bolt sees exactly what its own decoding would give, and bad bodies are
refused over HTTP without reaching a listener."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st
from slack_bolt.request.internals import parse_body

from adapters.slack.endpoint import FORM, bolt_body
from tests.slack_world import SlackWorld

# Any text a person could type, including what form encoding must escape.
text = st.text(st.characters(codec="utf-8"), max_size=60)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=12)


@given(payload=st.dictionaries(text, json_values, max_size=6))
def test_interactive_payloads_decode_as_bolt_decodes_them(payload: dict[str, object]) -> None:
    form = urlencode({"payload": json.dumps(payload)})
    assert json.loads(bolt_body(form, FORM)) == parse_body(form, FORM) == payload


@given(fields=st.dictionaries(st.sampled_from(["command", "text", "user_id", "team_id",
                                               "response_url", "ssl_check"]), text))
def test_command_forms_decode_to_their_fields(fields: dict[str, str]) -> None:
    form = urlencode(fields)
    assert json.loads(bolt_body(form, FORM)) == fields
    if "payload" not in form:  # bolt mistakes any form mentioning "payload" for a click
        assert parse_body(form, FORM) == fields


def test_json_bodies_pass_through() -> None:
    body = '{"type": "url_verification", "challenge": "abc"}'
    assert bolt_body(body, "application/json") == body


def test_a_payload_that_is_not_a_json_object_is_refused() -> None:
    with pytest.raises(ValueError, match="not a JSON object"):
        bolt_body(urlencode({"payload": "[1, 2]"}), FORM)


@pytest.fixture
def world(slack: SlackWorld) -> SlackWorld:
    return slack


async def test_a_signed_but_malformed_body_gets_400(world: SlackWorld) -> None:
    response = await world.users.send_signed(urlencode({"payload": "{not json"}),
                                             content_type=FORM)
    assert (response.status, response.json()) == (400, {"error": "malformed body"})


async def test_a_command_mentioning_payload_reaches_the_command(world: SlackWorld) -> None:
    response = await world.users.slash_command("U1", "C0MIXED001", "/positie",
                                               "help payload")
    assert response.status == 200
    assert "/positie laag" in response.body  # the help text, not bolt's empty-body 404
