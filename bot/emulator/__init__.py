"""Slack Web API emulator: a local HTTP server for tests and the bot's offline mode."""

from __future__ import annotations

from bot.emulator.blockkit import message_problems, view_problems
from bot.emulator.server import SlackEmulator
from bot.emulator.state import RecordedCall

__all__ = ["RecordedCall", "SlackEmulator", "message_problems", "view_problems"]
