"""The mark-done modal's submission: store the evidence, confirm, redraw the prompt."""

from __future__ import annotations

from bot.blocks import ids
from bot.blocks.deliverables import marked_done_message
from bot.blocks.prompt import PromptRef
from bot.outbound import Outbound
from bot.services.deliverables import (
    DeliverableError,
    NotMetYet,
    mark_deliverable_done,
    missing_line,
)
from bot.services.prompt_state import prompt_state
from handlers.listener import Answer, Incoming
from handlers.prompt_messages import redraw_prompt
from handlers.views.values import checked, metadata, state_value


def handle_submission(req: Incoming) -> Answer:
    """Store the deliverable as done (stored before the modal closes), then tell the user."""
    services, view = req.services, req.view
    meta = metadata(view)
    ref = PromptRef.parse(meta.get("ref"))
    field = ids.DELIVERABLE_EVIDENCE[0]
    if ref is None:
        return Answer.errors({field: "This form is out of date: reopen it."})
    anyway_block = ids.DELIVERABLE_ANYWAY[0]
    try:
        outcome = mark_deliverable_done(
            services,
            team_id=req.team_id,
            user_id=req.user_id,
            program_id=ref.program_id,
            phase_key=ref.phase_key,
            evidence=state_value(view, ids.DELIVERABLE_EVIDENCE) or "",
            anyway=checked(view, ids.DELIVERABLE_ANYWAY),
        )
    except NotMetYet as error:
        # Shown beside the "anyway" box when the form has one (it was opened while the
        # definition was not met); else beside the evidence, as something to reopen for.
        has_box = any(b.get("block_id") == anyway_block for b in view.get("blocks") or [])
        if has_box:
            return Answer.errors({anyway_block: str(error)})
        return Answer.errors(
            {
                field: f"Still missing: {missing_line(error.missing)}. Log them first, or "
                "reopen this form to mark it done anyway."
            }
        )
    except DeliverableError as error:
        return Answer.errors({field: str(error)})
    channel_id = meta.get("channel") if isinstance(meta.get("channel"), str) else None
    message_ts = meta.get("ts") if isinstance(meta.get("ts"), str) else None
    text, blocks = marked_done_message(
        title=outcome.phase.deliverable.title,
        evidence=outcome.record.evidence,
        change=outcome.change,
        missing=outcome.record.missing,
    )

    def confirm(slack: Outbound) -> None:
        slack.reply_privately(user_id=req.user_id, channel_id=channel_id, text=text, blocks=blocks)
        if channel_id and message_ts:
            state = prompt_state(services, team_id=req.team_id, user_id=req.user_id, week=ref.week)
            if state is not None:
                redraw_prompt(
                    slack,
                    services,
                    state,
                    team_id=req.team_id,
                    channel_id=channel_id,
                    message_ts=message_ts,
                )

    return Answer.later(confirm)
