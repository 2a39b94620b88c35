"""Who counts as an admin: Slack workspace admins and owners, and people an admin named."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.services import Services
from bot.services.config import is_named_admin

logger = logging.getLogger(__name__)


def is_admin(client: WebClient, services: Services, *, team_id: str, user_id: str) -> bool:
    """True for people named with `/transition config admin add`, and for Slack workspace
    admins and owners (read with users.info)."""
    if is_named_admin(services, team_id=team_id, user_id=user_id):
        return True
    try:
        user = client.users_info(user=user_id)["user"]
    except SlackApiError as error:
        logger.warning("users.info failed for %s: %s", user_id, error.response.get("error"))
        return False
    return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
