"""The Join button under a cohort's intro post: the join form, filled in for that cohort."""

from __future__ import annotations

import logging

from bot.services.cohorts import find_cohort
from handlers.actions.containers import action_value
from handlers.commands.join import open_join_modal
from handlers.listener import Answer, Incoming

logger = logging.getLogger(__name__)


def join_cohort_button(req: Incoming) -> Answer:
    """Open the join form with the cohort's program and start (and the catch-up choice when
    it has started); a stale or foreign button opens the plain form."""
    value = action_value(req.body) or ""
    cohort = (
        find_cohort(req.services, team_id=req.team_id, cohort_id=int(value))
        if value.isdigit() and len(value) < 10
        else None
    )
    if cohort is None:
        logger.info("cohort join button with an unknown cohort from %s", req.user_id)
    return Answer.later(
        open_join_modal(
            req.services,
            trigger_id=req.trigger_id,
            user_id=req.user_id,
            channel_id=req.channel_id,
            program=None,
            cohort=cohort,
        )
    )
