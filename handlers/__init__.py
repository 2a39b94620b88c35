"""Bolt listeners. Each surface registers its own; this wires them and the middleware."""

from __future__ import annotations

from slack_bolt import App

from bot.services import Services
from handlers import actions, commands, events, middleware, views


def register_handlers(app: App, services: Services) -> None:
    """Attach every listener and middleware to `app`."""
    middleware.register(app, services)
    commands.register(app)
    actions.register(app)
    views.register(app)
    events.register(app)
