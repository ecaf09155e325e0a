"""Bot API errors as Telegram words them, raised by method handlers and turned into responses.

The descriptions are gathered here (not scattered through the handlers) so a test can compare
against the same constant the emulator answers with, and so they stay in Telegram's wording:
client libraries and bots match on these texts.
"""

from __future__ import annotations

CHAT_NOT_FOUND = "Bad Request: chat not found"
USER_NOT_FOUND = "Bad Request: user not found"
MESSAGE_TOO_LONG = "Bad Request: message is too long"
CAPTION_TOO_LONG = "Bad Request: message caption is too long"
TEXT_EMPTY = "Bad Request: message text is empty"
MESSAGE_TO_EDIT_NOT_FOUND = "Bad Request: message to edit not found"
MESSAGE_TO_DELETE_NOT_FOUND = "Bad Request: message to delete not found"
NO_TEXT_TO_EDIT = "Bad Request: there is no text in the message to edit"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
POLL_TO_STOP_NOT_FOUND = "Bad Request: message with poll to stop not found"
POLL_ALREADY_CLOSED = "Bad Request: poll has already been closed"
POLL_TOO_FEW_OPTIONS = "Bad Request: poll must have at least {low} option"
POLL_TOO_MANY_OPTIONS = "Bad Request: poll can't have more than {high} options"
POLL_QUESTION_LENGTH = "Bad Request: poll question length must not exceed {high}"
POLL_OPTION_LENGTH = "Bad Request: poll options length must not exceed {high}"
POLL_ANONYMOUS_REQUIRED = "Bad Request: non-anonymous polls can't be sent to channel chats"
QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
BUTTON_DATA_INVALID = "Bad Request: BUTTON_DATA_INVALID"
COMMAND_INVALID = "Bad Request: BOT_COMMAND_INVALID"
COMMAND_DESCRIPTION_INVALID = "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID"
UNSUPPORTED_PARSE_MODE = "Bad Request: unsupported parse_mode"
IMAGE_PROCESS_FAILED = "Bad Request: IMAGE_PROCESS_FAILED"
WRONG_FILE_ID = "Bad Request: wrong file identifier/HTTP URL specified"
INVALID_FILE_ID = "Bad Request: invalid file_id"
PARAMETER_MISSING = "Bad Request: {name} is empty"
PARAMETER_INVALID = "Bad Request: invalid {name} specified"
CANT_PARSE_ENTITIES = "Bad Request: can't parse entities: {detail}"
WEBHOOK_URL_INVALID = "Bad Request: bad webhook: An HTTP URL must be provided for webhook"

BOT_KICKED_GROUP = "Forbidden: bot was kicked from the group chat"
BOT_KICKED_SUPERGROUP = "Forbidden: bot was kicked from the supergroup chat"
BOT_NOT_MEMBER_GROUP = "Forbidden: bot is not a member of the group chat"
BOT_NOT_MEMBER_SUPERGROUP = "Forbidden: bot is not a member of the supergroup chat"
BOT_NOT_MEMBER_CHANNEL = "Forbidden: bot is not a member of the channel chat"
BOT_BLOCKED = "Forbidden: bot was blocked by the user"
CANT_INITIATE = "Forbidden: bot can't initiate conversation with a user"

UNAUTHORIZED = "Unauthorized"
NOT_FOUND = "Not Found"
CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
CONFLICT_OTHER_POLL = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
TOO_MANY_REQUESTS = "Too Many Requests: retry after {seconds}"


class ApiError(Exception):
    """A Bot API failure: the handler stops and the server answers with this status and body."""

    def __init__(self, *, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def body(self) -> dict[str, object]:
        """The JSON body Telegram sends with a failure (`parameters` only when there are any)."""
        body: dict[str, object] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(description: str) -> ApiError:
    return ApiError(status=400, description=description)


def forbidden(description: str) -> ApiError:
    return ApiError(status=403, description=description)


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(
        status=429,
        description=TOO_MANY_REQUESTS.format(seconds=retry_after),
        retry_after=retry_after,
    )
