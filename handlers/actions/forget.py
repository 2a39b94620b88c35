"""The buttons under the forget question."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond

from bot.blocks.personal_data import forgotten, kept
from bot.services.personal_data import forget_user


def confirm(ack: Ack, body: dict[str, Any], respond: Respond, context: dict[str, Any]) -> None:
    """Delete everything about the clicking user in this workspace, then say so."""
    ack()
    count = forget_user(context["services"], team_id=body["team"]["id"], user_id=body["user"]["id"])
    text, blocks = forgotten(count)
    respond(text=text, blocks=blocks, replace_original=True, response_type="ephemeral")


def cancel(ack: Ack, respond: Respond) -> None:
    """Keep the data."""
    ack()
    text, blocks = kept()
    respond(text=text, blocks=blocks, replace_original=True, response_type="ephemeral")
