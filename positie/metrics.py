"""Prometheus metrics for /metrics: what this process did since it started.

One registry per runtime (no module-level globals), so tests and several runtimes in one
process each count their own. Labels are platforms, outcomes, kinds and job names only:
never a person, an answer, a channel or a token.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from bot.document import Document
from bot.domain import Outcome, StatementView
from bot.ports import (
    ChannelTarget,
    ChannelUnavailable,
    ChatGateway,
    OutgoingPart,
    PostRef,
    PrivateTarget,
)

__all__ = ["CONTENT_TYPE_LATEST", "MeteredGateway", "PrometheusMetrics"]

# Digests of 50,000 people take about a second (benchmarks/digest.py); small ones milliseconds.
DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


@dataclass
class PrometheusMetrics:
    """Implements bot.ports.Metrics, plus what the composition root counts itself."""

    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        r = self.registry
        self.positions = Counter(
            "positie_positions", "Clicks, poll answers and commands recorded, by outcome "
            "(recorded, changed, unchanged, withdrawn, refused; duplicates separately).",
            ["platform", "outcome"], registry=r)
        self.duplicates = Counter(
            "positie_duplicates", "Redelivered or retried position events that changed nothing.",
            ["platform"], registry=r)
        self.posts = Counter(
            "positie_posts", "Messages to channels and people: sent, kept for retry, failed "
            "(channel unavailable, or a private message that could not go out).",
            ["platform", "kind", "outcome"], registry=r)
        self.rate_limited_total = Counter(
            "positie_rate_limited", "HTTP 429 answers from a platform (each is waited out and "
            "retried).", ["platform"], registry=r)
        self.durations = Histogram(
            "positie_step_duration_seconds", "How long digest building and its aggregation took.",
            ["step"], buckets=DURATION_BUCKETS, registry=r)
        self.scheduler_runs = Counter(
            "positie_scheduler_runs", "Scheduled slots handled, by job and outcome (ran, "
            "resumed, skipped, coalesced, paused, taken, incomplete, failed).",
            ["job", "outcome"], registry=r)
        self.telegram_polling = Gauge(
            "positie_telegram_polling", "1 while this process polls Telegram for updates (of "
            "several processes on one database, one polls).", registry=r)

    # -- bot.ports.Metrics ----------------------------------------------------------------
    def position(self, platform: str, outcome: str) -> None:
        if outcome == Outcome.DUPLICATE:
            self.duplicates.labels(platform).inc()
        else:
            self.positions.labels(platform, outcome).inc()

    def duration(self, step: str, seconds: float) -> None:
        self.durations.labels(step).observe(seconds)

    def scheduler_run(self, job: str, outcome: str) -> None:
        self.scheduler_runs.labels(job, outcome).inc()

    def rate_limited(self, platform: str) -> None:
        self.rate_limited_total.labels(platform).inc()

    # -- counted by the composition root ------------------------------------------------
    def post(self, platform: str, kind: str, outcome: str) -> None:
        self.posts.labels(platform, kind, outcome).inc()

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class MeteredGateway:
    """A ChatGateway that counts what the wrapped one sent, by outcome."""

    def __init__(self, inner: ChatGateway, metrics: PrometheusMetrics) -> None:
        self.inner = inner
        self.platform = inner.platform
        self._metrics = metrics

    def _count(self, kind: str, outcome: str) -> None:
        self._metrics.post(self.platform, kind, outcome)

    def __getattr__(self, name: str) -> Any:
        """Everything not counted here (reopening, tally refreshes, probes, the opt-out
        command) is the wrapped gateway's."""
        return getattr(self.inner, name)

    async def post_statement(self, channel: ChannelTarget, statement: StatementView, *,
                             key: str) -> PostRef:
        try:
            ref = await self.inner.post_statement(channel, statement, key=key)
        except ChannelUnavailable:
            self._count("statement", "failed")
            raise
        except Exception:  # the publisher keeps it for retry, whatever the cause
            self._count("statement", "kept_for_retry")
            raise
        self._count("statement", "sent")
        return ref

    async def close_statement(self, channel: ChannelTarget, post: PostRef,
                              statement: StatementView) -> None:
        await self.inner.close_statement(channel, post, statement)

    def digest_parts(self, channel: ChannelTarget, digest: Document,
                     chart_png: bytes | None) -> list[OutgoingPart]:
        return self.inner.digest_parts(channel, digest, chart_png)

    async def send_part(self, channel: ChannelTarget, part: OutgoingPart, *, key: str) -> str:
        """One digest message (text, chart or table file): counted per part."""
        try:
            ref = await self.inner.send_part(channel, part, key=key)
        except ChannelUnavailable:
            self._count("digest", "failed")
            raise
        except Exception:  # released for a later rerun of the same period
            self._count("digest", "kept_for_retry")
            raise
        self._count("digest", "sent")
        return ref

    async def send_private(self, target: PrivateTarget, text: str,
                           statement: StatementView | None) -> None:
        try:
            await self.inner.send_private(target, text, statement)
        except Exception:
            self._count("private", "failed")
            raise
        self._count("private", "sent")
