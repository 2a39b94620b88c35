"""Bolt listeners. Each surface registers its own; this wires them and the middleware."""

from __future__ import annotations

from slack_bolt import App

from bot.services import Services
from handlers import actions, commands, events, middleware, shortcuts, views
from handlers.listener import AfterAck


def register_handlers(app: App, services: Services, after_ack: AfterAck) -> None:
    """Attach every listener and middleware to `app`; work after each ack runs on
    `after_ack`."""
    middleware.register(app, services, after_ack)
    commands.register(app)
    actions.register(app)
    views.register(app)
    events.register(app)
    shortcuts.register(app)
