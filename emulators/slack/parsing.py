"""Reading Web API arguments the three ways slack_sdk sends them: query string (GET, and POST
with `params=`), form-encoded body, JSON body."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

JsonDict = dict[str, Any]


async def read_arguments(request: web.Request) -> JsonDict:
    """Merge query string and body; body wins, as Slack reads both."""
    args: JsonDict = dict(request.query)
    if not request.can_read_body:
        return args
    content_type = request.content_type
    if content_type == "application/json":
        raw = await request.read()
        if raw:
            loaded = json.loads(raw)
            if isinstance(loaded, dict):
                args.update(loaded)
    elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        args.update({k: v for k, v in form.items() if isinstance(v, str)})
    return args


def token_of(request: web.Request, args: JsonDict) -> str | None:
    """Bearer header first, then a `token` argument (both are accepted by Slack)."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    token = args.get("token")
    return str(token) if token else None


def json_list(value: Any) -> list[Any] | None:
    """`blocks`, `files`, `attachments`: a list in JSON bodies, a JSON string in forms."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = json.loads(value)
    if not isinstance(value, list):
        raise ValueError("expected a JSON array")
    return value


def flag(value: Any) -> bool:
    """Form bodies carry booleans as "true"/"1"; JSON bodies as booleans."""
    if isinstance(value, str):
        return value.lower() in ("true", "1", "yes")
    return bool(value)


def text_arg(value: Any) -> str | None:
    return None if value is None else str(value)
