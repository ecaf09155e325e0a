"""A tests/scale.py campaign (here 60 statements in four themes, 1,000 people): the report
stays navigable (every contents link has its target, ids are unique), every statement has its
chart, alternative and table, and the planted insights are the digest's."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from markupsafe import escape

from bot.service import CampaignService
from report.build import report_html
from tests.scale import build_scale_campaign


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_a_larger_campaign_report_is_navigable_and_complete(
        service: CampaignService) -> None:
    scale = await build_scale_campaign(service.db, "test", statements=60)
    data = await service.report_data("en")
    html = report_html(data, service.settings)

    ids = re.findall(r' id="([^"]+)"', html)
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    contents = html[html.index("<nav"):html.index("</nav>")]
    links = re.findall(r'href="#([^"]+)"', contents)
    assert set(links) <= set(ids) and len(links) >= 5 + 4
    assert [f"theme-schaal-{n}" for n in range(1, 5)] == [x for x in links if "schaal" in x]
    statements = [i for i in ids if i.startswith("statement-")]
    assert len(statements) == len(scale.statement_keys) == 60
    # A chart per statement (scale.py writes no position events: no participation chart).
    assert html.count('<div class="chart" role="img" aria-label="') == 60
    assert html.count("<caption>Answers per layer on") == 60
    digest = await service.digest("en")
    agree = next(s for s in digest.sections if s.title == "Where the layers agree")
    items = [item for block in agree.blocks for item in getattr(block, "items", ())]
    assert any("(agree-all)" in item for item in items)  # the planted consensus
    for item in items:  # word for word as the digest says it
        assert str(escape(item)) in html
