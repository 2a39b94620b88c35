"""Events API listeners."""

from __future__ import annotations

from slack_bolt import App

from handlers.events import app_home, messages, uninstall, user_change
from handlers.listener import wire


def register(app: App) -> None:
    """Register every event."""
    app.event("app_home_opened")(wire(app_home.handle_app_home_opened))
    app.event("app_uninstalled")(wire(uninstall.handle_app_uninstalled))
    app.event("tokens_revoked")(wire(uninstall.handle_tokens_revoked))
    app.event("user_change")(wire(user_change.handle_user_change))
    app.event("message")(wire(messages.handle_message))
