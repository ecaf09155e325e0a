"""Slack adapter: Block Kit out, block_actions and slash commands in, via slack-bolt.

`SlackAdapter` and `SlackGateway` are loaded on first use, so that reading the config
(`adapters.slack.settings`) does not import bolt.
"""

from __future__ import annotations

from typing import Any

__all__ = ["SlackAdapter", "SlackGateway"]


def __getattr__(name: str) -> Any:
    if name == "SlackAdapter":
        from adapters.slack.app import SlackAdapter

        return SlackAdapter
    if name == "SlackGateway":
        from adapters.slack.gateway import SlackGateway

        return SlackGateway
    raise AttributeError(name)
