"""`/transition log [kind] [text]`: store an entry at once, or open that kind's modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.blocks.evidence import evidence_modal, outcome_blocks
from bot.blocks.journal import journal_modal
from bot.evidence import parse_log_args, quick_fields
from bot.services import Services
from bot.services.evidence import log_evidence


def open_kind_modal(
    client: WebClient, *, kind: str, trigger_id: str, channel_id: str | None
) -> None:
    """Open the form for `kind` (the decision journal keeps its own form)."""
    view = (
        journal_modal(channel_id=channel_id)
        if kind == "decision"
        else evidence_modal(kind, channel_id=channel_id)
    )
    client.views_open(trigger_id=trigger_id, view=view)


def run(
    *, ack: Ack, command: dict[str, Any], client: WebClient, services: Services, args: str
) -> None:
    """With text: store, then acknowledge with the confirmation. Without: open the modal."""
    kind, text = parse_log_args(args)
    if not text:
        ack()
        open_kind_modal(
            client,
            kind=kind,
            trigger_id=command["trigger_id"],
            channel_id=command.get("channel_id"),
        )
        return
    # Stored before the ack: what the user sees confirmed is already in the database.
    outcome = log_evidence(
        services,
        team_id=command["team_id"],
        user_id=command["user_id"],
        kind=kind,
        fields=quick_fields(kind, text),
        client_key=f"cmd:{command.get('trigger_id')}" if command.get("trigger_id") else None,
    )
    reply_text, blocks = outcome_blocks(kind, outcome)
    # No Home refresh here: a slash command is typed outside the Home tab, and Slack sends
    # app_home_opened (which publishes it fresh) whenever the user goes back to it.
    ack(text=reply_text, blocks=blocks)
