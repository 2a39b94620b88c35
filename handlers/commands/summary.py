"""`/transition summary`: your recap so far."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.blocks.status import not_joined_blocks
from bot.blocks.summary import recap_blocks
from bot.services import Services
from bot.services.summary import personal_recap


def run(
    *, ack: Ack, command: dict[str, Any], client: WebClient, services: Services, args: str
) -> None:
    """Answer with the personal recap."""
    recap = personal_recap(services, team_id=command["team_id"], user_id=command["user_id"])
    text, blocks = recap_blocks(recap) if recap else not_joined_blocks()
    ack(text=text, blocks=blocks)
