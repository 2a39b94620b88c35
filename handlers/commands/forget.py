"""`/transition forget`: ask first; the buttons in handlers/actions/forget.py do the rest."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.blocks.personal_data import forget_confirmation
from bot.services import Services


def run(
    *, ack: Ack, command: dict[str, Any], client: WebClient, services: Services, args: str
) -> None:
    """Answer with the confirmation question (nothing is deleted yet)."""
    text, blocks = forget_confirmation()
    ack(text=text, blocks=blocks)
