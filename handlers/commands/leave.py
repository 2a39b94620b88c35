"""`/transition leave`: end your enrollment, keeping your data."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.blocks.participation import leave_reply
from bot.services import Services
from bot.services.participation import leave


def run(
    *, ack: Ack, command: dict[str, Any], client: WebClient, services: Services, args: str
) -> None:
    """Change the participant's enrollment and say what happened (ephemeral)."""
    change = leave(services, team_id=command["team_id"], user_id=command["user_id"])
    text, blocks = leave_reply(change)
    ack(text=text, blocks=blocks)
