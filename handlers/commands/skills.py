"""`/transition skills`: rate yourself 1-5 on the skills the programs build."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.blocks.skills import skills_modal
from bot.services import Services
from bot.services.skills import moment_for, ratings


def run(
    *, ack: Ack, command: dict[str, Any], client: WebClient, services: Services, args: str
) -> None:
    """Open the self-assessment for the moment that is due (baseline, or final week)."""
    ack()
    open_skills_modal(
        client,
        services,
        trigger_id=command["trigger_id"],
        team_id=command["team_id"],
        user_id=command["user_id"],
    )


def open_skills_modal(
    client: WebClient, services: Services, *, trigger_id: str, team_id: str, user_id: str
) -> None:
    """Open the skills modal, prefilled with this moment's earlier answers."""
    moment = moment_for(services, team_id=team_id, user_id=user_id)
    current = ratings(services, team_id=team_id, user_id=user_id).get(moment, {})
    client.views_open(trigger_id=trigger_id, view=skills_modal(moment, current))
