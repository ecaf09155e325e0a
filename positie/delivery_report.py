"""What `positie post` and `positie digest` print: everything a rerun did, stated plainly."""

from __future__ import annotations

from bot.publishing.digest_delivery import DigestReport
from bot.publishing.statements import DeliveryReport


def _resumed(resumed: int, found: int, resent: int) -> str:
    text = ""
    if resumed:
        text += f"; took over {resumed} left in flight by a process that stopped"
    if found or resent:
        text += (f"; of the attempts that may have arrived: {found} found already delivered "
                 f"(not sent again), {resent} sent again without a way to check (may show "
                 f"twice)")
    return text


def post_summary(key: str, report: DeliveryReport) -> str:
    reopened = f", reopened in {report.reopened}" if report.reopened else ""
    text = (f"{key}: posted to {report.posted} channel(s){reopened}, {report.pending} kept "
            f"for retry, {report.unavailable} unavailable; {report.already} had it already")
    if report.elsewhere:
        text += f"; {report.elsewhere} being sent by another running process"
    return text + _resumed(report.resumed, report.found, report.resent)


def digest_summary(period: str, report: DigestReport) -> str:
    text = (f"digest {period} posted to {report.posted} channel(s); "
            f"{report.already_posted} had it already; {report.failed} failed "
            f"({report.parts_sent} part(s) sent)")
    if report.elsewhere:
        text += f"; {report.elsewhere} channel(s) being sent by another running process"
    return text + _resumed(report.resumed, report.found, report.resent)
