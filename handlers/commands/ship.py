"""`/transition ship`: open the ship post form."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.blocks.evidence import evidence_modal
from bot.services import Services


def run(
    *, ack: Ack, command: dict[str, Any], client: WebClient, services: Services, args: str
) -> None:
    """Acknowledge, then open the form (the trigger id lives 3 seconds)."""
    ack()
    client.views_open(
        trigger_id=command["trigger_id"],
        view=evidence_modal("ship", channel_id=command.get("channel_id")),
    )
