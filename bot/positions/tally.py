"""The live tally line under a statement: counts per option, never names, only from k on."""

from __future__ import annotations

from bot.domain import ScaleOption
from bot.labels import option_label
from bot.texts import Texts


def tally_line(counts: dict[str, int] | None, scale: tuple[ScaleOption, ...], texts: Texts,
               k: int) -> str:
    if counts is None:
        return texts.gettext("The tally appears from {k} answers on.", k=k)
    parts = [f"{option_label(o, texts)} {counts[o.key]}" for o in scale if counts.get(o.key)]
    total = sum(counts.values())
    return texts.ngettext("Tally ({n} answer): {parts}", "Tally ({n} answers): {parts}", total,
                          parts=" · ".join(parts))
