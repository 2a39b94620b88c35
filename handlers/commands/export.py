"""`/transition export`: all of your data, as a JSON file in your DM."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.personal_data import export_comment, export_failed, export_started
from bot.services import Services
from bot.services.personal_data import export_user
from handlers.replies import reply_privately

logger = logging.getLogger(__name__)


def run(
    *, ack: Ack, command: dict[str, Any], client: WebClient, services: Services, args: str
) -> None:
    """Acknowledge at once, then build and upload the file (uploads can be slow)."""
    text, blocks = export_started()
    ack(text=text, blocks=blocks)
    user_id = command["user_id"]
    export = export_user(services, team_id=command["team_id"], user_id=user_id)
    try:
        channel = client.conversations_open(users=user_id)["channel"]["id"]
        client.files_upload_v2(
            channel=channel,
            content=export.content,
            filename=export.filename,
            title="Your Transition Coach data",
            initial_comment=export_comment(export.row_count),
        )
    except SlackApiError as error:
        logger.warning("export upload for %s failed: %s", user_id, error.response.get("error"))
        text, blocks = export_failed()
        reply_privately(
            client, user_id=user_id, channel_id=command.get("channel_id"), text=text, blocks=blocks
        )
