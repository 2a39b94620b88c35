"""Publishing the App Home tab, on open and after anything that changes it."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.home import home_view
from bot.services import Services
from bot.services.summary import personal_recap

logger = logging.getLogger(__name__)


def publish_home(client: WebClient, services: Services, *, team_id: str, user_id: str) -> None:
    """Render and publish `user_id`'s Home tab; a failure is logged, never raised."""
    recap = personal_recap(services, team_id=team_id, user_id=user_id)
    try:
        client.views_publish(user_id=user_id, view=home_view(recap))
    except SlackApiError as error:
        logger.warning("home tab for %s not published: %s", user_id, error.response.get("error"))
