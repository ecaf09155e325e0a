"""Tables. Constraints here carry the rules that must hold across processes:
one current position per (participant, statement), one event per delivery, one post per
(statement, channel), one digest per (campaign, period, channel)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Campaign(Base):
    __tablename__ = "campaigns"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    paused: Mapped[bool] = mapped_column(Boolean, default=False)


class Theme(Base):
    __tablename__ = "themes"
    __table_args__ = (UniqueConstraint("campaign_id", "key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"))
    key: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer, default=0)


class Statement(Base):
    __tablename__ = "statements"
    __table_args__ = (UniqueConstraint("campaign_id", "key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"))
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id"))
    key: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    text_version: Mapped[int] = mapped_column(Integer, default=1)
    state: Mapped[str] = mapped_column(String(16), default="draft")
    position: Mapped[int] = mapped_column(Integer, default=0)
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class StatementRevision(Base):
    """An earlier text of a statement that already had answers when it was re-imported."""

    __tablename__ = "statement_revisions"
    __table_args__ = (UniqueConstraint("statement_id", "text_version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statements.id"))
    text_version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    replaced_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ScaleOptionRow(Base):
    __tablename__ = "scale_options"
    __table_args__ = (UniqueConstraint("campaign_id", "key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"))
    key: Mapped[str] = mapped_column(String(64))
    value: Mapped[float | None] = mapped_column(Float)
    position: Mapped[int] = mapped_column(Integer)


class Participant(Base):
    __tablename__ = "participants"
    __table_args__ = (UniqueConstraint("platform", "workspace", "user_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    workspace: Mapped[str] = mapped_column(String(64), default="")
    user_id: Mapped[str] = mapped_column(String(64))
    layer: Mapped[str] = mapped_column(String(64), default="onbekend")
    layer_source: Mapped[str] = mapped_column(String(16), default="unknown")
    private_chat_id: Mapped[str | None] = mapped_column(String(64))
    reminders_opt_out: Mapped[bool] = mapped_column(Boolean, default=False)
    first_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Channel(Base):
    __tablename__ = "channels"
    __table_args__ = (UniqueConstraint("campaign_id", "platform", "external_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"))
    platform: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    default_layer: Mapped[str | None] = mapped_column(String(64))
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    answer_mode: Mapped[str] = mapped_column(String(16), default="buttons")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    inactive_reason: Mapped[str | None] = mapped_column(String(200))
    # An unreachable channel is tried again at retry_at, later after each failure.
    failures: Mapped[int] = mapped_column(Integer, default=0)
    retry_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Post(Base):
    __tablename__ = "posts"
    __table_args__ = (
        UniqueConstraint("statement_id", "channel_id"),
        Index("ix_posts_poll_id", "poll_id"),
        Index("ix_posts_channel_message", "channel_id", "message_ref"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statements.id"))
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"))
    # NULL while the post is claimed but not yet sent; a failed send is retried later.
    message_ref: Mapped[str | None] = mapped_column(String(64))
    poll_id: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(300))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    posted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The process sending it (an OutboxOwner id) while status is "sending".
    owner: Mapped[str | None] = mapped_column(String(64))
    # Stable over attempts: the platform finds an earlier attempt's message by it.
    delivery_key: Mapped[str | None] = mapped_column(String(32))


class OutboxOwner(Base):
    """A live process that may hold outbox rows in "sending": it renews heartbeat_at while
    it runs; a row whose owner is gone (stale heartbeat, or a dead pid on this host) is
    taken over by the next process at once."""

    __tablename__ = "outbox_owners"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DigestPart(Base):
    """One outgoing message of a digest in one channel (a text part, the chart, the table
    file), rendered once and stored, so a rerun sends exactly the parts that are missing."""

    __tablename__ = "digest_parts"
    __table_args__ = (UniqueConstraint("run_id", "part"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("digest_runs.id"))
    part: Mapped[int] = mapped_column(Integer)  # the order within the channel
    kind: Mapped[str] = mapped_column(String(16))  # "text", "chart" or "file"
    payload: Mapped[dict[str, object]] = mapped_column(JSON)
    data: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    owner: Mapped[str | None] = mapped_column(String(64))
    delivery_key: Mapped[str] = mapped_column(String(32))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(300))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    message_ref: Mapped[str | None] = mapped_column(String(64))


class TallyEdit(Base):
    """A statement message whose shown tally is behind: "pending" until an edit rendered
    after the last change landed, so an edit lost to a crash or a refusal is sent again."""

    __tablename__ = "tally_edits"
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    owner: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(300))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    retry_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Position(Base):
    """The current position of one participant on one statement."""

    __tablename__ = "positions"
    __table_args__ = (
        Index("ix_positions_tally", "statement_id", "layer", "option_key"),
        # A person's own positions, and moving them when their layer changes.
        Index("ix_positions_participant", "participant_id"),
    )
    statement_id: Mapped[int] = mapped_column(ForeignKey("statements.id"), primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), primary_key=True)
    # Denormalised from the participant (kept in step by set_layer) so the digest's
    # GROUP BY runs on one covering index instead of a million-row join.
    layer: Mapped[str] = mapped_column(String(64))
    option_key: Mapped[str] = mapped_column(String(64))
    event_time: Mapped[float] = mapped_column(Float)
    changes: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PositionEvent(Base):
    """History: every accepted click/answer. delivery_id makes redeliveries no-ops."""

    __tablename__ = "position_events"
    __table_args__ = (Index("ix_position_events_statement_time", "statement_id", "recorded_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    delivery_id: Mapped[str] = mapped_column(String(128), unique=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statements.id"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    option_key: Mapped[str | None] = mapped_column(String(64))  # None: withdrawn
    text_version: Mapped[int] = mapped_column(Integer, default=1)
    event_time: Mapped[float] = mapped_column(Float)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DigestRun(Base):
    """One digest for one campaign, period and channel: the constraint makes it exactly once."""

    __tablename__ = "digest_runs"
    __table_args__ = (UniqueConstraint("campaign_id", "period", "channel_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"))
    period: Mapped[str] = mapped_column(String(64))
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"))
    status: Mapped[str] = mapped_column(String(16), default="claimed")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(300))
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    posted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class JobRun(Base):
    """One scheduled run (open, close, remind, digest) of a campaign at one slot.

    The constraint lets only one process claim a slot; a claimed slot that never finished
    (a crash) is taken over after a lease.
    """

    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("campaign_id", "job", "slot"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"))
    job: Mapped[str] = mapped_column(String(32))
    slot: Mapped[str] = mapped_column(String(64))  # the scheduled moment, ISO 8601 in UTC
    status: Mapped[str] = mapped_column(String(16), default="claimed")
    detail: Mapped[str | None] = mapped_column(String(300))
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ReminderSent(Base):
    """One private nudge per participant per statement, at most."""

    __tablename__ = "reminders_sent"
    __table_args__ = (UniqueConstraint("statement_id", "participant_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statements.id"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    # "sending" (owner set) → "sent" / "unreachable"; "pending" when a transient failure
    # keeps it for retry at retry_at (the platform's Retry-After, else a back-off).
    status: Mapped[str] = mapped_column(String(16), default="claimed")
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    owner: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(300))
    retry_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DigestSnapshot(Base):
    """The aggregate as a digest showed it, so the next digest can say what moved."""

    __tablename__ = "digest_snapshots"
    __table_args__ = (UniqueConstraint("campaign_id", "period"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"))
    period: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    data: Mapped[dict[str, object]] = mapped_column(JSON)


class LayerQuestion(Base):
    """A group was asked which layer its unknown answerers work for, once per statement
    (kept here, not in process memory: every process and restart sees it)."""

    __tablename__ = "layer_questions"
    __table_args__ = (UniqueConstraint("channel_id", "statement_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"))
    statement_id: Mapped[int] = mapped_column(ForeignKey("statements.id"))
    asked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditEvent(Base):
    """An admin action or an erasure: who, through what, what, when, and how it ended.
    Never an answer; for an erasure never the erased person's id."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_campaign_at", "campaign_id", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    via: Mapped[str] = mapped_column(String(16))  # a platform's name, or "cli"
    actor: Mapped[str] = mapped_column(String(128))  # an admin's user id, "cli", "self"
    action: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(String(128), default="")
    outcome: Mapped[str] = mapped_column(String(200))


