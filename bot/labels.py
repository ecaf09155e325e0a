"""Display names for layers and scale options in the campaign's or the reader's language."""

from __future__ import annotations

from functools import lru_cache

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
    return _percent(share, texts.language)


def signed(value: float, texts: Texts) -> str:
    text = _decimal(round(value, 1), texts.language)
    return f"+{text}" if value > 0 else text


# Babel parses its pattern on every call (~40 µs); a digest's table of 500 statements
# formats thousands of shares and means, most of them the same few values.
@lru_cache(maxsize=8192)
def _percent(share: float, language: str) -> str:
    return format_percent(share, locale=language)


@lru_cache(maxsize=1024)
def _decimal(value: float, language: str) -> str:
    return format_decimal(value, format="0.0", locale=language)


def clear_format_cache() -> None:
    """Forget formatted numbers (benchmarks time a digest as a fresh process builds it)."""
    _percent.cache_clear()
    _decimal.cache_clear()
