"""The live tally line under a statement: never names, only figures the release step let out.

How many answered is live (it says nothing about what anyone answered); the counts per
option are those of the layers shown in full as last released, so they move only in
steps that hold more than k new or changed answers: a click between two edits cannot be
read off their difference.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain import ScaleOption
from bot.labels import option_label
from bot.texts import Texts


@dataclass(frozen=True, slots=True)
class TallyView:
    answers: int  # respondents now, all layers
    counts: dict[str, int] | None  # per option over the released layers; None: none shown
    step: int = 0  # the counts move once at least this many answers are new or changed


def tally_line(view: TallyView, scale: tuple[ScaleOption, ...], texts: Texts, k: int,
               *, per_option: bool = True) -> str:
    if view.answers < k:
        return texts.gettext("The tally appears from {k} answers on.", k=k)
    line = texts.ngettext("{n} answer so far.", "{n} answers so far.", view.answers)
    if not per_option or not view.counts:
        return line
    parts = [f"{option_label(o, texts)} {view.counts[o.key]}" for o in scale
             if view.counts.get(o.key)]
    shown = sum(view.counts.values())
    return line + " " + texts.ngettext(
        "Per option ({n} answer, updated in steps of at least {k}): {parts}",
        "Per option ({n} answers, updated in steps of at least {k}): {parts}", shown,
        k=view.step, parts=" · ".join(parts))


def short_tally(view: TallyView, scale: tuple[ScaleOption, ...], texts: Texts, k: int) -> str:
    """The counts per option in few characters, for a reply with a length limit (a
    Telegram button's answer holds 200)."""
    if view.answers < k or not view.counts:
        return tally_line(view, scale, texts, k, per_option=False)
    parts = [f"{option_label(o, texts)} {view.counts[o.key]}" for o in scale
             if view.counts.get(o.key)]
    return texts.gettext("So far ({n}): {parts}", n=sum(view.counts.values()),
                         parts=" · ".join(parts))