class ReleasedCell(Base):
    """One published version of a layer × statement cell's counts (the release step).

    Outputs show a cell's latest version; a new one is added only when it differs from
    every earlier one by enough people (bot/insight/privacy.py). The constraint lets one
    process win each next version; the others read it and publish the same figures.
    """

    __tablename__ = "released_cells"
    __table_args__ = (UniqueConstraint("statement_id", "layer", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statements.id"))
    layer: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    counts: Mapped[dict[str, int]] = mapped_column(JSON)
    released_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # False for versions released before migration 0008: the changes after them were not
    # kept per person, so the next release is judged on net counts alone, once.
    tracked: Mapped[bool] = mapped_column(Boolean, default=True)


class RosterEmailKey(Base):
    """The campaign's secret for hashing the e-mail addresses of a roster: addresses are
    never stored, only HMAC-SHA256(secret, address), so the table reveals no address."""

    __tablename__ = "roster_email_keys"
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    secret: Mapped[str] = mapped_column(String(64))


class RosterEmailLookup(Base):
    """An address a platform resolved to a user id, by its keyed hash: a rerun of the
    roster does not ask the platform again."""

    __tablename__ = "roster_email_lookups"
    __table_args__ = (UniqueConstraint("campaign_id", "platform", "email_hash"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"))
    platform: Mapped[str] = mapped_column(String(16))
    email_hash: Mapped[str] = mapped_column(String(64))
    workspace: Mapped[str] = mapped_column(String(64), default="")
    user_id: Mapped[str] = mapped_column(String(64))
    resolved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReleasedAnswer(Base):
    """One person's answer in a released cell as of its release `version`, and now.

    Written by database triggers on `positions` (migration 0008) on every change; rows of
    a cell's earlier versions are stale (overwritten on the person's next change).
    `participant_id` is NULL once the person was forgotten; an option NULL when they were
    not in the cell (then or now).
    """

    __tablename__ = "released_answers"
    __table_args__ = (
        UniqueConstraint("statement_id", "participant_id", "layer"),
        Index("ix_released_answers_cell", "statement_id", "layer", "version", "option_key",
              "current_option"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statements.id"))
    participant_id: Mapped[int | None] = mapped_column(Integer)
    layer: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    option_key: Mapped[str | None] = mapped_column(String(64))
    current_option: Mapped[str | None] = mapped_column(String(64))
