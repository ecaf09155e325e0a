"""HTTP ⇄ Bot API call: read the parameters however the client sent them, answer as Telegram.

Telegram accepts a query string, `application/x-www-form-urlencoded`, `application/json` and
`multipart/form-data`. python-telegram-bot uses the form encodings, with every non-string
value JSON-encoded (`chat_id=-100`, `is_anonymous=false`, `reply_markup={...}`), so form values
are decoded back to JSON, except for parameters that are text by nature, where "123" or "true"
must stay the string the user typed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from email import policy
from email.parser import BytesParser
from typing import Any

from aiohttp import web

from emulators.telegram.errors import ApiError

JsonDict = dict[str, Any]

_TEXT_PARAMETERS = frozenset(
    {
        "text",
        "caption",
        "question",
        "data",
        "parse_mode",
        "caption_parse_mode",
        "question_parse_mode",
        "explanation",
        "explanation_parse_mode",
        "description",
        "callback_query_id",
        "inline_message_id",
        "url",
        "secret_token",
        "ip_address",
        "language_code",
        "title",
        "photo",
        "file_id",
        "business_connection_id",
        "message_effect_id",
    }
)


@dataclass(frozen=True, kw_only=True)
class UploadedPart:
    """A file part of a multipart request."""

    name: str
    filename: str | None
    content_type: str | None
    data: bytes


def decode_form_value(name: str, raw: str) -> Any:
    if name in _TEXT_PARAMETERS:
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        # `@channelusername` and other bare strings are not JSON; they are meant as text.
        return raw


async def read_call(request: web.Request) -> tuple[JsonDict, dict[str, UploadedPart]]:
    """The parameters and uploaded files of one Bot API request."""
    params: JsonDict = {
        name: decode_form_value(name, value) for name, value in request.query.items()
    }
    files: dict[str, UploadedPart] = {}
    if not request.can_read_body:
        return params, files
    content_type = request.content_type
    if content_type == "application/json":
        body = await request.json()
        if isinstance(body, dict):
            params.update(body)
    elif content_type == "multipart/form-data":
        # Parsed from the whole body with the standard library: aiohttp's streaming reader
        # warns (an error under the test suite's settings) at some chunk boundaries.
        params_from_parts, files = multipart_parts(
            request.headers.get("Content-Type", ""), await request.read())
        params.update(params_from_parts)
    else:
        form = await request.post()
        params.update({name: decode_form_value(name, str(value)) for name, value in form.items()})
    return params, files


def multipart_parts(content_type: str,
                    body: bytes) -> tuple[JsonDict, dict[str, UploadedPart]]:
    message = BytesParser(policy=policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body)
    if not message.is_multipart():
        raise ValueError("not a multipart body")
    params: JsonDict = {}
    files: dict[str, UploadedPart] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        data = part.get_payload(decode=True)
        data = data if isinstance(data, bytes) else b""
        filename = part.get_filename()
        if filename is None:
            params[name] = decode_form_value(name, data.decode("utf-8"))
        else:
            files[name] = UploadedPart(name=name, filename=filename,
                                       content_type=part.get("Content-Type"), data=data)
    return params, files


def ok(result: object) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def failure(error: ApiError) -> web.Response:
    # The HTTP status must be the error code: clients (python-telegram-bot included) pick the
    # exception class from the status, not from the body.
    return web.json_response(error.body(), status=error.status)
