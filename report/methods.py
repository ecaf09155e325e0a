"""The report's "methods and privacy" section: how every number in it is made, and what the
release step keeps out. The same rules as the README's "How the digest numbers are computed"
and "Privacy", in the campaign's language."""

from __future__ import annotations

from bot.insight.privacy import SMALL_CELL_FACTOR
from bot.insight.report_data import ReportData
from bot.labels import percent


def methods_sections(data: ReportData) -> list[tuple[str, tuple[str, ...]]]:
    t, campaign = data.ctx.texts, data.ctx.campaign
    k = campaign.privacy_threshold
    sections = [
        (t.gettext("Where the numbers come from"), (
            t.gettext("Each participant has one current position per statement: the latest "
                      "answer counts. A cell is one layer of government on one statement; "
                      "its respondents are the people of that layer with a position there, "
                      "“don't know” included."),
            t.gettext("A person's layer is, in order: their own choice, the core team's "
                      "roster, the channel's default layer, else “unknown”."),
            t.gettext("Share agreeing: (strongly agree + agree) / respondents. Mean: the "
                      "average of the scale's values (+2 to −2) over the respondents with a "
                      "value; “don't know” counts for participation but not for the mean."),
            t.gettext("Response rate of a layer: the positions its people gave / (its "
                      "participants × the statements asked so far)."),
            t.gettext("Participation over time: per week, the people of each layer (their "
                      "layer of today) whose first position was in that week or before. "
                      "These are counts of people, not of answers."),
        )),
        (t.gettext("Privacy: what is not shown, and why"), (
            t.gettext("Every figure per layer in this report is the one the digest publishes: "
                      "it comes from the same release step, which stores each published "
                      "version of a cell."),
            t.gettext("A layer with fewer than {k} respondents on a statement shows nothing: "
                      "“below the privacy threshold”.", k=k),
            t.gettext("A small layer (fewer than {m} respondents) in which fewer than {k} "
                      "people answered other than its most common answer shows only its "
                      "number of respondents: “not broken down, to protect a small group”. "
                      "Its figures would say what nearly each of them answered.",
                      m=SMALL_CELL_FACTOR * k, k=k),
            t.gettext("A layer's figures change only once at least {k} of its answers are "
                      "new or changed since they were last published; until then the "
                      "previous figures stand, so comparing two reports or digests never "
                      "reveals one person's answer.", k=k),
            t.gettext("“Layers shown together” adds up the layers shown in full only, so "
                      "nothing can be derived by subtracting the layers shown from a total."),
            t.gettext("Nobody's individual position is in this report: no names, no ids, "
                      "only counts per layer."),
        )),
        (t.gettext("How the insights are ranked"), (
            t.gettext("The rankings are the digest's, after Pol.is: a share is counted as "
                      "(agreeing + 1) / (respondents + 2), so a small group is never "
                      "100 %. Only layers shown in full with at least {n} respondents decide "
                      "a ranking; “unknown” is never a side.", n=data.min_cell),
            t.gettext("Where the layers agree: the product over every layer of those shares; "
                      "a statement counts as agreed when the typical layer's share is at "
                      "least {level} and at least two layers decide it.",
                      level=percent(campaign.agreement_level, t)),
            t.gettext("Where the layers part: the gap between the layers with the highest "
                      "and the lowest share, from 0.20 on and significant by a "
                      "two-proportion test (one-sided 90 %)."),
            t.gettext("What sets each layer apart: a layer against all other layers "
                      "together, by Pol.is's representativeness; where people are most "
                      "unsure: the share of “don't know”, from 15 %."),
        )),
    ]
    if campaign.low_threshold:
        sections[1] = (sections[1][0], (*sections[1][1], t.gettext(
            "Note: the privacy threshold is set to {k}, below the advised 3 "
            "(allow_low_threshold).", k=k)))
    return sections
