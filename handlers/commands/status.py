"""`/transition status`: where you are in your program."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.blocks.status import not_joined_blocks, status_blocks
from bot.services import Services
from bot.services.status import status


def run(
    *, ack: Ack, command: dict[str, Any], client: WebClient, services: Services, args: str
) -> None:
    """Answer with the participant's status."""
    report = status(services, team_id=command["team_id"], user_id=command["user_id"])
    text, blocks = status_blocks(report) if report else not_joined_blocks()
    ack(text=text, blocks=blocks)
