"""A campaign at real scale for scenario tests: hundreds of statements, a thousand people in
four layers (and a few onbekend), positions written straight into the store.

Most statements are "background": everyone answers about a third of them, leaning slightly
towards agreeing, the same way in every layer, so none is agreed across layers (a typical
layer near 45 %) and none parts clearly. A few statements are planted with exact counts, so
a test can compute the ranked insights by hand.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import insert, select, update

from bot.publishing.catalogue_import import import_catalogue
from bot.settings.catalogue import Catalogue
from bot.store.db import Database
from bot.store.models import Participant, Position, Statement
from tests.factories import T0

PEOPLE = {"rijk": 200, "provincie": 200, "gemeente": 400, "waterschap": 160, "onbekend": 40}
BACKGROUND = (("helemaal_eens", 0.15), ("eens", 0.30), ("neutraal", 0.12), ("oneens", 0.22),
              ("helemaal_oneens", 0.13), ("weet_niet", 0.08))
TEXTS = (
    "Het Rijk moet de visie op de circulaire economie bepalen; de regio werkt die uit.",
    "Regionale samenwerking werkt beter dan landelijke programma's voor circulaire ketens.",
    "Voor circulaire experimenten moeten we regels tijdelijk buiten werking kunnen stellen, "
    "ook als dat betekent dat toezichthouders en vergunningverleners anders gaan werken dan "
    "ze gewend zijn, en dat de verantwoording achteraf & niet vooraf plaatsvindt.",
    "Bij aanbestedingen weegt de laagste prijs nog steeds zwaarder dan circulariteit.",
)
# Planted cells: layer -> (agree, disagree, dont_know), answered by the layer's first people.
Planted = dict[str, tuple[int, int, int]]
PLANTED: dict[str, Planted] = {
    # Every layer agrees: 45/50, 44/50, 85/100, 36/40.
    "agree-all": {"rijk": (45, 5, 0), "provincie": (44, 6, 0), "gemeente": (85, 15, 0),
                  "waterschap": (36, 4, 0)},
    # Three layers agree more, waterschap has not answered: first under the old rule.
    "agree-missing": {"rijk": (47, 3, 0), "provincie": (47, 3, 0), "gemeente": (94, 6, 0)},
    # 80 % of 180 against 2.3 % of 130.
    "split-large": {"provincie": (144, 36, 0), "gemeente": (3, 127, 0)},
    # 12 of 12 against 21 of 100: first under the old rule (raw gap 0.79 > 0.777); 12 alike
    # is the smallest unanimous cell the release step shows in full (4·k).
    "split-small": {"rijk": (12, 0, 0), "gemeente": (21, 79, 0)},
    # Half of 120 don't know.
    "unsure": {"rijk": (20, 10, 30), "gemeente": (20, 10, 30)},
}


@dataclass(frozen=True, slots=True)
class ScaleCampaign:
    statement_keys: tuple[str, ...]
    people: int
    positions: int


def catalogue(statements: int) -> Catalogue:
    keys = [*PLANTED, *(f"bg-{n:03d}" for n in range(statements - len(PLANTED)))]
    themes = []
    per_theme = -(-len(keys) // 4)
    for t in range(4):
        chunk = keys[t * per_theme:(t + 1) * per_theme]
        themes.append({"key": f"schaal-{t + 1}", "title": f"Versneller {t + 1}",
                       "statements": [{"key": key, "text": f"{TEXTS[i % len(TEXTS)]} ({key})"}
                                      for i, key in enumerate(chunk)]})
    return Catalogue.model_validate({"themes": themes})


async def build_scale_campaign(db: Database, campaign_id: str, *, statements: int = 500,
                               answer_share: float = 0.3, seed: int = 11,
                               people: int | None = None) -> ScaleCampaign:
    """`people`: that many in all, the layers in PEOPLE's proportions (default: PEOPLE)."""
    sizes = PEOPLE if people is None else {
        layer: round(n * people / sum(PEOPLE.values())) for layer, n in PEOPLE.items()}
    await import_catalogue(db, campaign_id, catalogue(statements), now=T0)
    rng = random.Random(seed)
    async with db.transaction() as session:
        await session.execute(update(Statement).where(
            Statement.campaign_id == campaign_id,
            Statement.key.in_(list(PLANTED)) | Statement.key.like("bg-%"))
            .values(state="open", opened_at=T0))
        ids = dict((await session.execute(select(Statement.key, Statement.id).where(
            Statement.campaign_id == campaign_id, Statement.state == "open"))).all())
        members: dict[str, list[int]] = {}
        next_id = 100_000
        rows = []
        for layer, n in sizes.items():
            members[layer] = list(range(next_id, next_id + n))
            rows += [{"id": pid, "platform": "slack", "workspace": "T0SCALE",
                      "user_id": f"U{pid}", "layer": layer,
                      "layer_source": "unknown" if layer == "onbekend" else "declared",
                      "first_seen_at": T0} for pid in members[layer]]
            next_id += n
        for start in range(0, len(rows), 20_000):
            await session.execute(insert(Participant), rows[start:start + 20_000])
        positions = list(_positions(ids, members, answer_share, rng))
        for start in range(0, len(positions), 20_000):
            await session.execute(insert(Position), positions[start:start + 20_000])
    return ScaleCampaign(tuple(ids), sum(sizes.values()), len(positions))


def _positions(ids: dict[str, int], people: dict[str, list[int]], share: float,
               rng: random.Random) -> Iterator[dict[str, object]]:
    options, weights = zip(*BACKGROUND, strict=True)
    for key, sid in ids.items():
        if key in PLANTED:
            for layer, (agree, disagree, dont_know) in PLANTED[key].items():
                answers = ["eens"] * agree + ["oneens"] * disagree + ["weet_niet"] * dont_know
                for pid, option in zip(people[layer], answers, strict=False):
                    yield _row(sid, pid, layer, option)
            continue
        for layer, pids in people.items():
            for pid in pids:
                if rng.random() < share:
                    yield _row(sid, pid, layer, rng.choices(options, weights)[0])


def _row(statement_id: int, participant_id: int, layer: str, option: str) -> dict[str, object]:
    return {"statement_id": statement_id, "participant_id": participant_id, "layer": layer,
            "option_key": option, "event_time": T0.timestamp(), "changes": 0,
            "updated_at": T0}
