"""Display names for layers and scale options in the campaign's or the reader's language."""

from __future__ import annotations

from babel.numbers import format_decimal, format_percent

from bot.domain import UNKNOWN_LAYER, ScaleOption
from bot.settings.config import CampaignSettings
from bot.texts import Texts


def N_(message: str) -> str:
    """Marks a text for the catalogue where it is translated later (pybabel -k N_)."""
    return message


# Labels of the default scale's keys; a campaign may override them in its config.
_OPTION_MSGIDS = {
    "helemaal_eens": N_("strongly agree"),
    "eens": N_("agree"),
    "neutraal": N_("neutral"),
    "oneens": N_("disagree"),
    "helemaal_oneens": N_("strongly disagree"),
    "weet_niet": N_("don't know"),
}


def option_label(option: ScaleOption, texts: Texts) -> str:
    custom = option.label_nl if texts.language == "nl" else option.label_en
    if custom:
        return custom
    msgid = _OPTION_MSGIDS.get(option.key)
    return texts.gettext(msgid) if msgid else option.key.replace("_", " ")


def layer_label(layer: str, campaign: CampaignSettings, texts: Texts) -> str:
    if layer == UNKNOWN_LAYER:
        return texts.gettext("unknown layer")
    for item in campaign.layers:
        if item.key == layer:
            return item.label_nl if texts.language == "nl" else item.label_en
    return layer


def percent(share: float, texts: Texts) -> str:
    return format_percent(share, locale=texts.language)


def signed(value: float, texts: Texts) -> str:
    text = format_decimal(round(value, 1), format="0.0", locale=texts.language)
    return f"+{text}" if value > 0 else text
