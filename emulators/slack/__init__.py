"""Slack emulator: a real HTTP server for the Web API, plus a client that plays Slack's side
of inbound requests (signed button clicks and slash commands)."""

from __future__ import annotations

from emulators.slack.ratelimits import RateLimitPolicy
from emulators.slack.recording import RecordedCall
from emulators.slack.server import SlackEmulator
from emulators.slack.state import Message, ResponsePost
from emulators.slack.user_client import InboundResponse, SlackUserClient

__all__ = [
    "InboundResponse",
    "Message",
    "RateLimitPolicy",
    "RecordedCall",
    "ResponsePost",
    "SlackEmulator",
    "SlackUserClient",
]
