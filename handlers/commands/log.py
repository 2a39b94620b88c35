"""`/transition log [text]`: store a journal entry at once, or open the journal modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.blocks.journal import journal_modal, logged_message
from bot.services import Services
from bot.services.journal import log_entry
from handlers.home import publish_home


def run(
    *, ack: Ack, command: dict[str, Any], client: WebClient, services: Services, args: str
) -> None:
    """With text: store, then acknowledge with the confirmation. Without: open the modal."""
    if not args:
        ack()
        client.views_open(
            trigger_id=command["trigger_id"],
            view=journal_modal(channel_id=command.get("channel_id")),
        )
        return
    # Stored before the ack: what the user sees confirmed is already in the database.
    outcome = log_entry(
        services,
        team_id=command["team_id"],
        user_id=command["user_id"],
        kind="decision",
        text=args,
        fields={"decision": args},
        client_key=f"cmd:{command.get('trigger_id')}" if command.get("trigger_id") else None,
    )
    text, blocks = logged_message(
        kind="decision",
        text=args,
        week=outcome.entry.program_week,
        enrolled=outcome.enrolled,
        created=outcome.created,
    )
    ack(text=text, blocks=blocks)
    publish_home(client, services, team_id=command["team_id"], user_id=command["user_id"])
