"""Bot API methods about the bot itself: identity, command menus, answering button presses."""

from __future__ import annotations

import json
import re
from typing import Any

from emulators.telegram import errors
from emulators.telegram.errors import bad_request
from emulators.telegram.method_support import Handler, required
from emulators.telegram.payloads import bot_user
from emulators.telegram.state import EmulatorState
from emulators.telegram.wire import UploadedPart

JsonDict = dict[str, Any]

_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
_MAX_COMMANDS = 100
_MAX_DESCRIPTION = 256


def commands_key(scope: object, language_code: object) -> tuple[str, str]:
    """Commands are stored per (scope, language); the scope is keyed by its sorted JSON."""
    scope = scope if isinstance(scope, dict) else {"type": "default"}
    return json.dumps(scope, sort_keys=True), str(language_code or "")


async def get_me(state: EmulatorState, params: JsonDict, files: dict[str, UploadedPart]) -> object:
    return bot_user(state).to_dict()


async def set_my_commands(
    state: EmulatorState, params: JsonDict, files: dict[str, UploadedPart]
) -> object:
    commands = params.get("commands")
    if not isinstance(commands, list) or len(commands) > _MAX_COMMANDS:
        raise bad_request(errors.PARAMETER_INVALID.format(name="commands"))
    for command in commands:
        if not isinstance(command, dict) or not _COMMAND_NAME.fullmatch(
            str(command.get("command", ""))
        ):
            raise bad_request(errors.COMMAND_INVALID)
        if not 1 <= len(str(command.get("description", ""))) <= _MAX_DESCRIPTION:
            raise bad_request(errors.COMMAND_DESCRIPTION_INVALID)
    key = commands_key(params.get("scope"), params.get("language_code"))
    state.commands[key] = [
        {"command": command["command"], "description": command["description"]}
        for command in commands
    ]
    return True


async def get_my_commands(
    state: EmulatorState, params: JsonDict, files: dict[str, UploadedPart]
) -> object:
    return state.commands.get(commands_key(params.get("scope"), params.get("language_code")), [])


async def delete_my_commands(
    state: EmulatorState, params: JsonDict, files: dict[str, UploadedPart]
) -> object:
    state.commands.pop(commands_key(params.get("scope"), params.get("language_code")), None)
    return True


async def answer_callback_query(
    state: EmulatorState, params: JsonDict, files: dict[str, UploadedPart]
) -> object:
    query_id = str(required(params, "callback_query_id"))
    # A query can be answered once; a second answer or an unknown id gets the same 400.
    if query_id not in state.open_callbacks:
        raise bad_request(errors.QUERY_INVALID)
    state.open_callbacks.discard(query_id)
    state.answered_callbacks.append(
        {
            "callback_query_id": query_id,
            "text": params.get("text"),
            "show_alert": bool(params.get("show_alert", False)),
            "url": params.get("url"),
            "cache_time": params.get("cache_time", 0),
        }
    )
    return True


HANDLERS: dict[str, Handler] = {
    "getMe": get_me,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "answerCallbackQuery": answer_callback_query,
}
