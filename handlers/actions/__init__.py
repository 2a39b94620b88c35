"""Button listeners."""

from __future__ import annotations

from slack_bolt import App

from bot.blocks import ids
from handlers.actions import forget, open_modals


def register(app: App) -> None:
    """Register every action."""
    app.action(ids.OPEN_JOURNAL)(open_modals.open_journal)
    app.action(ids.OPEN_JOIN)(open_modals.open_join)
    app.action(ids.FORGET_CONFIRM)(forget.confirm)
    app.action(ids.FORGET_CANCEL)(forget.cancel)
    app.action(ids.OPEN_SKILLS)(open_modals.open_skills)
