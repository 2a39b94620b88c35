"""The journal modal's submission: store the entry, then confirm privately."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.blocks import ids
from bot.blocks.journal import logged_message
from bot.services.journal import log_entry
from handlers.home import publish_home
from handlers.replies import reply_privately
from handlers.views.values import metadata, state_value


def handle_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: dict[str, Any]
) -> None:
    """Store the decision with its context fields; the modal closes once it is saved."""
    decision = state_value(view, ids.JOURNAL_DECISION)
    if decision is None:
        ack(response_action="errors", errors={ids.JOURNAL_DECISION[0]: "Write the decision."})
        return
    fields = {
        "decision": decision,
        "who": state_value(view, ids.JOURNAL_WHO),
        "data": state_value(view, ids.JOURNAL_DATA),
        "alternative": state_value(view, ids.JOURNAL_ALTERNATIVE),
    }
    user_id = body["user"]["id"]
    outcome = log_entry(
        context["services"],
        team_id=body["team"]["id"],
        user_id=user_id,
        kind="decision",
        text=decision,
        fields={k: v for k, v in fields.items() if v is not None},
        client_key=f"view:{view['id']}",  # a double submit of one modal stores once
    )
    ack()
    text, blocks = logged_message(
        kind="decision",
        text=decision,
        week=outcome.entry.program_week,
        enrolled=outcome.enrolled,
        created=outcome.created,
    )
    reply_privately(
        client, user_id=user_id, channel_id=metadata(view).get("channel"), text=text, blocks=blocks
    )
    publish_home(client, context["services"], team_id=body["team"]["id"], user_id=user_id)
