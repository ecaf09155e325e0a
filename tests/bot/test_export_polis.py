"""The Pol.is layout, read back by a small parser of its own that knows only Pol.is's
columns (compdemocracy/polis, server/src/export.ts): aggregated per layer as a group,
hidden cells blank, no row per person."""

from __future__ import annotations

import csv
import io

from bot.insight.exports import ExportRequest
from bot.service import CampaignService
from tests.bot.test_export import S, small_campaign

# The columns Pol.is writes (its export.ts), in its order.
SUMMARY_KEYS = ["topic", "url", "voters", "voters-in-conv", "commenters", "comments",
                "groups", "conversation-description"]
COMMENTS = ["timestamp", "datetime", "comment-id", "author-id", "agrees", "disagrees",
            "moderated", "comment-body"]
GROUP_TOTALS = ["comment-id", "comment", "total-votes", "total-agrees", "total-disagrees",
                "total-passes"]
PER_GROUP = ["votes", "agrees", "disagrees", "passes"]


def read_polis(files: dict[str, bytes]) -> dict[str, object]:
    """Parse the files as a Pol.is reader would, failing on any column out of place."""
    def table(name: str) -> list[list[str]]:
        return list(csv.reader(io.StringIO(files[name].decode("utf-8"), newline="")))

    summary = table("summary.csv")
    assert [row[0] for row in summary] == SUMMARY_KEYS
    comments = table("comments.csv")
    assert comments[0] == COMMENTS
    groups_table = table("comment-groups.csv")
    header = groups_table[0]
    assert header[:6] == GROUP_TOTALS
    n_groups = (len(header) - 6) // 4
    assert header[6:] == [f"group-{chr(97 + g)}-{what}" for g in range(n_groups)
                          for what in PER_GROUP]
    by_comment: dict[int, dict[str, int | None]] = {}
    for row in groups_table[1:]:
        values = {name: (int(value) if value != "" else None)
                  for name, value in zip(header, row, strict=True) if name != "comment"}
        tid = values["comment-id"]
        assert tid is not None
        by_comment[tid] = values
        shown = [g for g in range(n_groups) if values[f"group-{chr(97 + g)}-votes"] is not None]
        for what in PER_GROUP:  # totals are the sum of the groups shown
            assert values[f"total-{what}"] == sum(
                values[f"group-{chr(97 + g)}-{what}"] or 0 for g in shown)
        for g in shown:
            votes = values[f"group-{chr(97 + g)}-votes"]
            assert votes == sum(values[f"group-{chr(97 + g)}-{w}"] or 0 for w in PER_GROUP[1:])
    return {"summary": dict((row[0], row[1]) for row in summary),
            "comments": [dict(zip(COMMENTS, row, strict=True)) for row in comments[1:]],
            "groups": by_comment, "n_groups": n_groups}


async def test_polis_layout_reads_back_with_layers_as_groups(service: CampaignService) -> None:
    await small_campaign(service)
    files = await service.export(ExportRequest("polis"))
    assert "votes.csv" not in files and "participants-votes.csv" not in files
    polis = read_polis(files)
    summary = polis["summary"]
    assert isinstance(summary, dict)
    assert (summary["topic"], summary["voters"], summary["comments"], summary["groups"]) == (
        "Testcampagne", "11", "1", "4")
    groups = {row["layer"]: row for row in csv.DictReader(
        io.StringIO(files["positie-groups.csv"].decode("utf-8")))}
    assert [groups[layer]["group"] for layer in ("rijk", "provincie", "gemeente",
                                                 "waterschap")] == [
        "group-a", "group-b", "group-c", "group-d"]
    keys = list(csv.DictReader(io.StringIO(files["positie-statements.csv"].decode("utf-8"))))
    assert [(k["comment-id"], k["statement"]) for k in keys] == [("0", S)]
    counts = polis["groups"]
    assert isinstance(counts, dict)
    row = counts[0]
    # rijk: nobody answered (0); provincie: 4 alike, waterschap: 1 — both blank, not 0.
    assert [row[f"group-a-{w}"] for w in PER_GROUP] == [0, 0, 0, 0]
    assert [row[f"group-b-{w}"] for w in PER_GROUP] == [None] * 4
    assert [row[f"group-d-{w}"] for w in PER_GROUP] == [None] * 4
    # gemeente: 2 agree, 2 disagree, neutral and don't know pass.
    assert [row[f"group-c-{w}"] for w in PER_GROUP] == [6, 2, 2, 2]
    assert (row["total-votes"], row["total-agrees"]) == (6, 2)
    [comment] = polis["comments"]  # type: ignore[misc]
    assert (comment["agrees"], comment["disagrees"], comment["moderated"],
            comment["author-id"]) == ("2", "2", "1", "0")
    assert comment["timestamp"].isdigit() and comment["datetime"].startswith("2026-11-24")
    everything = b"".join(files.values()).decode("utf-8")
    for who in ("G0", "P0", "W1", "T0TEAM"):
        assert who not in everything


async def test_a_statement_nobody_answered_has_zero_votes(service: CampaignService) -> None:
    await service.open("visie-gebied")
    polis = read_polis(await service.export(ExportRequest("polis")))
    counts = polis["groups"]
    assert isinstance(counts, dict)
    assert [counts[0][f"total-{w}"] for w in PER_GROUP] == [0, 0, 0, 0]
    [comment] = polis["comments"]  # type: ignore[misc]
    assert (comment["agrees"], comment["disagrees"]) == ("0", "0")
