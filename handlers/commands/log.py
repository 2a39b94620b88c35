"""`/transition log [kind] [text]`: store an entry at once, or open that kind's modal."""

from __future__ import annotations

from bot.blocks.evidence import evidence_modal, outcome_blocks
from bot.blocks.journal import journal_modal
from bot.evidence import parse_log_args, quick_fields
from bot.outbound import Outbound
from bot.services.evidence import log_evidence
from handlers.listener import Answer, Incoming, Then


def open_kind_modal(*, kind: str, trigger_id: str, channel_id: str | None) -> Then:
    """Open the form for `kind` (the decision journal keeps its own form), after the ack."""
    view = (
        journal_modal(channel_id=channel_id)
        if kind == "decision"
        else evidence_modal(kind, channel_id=channel_id)
    )

    def open_it(slack: Outbound) -> None:
        slack.open_view(trigger_id, view)

    return open_it


def run(req: Incoming, args: str) -> Answer:
    """With text: store, then acknowledge with the confirmation. Without: open the modal."""
    kind, text = parse_log_args(args)
    if not text:
        return Answer.later(
            open_kind_modal(kind=kind, trigger_id=req.trigger_id, channel_id=req.channel_id)
        )
    # Stored before the ack: what the user sees confirmed is already in the database.
    outcome = log_evidence(
        req.services,
        team_id=req.team_id,
        user_id=req.user_id,
        kind=kind,
        fields=quick_fields(kind, text),
        client_key=f"cmd:{req.trigger_id}" if req.trigger_id else None,
    )
    # No Home refresh here: a slash command is typed outside the Home tab, and Slack sends
    # app_home_opened (which publishes it fresh) whenever the user goes back to it.
    return Answer.reply(*outcome_blocks(outcome, quick=True))
