"""What the Telegram bot says beyond the shared replies (bot.positions.replies): its commands, the
group's layer question, the way to a private chat. English msgids, Dutch in the catalogue."""

from __future__ import annotations

from telegram import BotCommand

from bot.texts import Texts

# Command names per language: the Dutch ones are the default, the English ones work too
# and are what English menus and help show.
NAMES = {
    "nl": {"layer": "laag", "mine": "mijnposities", "open": "stellingen", "forget": "vergeet"},
    "en": {"layer": "layer", "mine": "mypositions", "open": "statements", "forget": "forget"},
}


def command_name(what: str, texts: Texts) -> str:
    return NAMES.get(texts.language, NAMES["nl"])[what]


def bot_commands(texts: Texts) -> list[BotCommand]:
    """The command menu in the language of `texts`; descriptions of 3–256 characters."""
    return [
        BotCommand(command_name("layer", texts), texts.gettext("Your layer of government")),
        BotCommand(command_name("mine", texts), texts.gettext("Your own positions (privately)")),
        BotCommand(command_name("open", texts), texts.gettext("The open statements")),
        BotCommand("stop", texts.gettext("No more private reminders (/start: on again)")),
        BotCommand(command_name("forget", texts),
                   texts.gettext("Erase what positie holds about you")),
        BotCommand("privacy", texts.gettext("What positie holds about you, and why")),
        BotCommand("help", texts.gettext("How positie works")),
    ]


def command_list(texts: Texts) -> str:
    return texts.gettext(
        "/{layer} (your layer of government) · /{mine} (your own positions, privately) · "
        "/{open} (open statements) · /stop or /start (private reminders) · /{forget} "
        "(erase what positie holds about you) · /privacy (what positie holds and why) · "
        "/help",
        **{what: command_name(what, texts) for what in ("layer", "mine", "open", "forget")})


def poll_votes_stay(texts: Texts) -> str:
    return texts.gettext("A vote you cast in a Telegram poll stays visible in that poll until "
                         "you retract it there.")


def group_layer_question(texts: Texts) -> str:
    return texts.gettext(
        "Not everyone who answered here has said which layer of government they work for. "
        "Tap yours: it sets only your own layer, and your positions count for it.")


def start_privately(texts: Texts, bot_username: str, command: str) -> str:
    return texts.gettext(
        "I answer that only privately. Start a chat with me ({link}) and send {command} "
        "there.", link=f"https://t.me/{bot_username}?start=mijn", command=command)


def open_statements(items: list[tuple[str, str]], texts: Texts) -> str:
    if not items:
        return texts.gettext("No statement is open right now.")
    lines = [texts.gettext("Open statements:")]
    lines += [f"• {key}: “{text}”" for key, text in items]
    return "\n".join(lines)


def unknown_layer(texts: Texts) -> str:
    return texts.gettext("That layer is unknown; nothing has changed.")
