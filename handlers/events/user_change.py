"""`user_change`: a profile edit; a new time zone moves the participant's next prompt."""

from __future__ import annotations

import logging
from typing import Any

from bot.services.enrollment import update_timezone

logger = logging.getLogger(__name__)


def handle_user_change(event: dict[str, Any], context: dict[str, Any]) -> None:
    """Store the member's time zone if it changed (needs the users:read scope)."""
    user = event.get("user") or {}
    tz = user.get("tz")
    team_id = context.get("team_id") or user.get("team_id")
    if not tz or not user.get("id") or not team_id:
        return
    if update_timezone(context["services"], team_id=team_id, user_id=user["id"], timezone=tz):
        logger.info("time zone of %s/%s is now %s", team_id, user["id"], tz)
