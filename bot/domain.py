"""Value types of the domain, shared by the use cases and the adapters."""

from __future__ import annotations

import enum
from dataclasses import dataclass

UNKNOWN_LAYER = "onbekend"


class StatementState(enum.StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"
    RETIRED = "retired"  # no longer in the catalogue: never opened again, positions kept


class LayerSource(enum.StrEnum):
    """How a participant's layer was learned, in rising order of precedence."""

    UNKNOWN = "unknown"
    CHANNEL = "channel"
    ROSTER = "roster"
    DECLARED = "declared"

    @property
    def rank(self) -> int:
        return list(LayerSource).index(self)


@dataclass(frozen=True, slots=True)
class ScaleOption:
    key: str
    value: float | None  # None: counts for participation, not for the mean ("weet niet")
    label_nl: str | None = None
    label_en: str | None = None

    @property
    def agrees(self) -> bool:
        return self.value is not None and self.value > 0


@dataclass(frozen=True, slots=True)
class Identity:
    """A person on one platform: (platform, workspace, user). Workspace is '' on Telegram."""

    platform: str
    workspace: str
    user_id: str


@dataclass(frozen=True, slots=True)
class ChannelRef:
    platform: str
    external_id: str


@dataclass(frozen=True, slots=True)
class StatementView:
    """What an adapter needs to post a statement."""

    key: str
    text: str
    theme_title: str
    options: tuple[ScaleOption, ...]
    state: StatementState


class Outcome(enum.StrEnum):
    RECORDED = "recorded"  # first position on this statement
    CHANGED = "changed"  # replaced an earlier position
    UNCHANGED = "unchanged"  # same option again, or an older event than the current one
    DUPLICATE = "duplicate"  # a redelivered or retried request
    WITHDRAWN = "withdrawn"  # position taken back (retracted poll vote)
    REFUSED = "refused"


class RefusalReason(enum.StrEnum):
    UNKNOWN_STATEMENT = "unknown_statement"
    NOT_OPEN = "not_open"
    UNKNOWN_OPTION = "unknown_option"


@dataclass(frozen=True, slots=True)
class PositionResult:
    outcome: Outcome
    statement_key: str
    option_key: str | None = None
    reason: RefusalReason | None = None
    needs_layer: bool = False
    layer: str = UNKNOWN_LAYER
    statement_text: str | None = None  # for the confirmation, saves a query

    @property
    def counted(self) -> bool:
        return self.outcome not in (Outcome.REFUSED, Outcome.DUPLICATE)
