"""The join modal's submission: validate, enroll, welcome."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.blocks import ids
from bot.blocks.cohorts import CATCH_UP_OWN
from bot.blocks.join import joined_message
from bot.outbound import Outbound
from bot.services.cohorts import find_cohort, join_cohort
from bot.services.enrollment import EnrollmentError, join, update_timezone
from bot.services.sharing import set_sharing
from handlers.commands.join import read_timezone
from handlers.home import publish_home
from handlers.listener import Answer, Incoming
from handlers.views.values import checked, metadata, state_value
from storage.models import Cohort

_FIELD_BLOCKS = {
    "program": ids.JOIN_PROGRAM[0],
    "background": ids.JOIN_BACKGROUND[0],
    "start": ids.JOIN_START[0],
}


def cohort_of(req: Incoming, meta: dict[str, Any]) -> Cohort | None:
    """The cohort whose Join button opened the form (None: a plain join)."""
    cohort_id = meta.get("cohort")
    if not isinstance(cohort_id, int) or isinstance(cohort_id, bool):
        return None
    return find_cohort(req.services, team_id=req.team_id, cohort_id=cohort_id)


def handle_submission(req: Incoming) -> Answer:
    """Enroll the user, or show what to fix inside the modal."""
    services, view = req.services, req.view
    meta = metadata(view)
    program_id = state_value(view, ids.JOIN_PROGRAM)
    background = state_value(view, ids.JOIN_BACKGROUND)
    start_text = state_value(view, ids.JOIN_START)
    errors: dict[str, str] = {}
    if program_id is None:
        errors[ids.JOIN_PROGRAM[0]] = "Choose a program."
    if background is None:
        errors[ids.JOIN_BACKGROUND[0]] = "Choose the background closest to yours."
    start: date | None = None
    try:
        start = date.fromisoformat(start_text or "")
    except ValueError:
        errors[ids.JOIN_START[0]] = "Pick a start date."
    cohort = cohort_of(req, meta)
    if cohort is not None and state_value(view, ids.JOIN_CATCH_UP) != CATCH_UP_OWN:
        start = cohort.start_date  # with the cohort: its week 1 is theirs
        errors.pop(ids.JOIN_START[0], None)
    if errors or program_id is None or background is None or start is None:
        return Answer.errors(errors)
    timezone = meta.get("tz") if isinstance(meta.get("tz"), str) else None
    try:
        outcome = join(
            services,
            team_id=req.team_id,
            user_id=req.user_id,
            program_id=program_id,
            background=background,
            start_date=start,
            timezone=timezone or "UTC",
            switch=meta.get("switch") is True,
        )
    except EnrollmentError as error:
        return Answer.errors({_FIELD_BLOCKS[error.field]: str(error)})
    if outcome.created and checked(view, ids.JOIN_SHARE):
        set_sharing(services, team_id=req.team_id, user_id=req.user_id, share=True)
    if outcome.created and cohort is not None and cohort.program_id == program_id:
        join_cohort(services, team_id=req.team_id, user_id=req.user_id, cohort_id=cohort.id or 0)
    text, blocks = joined_message(
        outcome.program,
        start=outcome.participant.start_date,
        week=outcome.week,
        created=outcome.created,
        switched_from=outcome.switched_from,
    )
    channel = meta.get("channel") if isinstance(meta.get("channel"), str) else None

    def welcome(slack: Outbound) -> None:
        if timezone is None and outcome.created:  # the profile wasn't read in time: now
            found = read_timezone(slack, req.user_id)
            if found:
                update_timezone(services, team_id=req.team_id, user_id=req.user_id, timezone=found)
        slack.reply_privately(
            user_id=req.user_id, channel_id=channel, text=text, blocks=blocks, prefer_dm=True
        )
        publish_home(slack, services, team_id=req.team_id, user_id=req.user_id)

    return Answer.later(welcome)
