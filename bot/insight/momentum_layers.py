"""Per layer: how it compares with the others, and where its answers are still few.

Computed from the grouped counts of the aggregate (no rows), over shown cells only where
agreement is concerned; the nudges are answer counts, which say who took part in how
great a number, never what anyone answered.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain import UNKNOWN_LAYER, ScaleOption
from bot.insight.release import Release

MAX_NUDGES = 3  # a digest is read, not scanned: the few thinnest spots only


@dataclass(frozen=True, slots=True)
class LayerComparison:
    layer: str
    agree_share: float | None  # over the statements where this layer's cell is shown
    others_agree_share: float | None  # the other layers' shown cells on those statements
    response_rate: float
    others_response_rate: float


@dataclass(frozen=True, slots=True)
class LayerNudge:
    layer: str
    theme_title: str
    answers: int  # on the theme's open statements, below the privacy threshold


def compare_layers(release: Release,
                   scale: tuple[ScaleOption, ...]) -> tuple[LayerComparison, ...]:
    out = []
    for layer in _named_layers(release):
        own_agree = own_n = other_agree = other_n = 0
        for v in release.statements:
            own = v.cells.get(layer)
            if own is None:
                continue
            own_agree, own_n = own_agree + own.agree(scale), own_n + own.respondents
            for other_layer, cell in v.cells.items():
                if other_layer != layer:
                    other_agree += cell.agree(scale)
                    other_n += cell.respondents
        out.append(LayerComparison(
            layer=layer,
            agree_share=own_agree / own_n if own_n else None,
            others_agree_share=other_agree / other_n if other_n else None,
            response_rate=release.response_rate(layer),
            others_response_rate=_others_rate(release, layer)))
    return tuple(out)


def layer_nudges(release: Release) -> tuple[LayerNudge, ...]:
    """Layers with fewer than k answers on a theme that has an open statement (how many
    answered, which says nothing of what)."""
    themes: dict[str, tuple[str, dict[str, int]]] = {}
    for v in release.statements:
        if v.statement.state != "open":
            continue
        _, counts = themes.setdefault(v.statement.theme_key, (v.statement.theme_title, {}))
        for layer, n in v.live_respondents.items():
            counts[layer] = counts.get(layer, 0) + n
    nudges = [LayerNudge(layer, title, counts.get(layer, 0))
              for title, counts in themes.values()
              for layer in _named_layers(release) if counts.get(layer, 0) < release.k]
    return tuple(sorted(nudges, key=lambda n: n.answers)[:MAX_NUDGES])


def _named_layers(release: Release) -> list[str]:
    """Layers that have participants, except the built-in "onbekend"."""
    return [layer for layer, n in sorted(release.participants_by_layer.items())
            if n and layer != UNKNOWN_LAYER]


def _others_rate(release: Release, layer: str) -> float:
    people = sum(n for other, n in release.participants_by_layer.items() if other != layer)
    given = sum(n for other, n in release.positions_by_layer.items() if other != layer)
    possible = people * release.statements_asked
    return given / possible if possible else 0.0
