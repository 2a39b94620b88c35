"""The admin's first five minutes: a set-up checklist DM to whoever installed the app."""

from __future__ import annotations

import logging

from bot.blocks.admin import checklist_message
from bot.outbound import Outbound, SlackFailure
from bot.services import Services
from bot.services.config import current

logger = logging.getLogger(__name__)


def greet_installer(slack: Outbound, services: Services, *, team_id: str, user_id: str) -> bool:
    """DM the installing admin the checklist (team channel, prompt day and hour, a cohort, a
    preview), each step with its control; False (logged) when Slack refused."""
    text, blocks = checklist_message(current(services, team_id=team_id), services.programs)
    try:
        slack.post(user_id, text, blocks)
    except SlackFailure as failure:
        logger.warning("set-up checklist for %s not sent: %s", team_id, failure.error)
        return False
    return True
