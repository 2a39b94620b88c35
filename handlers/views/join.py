"""The join modal's submission: validate, enroll, welcome."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.blocks import ids
from bot.blocks.join import joined_message
from bot.services.enrollment import EnrollmentError, join, update_timezone
from handlers.commands.join import read_timezone
from handlers.home import publish_home
from handlers.replies import reply_privately
from handlers.views.values import metadata, state_value

_FIELD_BLOCKS = {
    "program": ids.JOIN_PROGRAM[0],
    "background": ids.JOIN_BACKGROUND[0],
    "start": ids.JOIN_START[0],
}


def handle_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: dict[str, Any]
) -> None:
    """Enroll the user, or show what to fix inside the modal."""
    services = context["services"]
    user_id = body["user"]["id"]
    team_id = body["team"]["id"]
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
    if errors or program_id is None or background is None or start is None:
        ack(response_action="errors", errors=errors)
        return
    timezone = meta.get("tz") if isinstance(meta.get("tz"), str) else None
    try:
        outcome = join(
            services,
            team_id=team_id,
            user_id=user_id,
            program_id=program_id,
            background=background,
            start_date=start,
            timezone=timezone or "UTC",
        )
    except EnrollmentError as error:
        ack(response_action="errors", errors={_FIELD_BLOCKS[error.field]: str(error)})
        return
    ack()
    if timezone is None and outcome.created:  # the profile wasn't read in time: try again now
        found = read_timezone(client, user_id)
        if found:
            update_timezone(services, team_id=team_id, user_id=user_id, timezone=found)
    text, blocks = joined_message(
        outcome.program,
        start=outcome.participant.start_date,
        week=outcome.week,
        created=outcome.created,
    )
    reply_privately(
        client,
        user_id=user_id,
        channel_id=meta.get("channel"),
        text=text,
        blocks=blocks,
        prefer_dm=True,
    )
    publish_home(client, services, team_id=team_id, user_id=user_id)
