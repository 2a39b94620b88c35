"""The App Home tab: published when the user opens it."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from handlers.home import publish_home


def handle_app_home_opened(
    event: dict[str, Any], client: WebClient, context: dict[str, Any]
) -> None:
    """Publish the Home tab when the user opens it (not the Messages tab)."""
    if event.get("tab") != "home":
        return
    publish_home(client, context["services"], team_id=context["team_id"], user_id=event["user"])
