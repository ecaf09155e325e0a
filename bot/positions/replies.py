"""What a person is told after an action, shared by every adapter (plain text)."""

from __future__ import annotations

from typing import Protocol

from bot.domain import Outcome, PositionResult, RefusalReason
from bot.people.erasure import Erasure
from bot.positions.own import OwnPosition
from bot.texts import Texts


class OptionNames(Protocol):
    """Whatever names an option in the reader's language (the campaign service does)."""

    def option_name(self, option_key: str, texts: Texts) -> str:
        ...


def vote_reply(result: PositionResult, statement_text: str, service: OptionNames,
               texts: Texts, *, hint: bool = True) -> str:
    if result.outcome is Outcome.REFUSED:
        return refusal(result.reason, texts)
    if result.outcome is Outcome.WITHDRAWN:
        return texts.gettext("Your position on “{statement}” is withdrawn.",
                             statement=statement_text)
    option = service.option_name(result.option_key or "", texts)
    if result.outcome is Outcome.CHANGED:
        reply = texts.gettext("Changed: your position on “{statement}” is now: {option}.",
                              statement=statement_text, option=option)
    else:
        reply = texts.gettext("Your position on “{statement}”: {option}.",
                              statement=statement_text, option=option)
    if hint:
        reply += " " + texts.gettext("Changed your mind? Just tap another option.")
    if result.needs_layer:
        reply += "\n" + layer_question(texts)
    return reply


def refusal(reason: RefusalReason | None, texts: Texts) -> str:
    if reason is RefusalReason.NOT_OPEN:
        return texts.gettext("This statement is closed; your answer was not recorded.")
    if reason is RefusalReason.UNKNOWN_OPTION:
        return texts.gettext("That answer option is unknown; your answer was not recorded.")
    return texts.gettext("This statement is unknown; your answer was not recorded.")


def layer_question(texts: Texts) -> str:
    return texts.gettext("Which layer of government do you work for? Your position counts "
                         "for that layer once you choose.")


def layer_set(layer_label: str, texts: Texts) -> str:
    return texts.gettext("Thank you. You count as {layer}; your positions count for that "
                         "layer. You can change it at any time.", layer=layer_label)


def own_positions(items: list[OwnPosition], texts: Texts) -> str:
    if not items:
        return texts.gettext("You have not taken a position yet.")
    lines = [texts.gettext("Your positions (only you see this):")]
    lines += [f"• “{p.statement_text}”: {p.option_label}" for p in items]
    return "\n".join(lines)


def help_text(texts: Texts, commands: str) -> str:
    return texts.gettext(
        "positie keeps the workshop's conversation going: tap a position under a statement; "
        "only you see your answer, and each digest shows what every layer of government "
        "thinks. Commands: {commands}", commands=commands)


def forget_question(erasure: Erasure, confirm_command: str, texts: Texts) -> str:
    if not erasure.known:
        return nothing_held(texts)
    return texts.ngettext(
        "This erases your {n} position, your layer and your history with positie, for good. "
        "Digests already posted count people per layer, never names, and stay as they are. "
        "To go ahead, send: {command}",
        "This erases your {n} positions, your layer and your history with positie, for good. "
        "Digests already posted count people per layer, never names, and stay as they are. "
        "To go ahead, send: {command}",
        erasure.positions, command=confirm_command)


def forgotten(erasure: Erasure, texts: Texts) -> str:
    if not erasure.known:
        return nothing_held(texts)
    return texts.gettext("Done: positie has forgotten you. If you answer again, you start "
                         "afresh.")


def nothing_held(texts: Texts) -> str:
    return texts.gettext("positie holds nothing about you.")
