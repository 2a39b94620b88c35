"""Slash command listeners."""

from __future__ import annotations

from slack_bolt import App

from handlers.commands import transition


def register(app: App) -> None:
    """Register every slash command."""
    transition.register(app)
