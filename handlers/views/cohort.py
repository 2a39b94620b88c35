"""The "Create a cohort" form's submission (from the admin's Home tab or checklist DM)."""

from __future__ import annotations

from datetime import date

from bot.blocks import ids
from bot.blocks.cohorts import created_blocks
from bot.blocks.config import refusal_blocks
from bot.outbound import Outbound
from bot.services.cohorts import CohortError, check_cohort, create_cohort
from handlers.authz import is_admin
from handlers.commands.cohort import post_intro
from handlers.home import publish_home
from handlers.listener import Answer, Incoming
from handlers.views.values import state_value


def handle_submission(req: Incoming) -> Answer:
    """Check the fields inside the form; after the ack, admins get the cohort and its intro."""
    view = req.view
    name = state_value(view, ids.COHORT_NAME)
    program = state_value(view, ids.COHORT_PROGRAM)
    start_text = state_value(view, ids.COHORT_START)
    channel = state_value(view, ids.COHORT_CHANNEL)
    errors: dict[str, str] = {}
    if not name:
        errors[ids.COHORT_NAME[0]] = "Give the cohort a name."
    if program is None:
        errors[ids.COHORT_PROGRAM[0]] = "Choose a program."
    start: date | None = None
    try:
        start = date.fromisoformat(start_text or "")
    except ValueError:
        errors[ids.COHORT_START[0]] = "Pick the start week."
    if not isinstance(channel, str) or channel[:1] not in ("C", "G"):
        errors[ids.COHORT_CHANNEL[0]] = "Pick the cohort's channel."
    if errors or not name or program is None or start is None or not isinstance(channel, str):
        return Answer.errors(errors)
    try:
        check_cohort(req.services, name=name, program_id=program, start=start)
    except CohortError as error:
        return Answer.errors({ids.COHORT_START[0]: str(error)})

    def create(slack: Outbound) -> None:
        if not is_admin(slack, req.services, team_id=req.team_id, user_id=req.user_id):
            text, blocks = refusal_blocks("run cohorts")
        else:
            new = create_cohort(
                req.services,
                team_id=req.team_id,
                user_id=req.user_id,
                name=name,
                program_id=program,
                start=start,
                channel_id=channel,
            )
            text, blocks = created_blocks(new.cohort, *post_intro(slack, req.services, new.cohort))
        slack.reply_privately(
            user_id=req.user_id, channel_id=None, text=text, blocks=blocks, prefer_dm=True
        )
        publish_home(slack, req.services, team_id=req.team_id, user_id=req.user_id)

    return Answer.later(create)
