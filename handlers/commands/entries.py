"""`/transition entries`: your last ten entries with Edit and Delete, shown only to you."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.blocks.evidence import entries_blocks
from bot.services import Services
from bot.services.evidence import recent_entries


def run(
    *, ack: Ack, command: dict[str, Any], client: WebClient, services: Services, args: str
) -> None:
    """Answer with the list (ephemeral: the ack's default)."""
    found = recent_entries(services, team_id=command["team_id"], user_id=command["user_id"])
    text, blocks = entries_blocks(found)
    ack(text=text, blocks=blocks)
