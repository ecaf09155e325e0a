"""What the Telegram bot says beyond the shared replies (bot.positions.replies): its commands, the
group's layer question, the way to a private chat. English msgids, Dutch in the catalogue."""

from __future__ import annotations

from telegram import BotCommand

from bot.publishing.statements import DeliveryReport
from bot.texts import Texts


def bot_commands(texts: Texts, *, layer_command: str,
                 forget_command: str) -> list[BotCommand]:
    """The command menu in the language of `texts`; descriptions of 3–256 characters."""
    return [
        BotCommand(layer_command, texts.gettext("Your layer of government")),
        BotCommand("mijnposities", texts.gettext("Your own positions (privately)")),
        BotCommand("stellingen", texts.gettext("The open statements")),
        BotCommand("stop", texts.gettext("No more private reminders (/start: on again)")),
        BotCommand(forget_command, texts.gettext("Erase what positie holds about you")),
        BotCommand("privacy", texts.gettext("What positie holds about you, and why")),
        BotCommand("help", texts.gettext("How positie works")),
    ]


def command_list(texts: Texts) -> str:
    return texts.gettext(
        "/laag (your layer of government) · /mijnposities (your own positions, privately) · "
        "/stellingen (open statements) · /stop or /start (private reminders) · /vergeet "
        "(erase what positie holds about you) · /privacy (what positie holds and why) · "
        "/help")


def poll_votes_stay(texts: Texts) -> str:
    return texts.gettext("A vote you cast in a Telegram poll stays visible in that poll until "
                         "you retract it there.")


def admin_command_list(texts: Texts) -> str:
    return texts.gettext("For the krachtteam: /post ID (open a statement) · /sluit ID "
                         "(close it) · /digest (post the digest now)")


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


def admins_only(texts: Texts) -> str:
    return texts.gettext("Sorry, only the campaign's admins (krachtteam) can do that. "
                         "Nothing has changed.")


def usage(command: str, texts: Texts) -> str:
    return texts.gettext("Use: {command} STATEMENT-ID (see /stellingen and the statements "
                         "file for the ids).", command=command)


def unknown_statement(key: str, texts: Texts) -> str:
    return texts.gettext("There is no statement with id “{key}”.", key=key)


def unknown_layer(texts: Texts) -> str:
    return texts.gettext("That layer is unknown; nothing has changed.")


def posted(key: str, report: DeliveryReport, texts: Texts) -> str:
    return texts.gettext("Statement {key} is open: posted in {posted}, kept for retry "
                         "{pending}, unreachable {unavailable}.", key=key,
                         posted=report.posted, pending=report.pending,
                         unavailable=report.unavailable)


def closed(key: str, updated: int, texts: Texts) -> str:
    return texts.gettext("Statement {key} is closed; {updated} message(s) updated.", key=key,
                         updated=updated)


def digest_posted(posted_to: int, already: int, failed: int, texts: Texts) -> str:
    return texts.gettext("Digest posted in {posted} chat(s) and channel(s); failed: {failed}.",
                         posted=posted_to + already, failed=failed)
