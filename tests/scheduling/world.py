"""A scheduled campaign for tests: settings with a schedule, a recording gateway, a clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.clock import FixedClock
from bot.document import Document
from bot.domain import Identity, StatementView
from bot.ports import ChannelTarget, ChannelUnavailable, OutgoingPart, PostRef, PrivateTarget
from bot.service import CampaignService
from bot.settings.config import Settings
from tests.factories import person, settings, vote

CHANNELS = ("C0AAA00001", "C0BBB00001")
PNG = b"\x89PNG\r\n\x1a\n"  # what every chart file starts with
# These tests are about when and how often jobs run, so digests go out even when empty
# (tests/scheduling/test_empty_digest.py covers skipping them).
SCHEDULE = {"open": "tue 10:00", "open_for": "7d", "remind": "thu 10:00",
            "digest": "fri 15:00", "misfire_grace": "6h", "empty_digests": True}


def scheduled_settings(db_url: str, **schedule: Any) -> Settings:
    return settings(db_url, schedule={**SCHEDULE, **schedule},
                    slack={"channels": [{"id": c} for c in CHANNELS]})


@dataclass
class RecordingGateway:
    """A ChatGateway that remembers what it was asked to do, for tests of the core."""

    platform: str = "slack"
    opt_out_command: str = "/positie stop"
    posts: list[tuple[str, str]] = field(default_factory=list)
    closed: list[tuple[str, str]] = field(default_factory=list)
    digests: list[tuple[str, Document]] = field(default_factory=list)
    rendered: dict[str, Document] = field(default_factory=dict)  # by title
    charts: list[bytes | None] = field(default_factory=list)
    private: list[tuple[str, str | None, str]] = field(default_factory=list)
    unreachable: set[str] = field(default_factory=set)

    can_check_delivery: bool = False
    in_flight_limit: int = 8

    async def post_statement(self, channel: ChannelTarget, statement: StatementView, *,
                             key: str) -> PostRef:
        self.posts.append((channel.external_id, statement.key))
        return PostRef(message_ref=f"ts-{len(self.posts)}")

    async def close_statement(self, channel: ChannelTarget, post: PostRef,
                              statement: StatementView) -> None:
        self.closed.append((channel.external_id, statement.key))

    async def reopen_statement(self, channel: ChannelTarget, post: PostRef,
                               statement: StatementView) -> PostRef:
        self.posts.append((channel.external_id, statement.key))
        return post

    async def find_delivered(self, channel: ChannelTarget, key: str, *,
                             part: OutgoingPart | None = None,
                             after: str | None = None) -> str | None:
        return None

    def digest_parts(self, channel: ChannelTarget, digest: Document,
                     chart_png: bytes | None) -> list[OutgoingPart]:
        self.rendered[digest.title] = digest  # parts are stored as JSON; tests read documents
        chart = [] if chart_png is None else [OutgoingPart(kind="chart", payload={},
                                                            data=chart_png)]
        return [OutgoingPart(kind="text", payload={"title": digest.title}), *chart]

    async def send_part(self, channel: ChannelTarget, part: OutgoingPart, *, key: str) -> str:
        if part.kind == "chart":
            self.charts.append(part.data)
        else:
            self.digests.append((channel.external_id,
                                 self.rendered[str(part.payload["title"])]))
        return f"part-{key}"

    async def send_private(self, target: PrivateTarget, text: str,
                           statement: StatementView | None) -> None:
        if target.identity.user_id in self.unreachable:
            raise ChannelUnavailable("cannot_dm_user")
        self.private.append((target.identity.user_id, statement and statement.key, text))


def at(service: CampaignService, moment: datetime) -> datetime:
    """Move the service's clock (used for recorded times) to `moment`."""
    clock = service.clock
    assert isinstance(clock, FixedClock)
    clock.current = moment
    return moment


async def answer(service: CampaignService, user: str, statement: str, option: str | None, *,
                 layer: str | None = None, at_time: float = 1000.0) -> Identity:
    who = person(user)
    if layer is not None:
        await service.choose_layer(who, layer)
    await service.record(vote(who, statement, option, at=at_time))
    return who
