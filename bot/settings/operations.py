"""Settings for running positie in production: the monitoring listener and the log format."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class MonitoringSettings(BaseModel):
    """The small HTTP listener with /healthz, /readyz and /metrics; on whatever platforms
    are enabled. Keep it off the public internet: bind it to the pod or host network."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = True
    host: str = "0.0.0.0"
    port: int = Field(default=9464, ge=0, le=65535)
    # /readyz fails when the database does not answer within this many seconds.
    database_timeout_seconds: float = Field(default=2.0, gt=0, le=30)


class LoggingSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # "text": one readable line per record; "json": one JSON object per line, for a central
    # log platform (timestamp, level, logger, message, and exc_info when there is one).
    format: Literal["text", "json"] = "text"
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
