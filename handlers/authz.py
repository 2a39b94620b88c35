"""Who counts as an admin: Slack workspace admins and owners, and people an admin named."""

from __future__ import annotations

from bot.outbound import Outbound, SlackFailure
from bot.services import Services
from bot.services.config import is_named_admin, slack_admin


def is_admin(
    slack: Outbound, services: Services, *, team_id: str, user_id: str, recent: bool = False
) -> bool:
    """True for people named with `/transition config admin add`, and for Slack workspace
    admins and owners (read with users.info, so only ever after the ack).

    `recent`: rights read within the last minute will do (publishing a Home tab); a check
    before changing anything asks Slack each time (and refreshes what `recent` reads)."""
    if is_named_admin(services, team_id=team_id, user_id=user_id):
        return True
    now = services.clock.now()
    if recent:
        known = services.admin_rights.get(team_id, user_id, now=now)
        if known is not None:
            return known
    try:
        user = slack.user_info(user_id)
    except SlackFailure:
        return False
    admin = slack_admin(user)
    services.admin_rights.put(team_id, user_id, admin, now=now)
    return admin
