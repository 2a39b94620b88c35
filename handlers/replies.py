"""Private replies after the ack: to the user's DM or as an ephemeral message, with fallback."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

logger = logging.getLogger(__name__)


def reply_privately(
    client: WebClient,
    *,
    user_id: str,
    channel_id: str | None,
    text: str,
    blocks: list[dict[str, Any]],
    prefer_dm: bool = False,
) -> bool:
    """Show `user_id` a message only they see; returns False when every route failed.

    An ephemeral in the channel they typed in is the least noisy; the DM works where
    the bot is not in that channel. Failures are logged, never raised: what the reply
    confirms is already stored.
    """
    routes = ["ephemeral", "dm"] if channel_id else ["dm"]
    if prefer_dm:
        routes.reverse()
    for route in routes:
        try:
            if route == "dm":
                client.chat_postMessage(channel=user_id, text=text, blocks=blocks)
            else:
                client.chat_postEphemeral(
                    channel=channel_id or user_id, user=user_id, text=text, blocks=blocks
                )
            return True
        except SlackApiError as error:
            logger.warning(
                "reply by %s to %s failed: %s", route, user_id, error.response.get("error")
            )
        except (SlackClientError, OSError) as error:  # a timeout or a refused connection
            logger.warning("reply by %s to %s failed: %s", route, user_id, type(error).__name__)
    logger.error("could not reply to %s by any route", user_id)
    return False
