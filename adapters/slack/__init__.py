"""Slack adapter: Block Kit out, block_actions and slash commands in, via slack-bolt."""

from adapters.slack.app import SlackAdapter
from adapters.slack.gateway import SlackGateway

__all__ = ["SlackAdapter", "SlackGateway"]
