"""The mark-done modal's submission: store the evidence, confirm, redraw the prompt."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.blocks import ids
from bot.blocks.deliverables import marked_done_message
from bot.blocks.prompt import PromptRef
from bot.services.deliverables import DeliverableError, mark_deliverable_done
from bot.services.prompt_state import prompt_state
from handlers.prompt_messages import redraw_prompt
from handlers.replies import reply_privately
from handlers.views.values import metadata, state_value


def handle_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: dict[str, Any]
) -> None:
    """Store the deliverable as done (stored before the modal closes), then tell the user."""
    services = context["services"]
    user_id = body["user"]["id"]
    team_id = body["team"]["id"]
    meta = metadata(view)
    ref = PromptRef.parse(meta.get("ref"))
    field = ids.DELIVERABLE_EVIDENCE[0]
    if ref is None:
        ack(response_action="errors", errors={field: "This form is out of date: reopen it."})
        return
    try:
        outcome = mark_deliverable_done(
            services,
            team_id=team_id,
            user_id=user_id,
            program_id=ref.program_id,
            phase_key=ref.phase_key,
            evidence=state_value(view, ids.DELIVERABLE_EVIDENCE) or "",
        )
    except DeliverableError as error:
        ack(response_action="errors", errors={field: str(error)})
        return
    ack()
    channel_id = meta.get("channel") if isinstance(meta.get("channel"), str) else None
    message_ts = meta.get("ts") if isinstance(meta.get("ts"), str) else None
    text, blocks = marked_done_message(
        title=outcome.phase.deliverable.title,
        evidence=outcome.record.evidence,
        change=outcome.change,
    )
    reply_privately(client, user_id=user_id, channel_id=channel_id, text=text, blocks=blocks)
    if channel_id and message_ts:
        state = prompt_state(services, team_id=team_id, user_id=user_id, week=ref.week)
        if state is not None:
            redraw_prompt(
                client,
                services,
                state,
                team_id=team_id,
                channel_id=channel_id,
                message_ts=message_ts,
            )
