"""Buttons that open a modal: the journal form and the join form."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.blocks.journal import journal_modal
from handlers.commands.join import open_join_modal
from handlers.commands.skills import open_skills_modal


def _channel(body: dict[str, Any]) -> str | None:
    channel = body.get("channel") or {}
    return channel.get("id") if isinstance(channel, dict) else None


def open_journal(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
    """Open the decision-journal modal."""
    ack()
    client.views_open(trigger_id=body["trigger_id"], view=journal_modal(channel_id=_channel(body)))


def open_join(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any]) -> None:
    """Open the join modal."""
    ack()
    open_join_modal(
        client,
        context["services"],
        trigger_id=body["trigger_id"],
        user_id=body["user"]["id"],
        channel_id=_channel(body),
        program=None,
    )


def open_skills(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any]) -> None:
    """Open the skills self-assessment."""
    ack()
    open_skills_modal(
        client,
        context["services"],
        trigger_id=body["trigger_id"],
        team_id=body["team"]["id"],
        user_id=body["user"]["id"],
    )
