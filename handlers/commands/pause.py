"""`/transition pause`: stop scheduled DMs until resume."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.blocks.participation import pause_reply
from bot.services import Services
from bot.services.participation import pause


def run(
    *, ack: Ack, command: dict[str, Any], client: WebClient, services: Services, args: str
) -> None:
    """Change the participant's enrollment and say what happened (ephemeral)."""
    change = pause(services, team_id=command["team_id"], user_id=command["user_id"])
    text, blocks = pause_reply(change)
    ack(text=text, blocks=blocks)
