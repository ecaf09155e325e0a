"""Issue #11: a digest of 500 statements and 1,000 people posts to Slack and Telegram within
every limit, and its ranked insights are the ones computed by hand."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from matplotlib.image import imread

from bot.insight.aggregation import aggregate_campaign
from bot.insight.privacy import apply_threshold
from bot.insight.ranking import rank_insights
from bot.service import CampaignService
from tests.factories import apply_settings, settings
from tests.scale import PLANTED, build_scale_campaign
from tests.slack_world import slack_section, slack_world
from tests.telegram_world import POLL, telegram_section, telegram_world

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def block_texts(block: dict[str, Any]) -> list[str]:
    items = [block.get("text") or {}, *(block.get("elements") or [])]
    return [i["text"] for i in items if isinstance(i, dict) and isinstance(i.get("text"), str)]


async def test_500_statements_rank_as_computed_by_hand(service: CampaignService) -> None:
    built = await build_scale_campaign(service.db, service.campaign_id)
    assert (len(built.statement_keys), built.people) == (500, 1000)
    aggregate = await aggregate_campaign(service.db, service.campaign_id)
    campaign = service.settings.campaign
    visible = [apply_threshold(s, campaign.privacy_threshold, scale=service.scale)
               for s in aggregate.statements]
    insights = rank_insights(visible, campaign, service.scale)
    # agree-all: (46/52 · 45/52 · 86/102 · 37/42) = 0.568584; agree-missing, with ½ for
    # waterschap: (48/52)² · 95/102 · ½ = 0.396775 (the old rule, without the ½: 0.79355).
    assert [a.statement_key for a in insights.agree][:2] == ["agree-all", "agree-missing"]
    assert insights.agree[0].score == pytest.approx(46 / 52 * 45 / 52 * 86 / 102 * 37 / 42)
    assert insights.agree[1].score == pytest.approx((48 / 52) ** 2 * 95 / 102 / 2)
    # split-large: 145/182 − 4/132 = 0.766422; split-small: 13/14 − 22/102 = 0.712885.
    assert [p.statement_key for p in insights.part][:2] == ["split-large", "split-small"]
    assert insights.part[0].gap == pytest.approx(145 / 182 - 4 / 132)
    assert insights.part[1].gap == pytest.approx(13 / 14 - 22 / 102)
    assert insights.unsure[0].statement_key == "unsure"
    assert insights.unsure[0].share == pytest.approx(0.5)
    assert set(PLANTED) <= set(insights.statements)


async def test_500_statement_digest_posts_within_every_limit(service: CampaignService,
                                                             db_url: str) -> None:
    await build_scale_campaign(service.db, service.campaign_id)
    config = await apply_settings(service, settings(db_url, slack=slack_section(),
                                                    telegram=telegram_section()))
    async with slack_world(service, config) as slack, telegram_world(service, config) as tg:
        draft = await service.digest_draft()
        chart = await service.digest_chart(release=draft.release)
        report = await service.publish_draft(draft, period="scale", chart_png=chart)
        assert (report.posted, report.failed) == (2 + 3, 0)
        for channel in ("C0RIJK0001", "C0MIXED001"):
            posted = [m for m in slack.emulator.messages(channel) if m.blocks]
            assert posted, channel
            for message in posted:
                assert len(message.blocks) <= 50
                assert len(message.text) <= 4000
                texts = [t for b in message.blocks for t in block_texts(b)]
                assert all(len(t) <= 3000 for t in texts)
                assert sum(len(t) for t in texts) <= 12_000
            shown = "\n".join(t for m in posted for b in m.blocks for t in block_texts(b))
            assert "agree-all" in shown and "split-large" in shown
            # The chat holds the ranked lists only (3 per list, 4 layers); the table is a file.
            keys = [v.statement.key for v in draft.release.statements]
            mentioned = {key for key in keys if f"({key})”" in shown}
            assert 5 <= len(mentioned) <= 3 * (2 + 4 + 1)
        files = list(slack.emulator.state.files.values())
        table = next(f for f in files if f.filename == "positie-stellingen.txt")
        png = next(f for f in files if f.filename == "positie-samenvatting.png")
        assert png.alt_txt == draft.document.chart_alt and len(png.alt_txt) <= 1000
        assert png.alt_txt.startswith("Grafiek: voor 8 stellingen uit deze samenvatting")
        assert table.length > 100_000  # 500 statements, every layer
        for chat in tg.emulator.state.chats:
            messages = tg.emulator.messages(chat)
            assert all(len(m.plain_text or "") <= 4096 for m in messages)
        document = next(m for m in tg.emulator.messages(POLL) if m.document_file_id)
        data = tg.emulator.state.files[document.document_file_id].data.decode()
        assert "bg-499" in data or "bg-494" in data
        photo = next(m for m in tg.emulator.messages(POLL) if m.photo_file_id)
        assert photo.caption == draft.document.chart_alt
    height, width = imread(BytesIO(chart)).shape[:2]
    assert height <= 2000, (width, height)
