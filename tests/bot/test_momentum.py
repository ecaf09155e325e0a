"""Momentum on a small data set checked by hand (k = 3), through the release step.

Before the first digest: rijk R1-R6 answer S1 (e2 o2 n1 wn1, diverse: shown; R3 changes
eens -> oneens once) and gemeente G1-G3 all say oneens (alike: a count only); S2 is open
without answers. After it: five more rijk people answer S1 (he1 e1 n1 ho1 wn1: rijk's S1
cell is released again, 2/6 -> 4/11 agree), G1 changes to eens, G2 clicks oneens again
(no change), and on S2 waterschap W1, W2 and G1 answer (cells under k).
"""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest

from bot.clock import FixedClock
from bot.document import AnswerButtons
from bot.insight.momentum import Momentum, compute_momentum, save_snapshot
from bot.insight.render_text import render_text
from bot.service import CampaignService
from tests.factories import T0, person, vote

S1, S2 = "visie-rijk", "samen-een-loket"
THEME1, THEME2 = "Versneller 1 — Visie en richting", "Versneller 2 — Samenwerken tussen " \
                                                     "overheidslagen"
FIRST_DIGEST = T0 + timedelta(hours=1)
NOW = T0 + timedelta(days=3)


async def answer(service: CampaignService, user: str, layer: str, statement: str, option: str,
                 at: float) -> None:
    who = person(user)
    await service.choose_layer(who, layer)
    await service.record(vote(who, statement, option, at=at))


def move_clock(service: CampaignService, to: object) -> None:
    assert isinstance(service.clock, FixedClock)
    service.clock.current = to  # type: ignore[assignment]


@pytest.fixture
async def data(service: CampaignService) -> CampaignService:
    await service.open(S1)
    await service.open(S2)
    for n, (user, option) in enumerate([
            ("R1", "eens"), ("R2", "eens"), ("R3", "eens"), ("R3", "oneens"),
            ("R4", "oneens"), ("R5", "neutraal"), ("R6", "weet_niet")]):
        await answer(service, user, "rijk", S1, option, at=1 + n)
    for n, user in enumerate(("G1", "G2", "G3")):
        await answer(service, user, "gemeente", S1, "oneens", at=10 + n)
    return service


async def phase_two(service: CampaignService) -> None:
    move_clock(service, T0 + timedelta(days=2))
    for n, (user, option) in enumerate([("R7", "helemaal_eens"), ("R8", "neutraal"),
                                        ("R9", "helemaal_oneens"), ("R10", "weet_niet"),
                                        ("R11", "eens"), ("R12", "neutraal"),
                                        ("R13", "helemaal_eens")]):
        await answer(service, user, "rijk", S1, option, at=20 + n)
    await answer(service, "G1", "gemeente", S1, "eens", at=30)
    await answer(service, "G2", "gemeente", S1, "oneens", at=31)
    await answer(service, "W1", "waterschap", S2, "eens", at=32)
    await answer(service, "W2", "waterschap", S2, "oneens", at=33)
    await answer(service, "G1", "gemeente", S2, "eens", at=34)


async def momentum_at(service: CampaignService, now: object) -> Momentum:
    return await compute_momentum(service.db, service.campaign_id, now=now,  # type: ignore[arg-type]
                                  release=await service.release(), scale=service.scale)


async def test_the_first_digest_counts_everything_so_far(data: CampaignService) -> None:
    momentum = await momentum_at(data, FIRST_DIGEST)
    assert momentum.since is None
    assert momentum.new_positions == {"rijk": 6, "gemeente": 3}
    assert momentum.people_changed == 0  # one person changed: under k, not said
    assert momentum.participation == {"gemeente": (3,), "rijk": (6,)}
    assert momentum.moved_most is None
    assert momentum.fewest_answers is not None
    assert (momentum.fewest_answers.statement_key, momentum.fewest_answers.answers) == (S2, 0)
    assert [(n.layer, n.theme_title, n.answers) for n in momentum.nudges] == [
        ("gemeente", THEME2, 0), ("rijk", THEME2, 0)]
    # Gemeente's three alike answers are never a share, so never compared or moved.
    assert momentum.snapshot["agree"] == {S1: {"rijk": pytest.approx(2 / 6)}}


async def test_momentum_since_the_previous_digest(data: CampaignService) -> None:
    first = await momentum_at(data, FIRST_DIGEST)
    await save_snapshot(data.db, campaign_id=data.campaign_id, period="p1",
                        snapshot=first.snapshot, now=FIRST_DIGEST)
    await phase_two(data)
    momentum = await momentum_at(data, NOW)
    assert momentum.since == FIRST_DIGEST
    # Gemeente +1 and waterschap +2 are under k: only rijk's seven new positions are said
    # (seven, spread, so that with any one of them taken out the rest still may be shown).
    assert momentum.new_positions == {"rijk": 7}
    assert momentum.people_changed == 0  # G1 only (G2 clicked the same option again)
    assert momentum.participation == {"gemeente": (3, 3), "rijk": (6, 13),
                                      "waterschap": (0, 2)}
    moved = momentum.moved_most
    assert moved is not None
    assert (moved.statement_key, moved.layer) == (S1, "rijk")
    assert (moved.before, moved.after) == (pytest.approx(2 / 6), pytest.approx(5 / 13))
    assert momentum.fewest_answers is not None
    assert (momentum.fewest_answers.statement_key, momentum.fewest_answers.answers) == (S2, 3)
    comparisons = {c.layer: c for c in momentum.comparisons}
    assert comparisons["rijk"].agree_share == pytest.approx(5 / 13)
    assert comparisons["rijk"].others_agree_share is None  # no other layer shown in full
    assert comparisons["rijk"].response_rate == pytest.approx(13 / 26)
    assert comparisons["rijk"].others_response_rate == pytest.approx(6 / 10)
    assert comparisons["gemeente"].agree_share is None
    assert comparisons["gemeente"].response_rate == pytest.approx(4 / 6)
    assert comparisons["waterschap"].agree_share is None
    assert [(n.layer, n.theme_title, n.answers) for n in momentum.nudges] == [
        ("waterschap", THEME1, 0), ("rijk", THEME2, 0), ("gemeente", THEME2, 1)]
    assert S2 not in momentum.snapshot["agree"]  # no S2 cell is shown in full


