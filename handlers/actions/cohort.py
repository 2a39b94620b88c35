"""The Join button under a cohort's intro post: the join form, filled in for that cohort."""

from __future__ import annotations

import logging

from bot.blocks.common import section
from bot.services.cohorts import find_cohort
from bot.services.enrollment import current_enrolment
from bot.text import safe_text
from handlers.actions.containers import action_value
from handlers.commands.join import join_form
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
    current = current_enrolment(req.services, team_id=req.team_id, user_id=req.user_id)
    if current is not None and cohort is not None and current.participant.cohort_id == cohort.id:
        name = safe_text(cohort.name, 80)
        text = f"You're in {name} already: `/transition status` shows where you are."
        return Answer.later(
            lambda slack: slack.reply_privately(
                user_id=req.user_id, channel_id=req.channel_id, text=text, blocks=[section(text)]
            )
        )
    # Already in a program: the same form, as the one that switches (entries are kept).
    return join_form(
        req, cohort=cohort, switching_from=current.program if current is not None else None
    )
