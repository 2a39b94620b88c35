"""The journal modal's submission: store the entry, then confirm privately."""

from __future__ import annotations

from bot.blocks import ids
from bot.blocks.journal import logged_message
from bot.outbound import Outbound
from bot.services.journal import log_entry
from handlers.home import publish_home
from handlers.listener import Answer, Incoming
from handlers.views.values import metadata, state_value


def handle_submission(req: Incoming) -> Answer:
    """Store the decision with its context fields; the modal closes once it is saved."""
    view = req.view
    decision = state_value(view, ids.JOURNAL_DECISION)
    if decision is None:
        return Answer.errors({ids.JOURNAL_DECISION[0]: "Write the decision."})
    fields = {
        "decision": decision,
        "who": state_value(view, ids.JOURNAL_WHO),
        "data": state_value(view, ids.JOURNAL_DATA),
        "alternative": state_value(view, ids.JOURNAL_ALTERNATIVE),
    }
    outcome = log_entry(
        req.services,
        team_id=req.team_id,
        user_id=req.user_id,
        kind="decision",
        text=decision,
        fields={k: v for k, v in fields.items() if v is not None},
        client_key=f"view:{view.get('id')}",  # a double submit of one modal stores once
    )
    text, blocks = logged_message(
        kind="decision",
        text=decision,
        week=outcome.entry.program_week,
        enrolled=outcome.enrolled,
        created=outcome.created,
    )
    channel = metadata(view).get("channel")

    def confirm(slack: Outbound) -> None:
        slack.reply_privately(
            user_id=req.user_id,
            channel_id=channel if isinstance(channel, str) else None,
            text=text,
            blocks=blocks,
        )
        publish_home(slack, req.services, team_id=req.team_id, user_id=req.user_id)

    return Answer.later(confirm)
