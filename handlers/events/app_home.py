"""The App Home tab: the participant's status and the commands."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.blocks.home import home_view
from bot.services.status import status


def handle_app_home_opened(
    event: dict[str, Any], client: WebClient, context: dict[str, Any]
) -> None:
    """Publish the Home tab when the user opens it."""
    if event.get("tab") != "home":
        return
    report = status(context["services"], team_id=context["team_id"], user_id=event["user"])
    client.views_publish(user_id=event["user"], view=home_view(report))