async def test_one_new_answer_moves_nothing(data: CampaignService) -> None:
    first = await momentum_at(data, FIRST_DIGEST)
    await save_snapshot(data.db, campaign_id=data.campaign_id, period="p1",
                        snapshot=first.snapshot, now=FIRST_DIGEST)
    move_clock(data, T0 + timedelta(days=2))
    await answer(data, "R7", "rijk", S1, "helemaal_eens", at=20)
    momentum = await momentum_at(data, NOW)
    assert momentum.moved_most is None and momentum.new_positions == {}
    assert momentum.snapshot["agree"] == first.snapshot["agree"]  # the figures stand


async def test_the_digest_tells_it_in_dutch_without_naming_anyone(
        data: CampaignService) -> None:
    move_clock(data, FIRST_DIGEST)
    draft = await data.digest_draft()
    await save_snapshot(data.db, campaign_id=data.campaign_id, period="p1",
                        snapshot=draft.snapshot, now=FIRST_DIGEST)
    await phase_two(data)
    move_clock(data, NOW)
    document = await data.digest()
    # The lines per statement and layer travel in the table attached to the digest.
    text = render_text(document) + "\n".join(a.text for a in document.attachments)
    assert document.sections[0].title == "Sinds de vorige samenvatting"
    assert "Nieuwe posities: Rijk +7." in text
    assert "veranderden van positie" not in text and "veranderde van positie" not in text
    assert "(Rijk): van 33% naar 38% eens." in text
    assert "Deelnemers per laag: Rijk 6 → 13, Gemeente 3 → 3, Waterschap 0 → 2." in text
    assert f"Van Waterschap nog geen antwoorden op {THEME1}." in text
    assert f"Van Gemeente nog maar 1 antwoord op {THEME2}." in text
    assert "Gemeente (3): niet uitgesplitst, ter bescherming van een kleine groep" in text
    assert "Waterschap: onder de privacydrempel" in text
    assert "Waterschap: nog te weinig antwoorden om de instemming te vergelijken." in text
    action = document.sections[-1]
    assert action.title == "Jouw positie telt"
    buttons = action.blocks[-1]
    assert isinstance(buttons, AnswerButtons) and buttons.statement_key == S2
    assert len(buttons.options) == 6
    for user in ("R1", "R3", "G1", "W1", "W2"):
        assert user not in text


def test_the_digest_date_is_the_campaigns_local_date() -> None:
    """Saturday 00:30 in Amsterdam is Friday 23:30 UTC: the digest says Saturday's date."""
    from datetime import datetime

    from bot.insight.aggregation import CampaignAggregate
    from bot.insight.digest import build_digest
    from bot.insight.digest_context import DigestContext
    from bot.texts import texts_for
    from tests.factories import settings

    campaign = settings("sqlite+aiosqlite://").campaign
    now = datetime(2026, 12, 4, 23, 30, tzinfo=UTC)
    ctx = DigestContext(campaign=campaign, scale=campaign.scale_options(),
                        texts=texts_for("nl"), now=now)
    empty = CampaignAggregate(statements=(), participants_by_layer={}, positions_by_layer={},
                              statements_asked=0)
    document = build_digest(empty, ctx)
    assert "5 december 2026" in document.title + document.intro


def test_the_digest_intro_counts_in_the_singular_too() -> None:
    """"1 deelnemers namen 1 posities in op 1 stellingen" no more."""
    from datetime import UTC, datetime

    from bot.insight.aggregation import CampaignAggregate, Cell, StatementAggregate
    from bot.insight.digest import build_digest
    from bot.insight.digest_context import DigestContext
    from bot.insight.release import single_release
    from bot.texts import texts_for
    from tests.factories import settings

    campaign = settings("sqlite+aiosqlite://").campaign
    one = StatementAggregate(key="s", text="S", theme_key="t", theme_title="T", state="open",
                             cells={"rijk": Cell("rijk", {"eens": 1})})
    release = single_release(CampaignAggregate(statements=(one,),
                                               participants_by_layer={"rijk": 1},
                                               positions_by_layer={"rijk": 1},
                                               statements_asked=1),
                             scale=campaign.scale_options(), k=3)
    for language, expected in (("nl", "1 deelnemer nam 1 positie in op 1 stelling."),
                               ("en", "1 participant took 1 position on 1 statement.")):
        ctx = DigestContext(campaign=campaign, scale=campaign.scale_options(),
                            texts=texts_for(language), now=datetime(2026, 12, 1, tzinfo=UTC))
        assert build_digest(release, ctx).intro == expected
