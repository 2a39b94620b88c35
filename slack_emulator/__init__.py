"""Slack Web API emulator: a local HTTP server for tests and the bot's offline mode."""

from __future__ import annotations

from slack_emulator.blockkit import message_problems, view_problems
from slack_emulator.server import SlackEmulator
from slack_emulator.socket_mode import SocketAck
from slack_emulator.state import RecordedCall

__all__ = ["RecordedCall", "SlackEmulator", "SocketAck", "message_problems", "view_problems"]
