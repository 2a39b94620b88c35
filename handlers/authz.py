"""Who counts as an admin: Slack workspace admins and owners, and people an admin named."""

from __future__ import annotations

from bot.outbound import Outbound, SlackFailure
from bot.services import Services
from bot.services.config import is_named_admin


def is_admin(slack: Outbound, services: Services, *, team_id: str, user_id: str) -> bool:
    """True for people named with `/transition config admin add`, and for Slack workspace
    admins and owners (read with users.info, so only ever after the ack)."""
    if is_named_admin(services, team_id=team_id, user_id=user_id):
        return True
    try:
        user = slack.user_info(user_id)
    except SlackFailure:
        return False
    return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
