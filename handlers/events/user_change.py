"""`user_change`: a profile edit; a new time zone moves the participant's next prompt."""

from __future__ import annotations

import logging

from bot.services.config import slack_admin
from bot.services.enrollment import update_timezone
from handlers.listener import Answer, Incoming

logger = logging.getLogger(__name__)


def handle_user_change(req: Incoming) -> Answer | None:
    """Store the member's time zone if it changed (needs the users:read scope)."""
    user = req.event.get("user")
    if not isinstance(user, dict):
        return None
    tz, user_id = user.get("tz"), user.get("id")
    team_id = req.team_id or user.get("team_id")
    if isinstance(user_id, str) and team_id and "is_admin" in user:
        # Made or unmade an admin: this instance's Home shows it at once.
        now = req.services.clock.now()
        req.services.admin_rights.put(str(team_id), user_id, slack_admin(user), now=now)
    if not (isinstance(tz, str) and tz and isinstance(user_id, str) and team_id):
        return None
    if update_timezone(req.services, team_id=str(team_id), user_id=user_id, timezone=tz):
        logger.info("time zone of %s/%s is now %s", team_id, user_id, tz)
    return None
