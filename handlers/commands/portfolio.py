"""`/transition portfolio`: your evidence compiled into a Markdown file, gaps named."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.personal_data import export_failed, portfolio_summary
from bot.services import Services
from bot.services.portfolio import compile_portfolio
from handlers.replies import reply_privately

logger = logging.getLogger(__name__)


def run(
    *, ack: Ack, command: dict[str, Any], client: WebClient, services: Services, args: str
) -> None:
    """Compile (fast), answer with the summary, then upload the file to the user's DM."""
    user_id = command["user_id"]
    portfolio = compile_portfolio(
        services,
        team_id=command["team_id"],
        user_id=user_id,
        name=command.get("user_name") or user_id,
    )
    states = [
        (a.title, "strong" if a.complete else "in progress" if a.entries else "missing", a.gaps)
        for a in portfolio.artifacts
    ]
    text, blocks = portfolio_summary(portfolio.strong, states)
    ack(text=text, blocks=blocks)
    try:
        channel = client.conversations_open(users=user_id)["channel"]["id"]
        client.files_upload_v2(
            channel=channel,
            content=portfolio.markdown.encode(),
            filename=portfolio.filename,
            title="Your transition portfolio",
            initial_comment="Your transition portfolio, compiled from everything you logged.",
        )
    except SlackApiError as error:
        logger.warning("portfolio upload for %s failed: %s", user_id, error.response.get("error"))
        text, blocks = export_failed()
        reply_privately(
            client, user_id=user_id, channel_id=command.get("channel_id"), text=text, blocks=blocks
        )
