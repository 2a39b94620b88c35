"""`/transition join [program]`: open the join modal, then fill in the time zone."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.common import section
from bot.blocks.join import join_modal
from bot.progress import default_start_date, local_date
from bot.services import Services

logger = logging.getLogger(__name__)


def run(
    *, ack: Ack, command: dict[str, Any], client: WebClient, services: Services, args: str
) -> None:
    """Acknowledge, then open the join modal (the trigger id lives 3 seconds)."""
    program = args.split()[0].lower() if args else None
    if program is not None and program not in services.programs:
        names = ", ".join(f"`{p}`" for p in services.programs)
        message = f"I don't know that program. Pick one of: {names}."
        ack(text=message, blocks=[section(message)])
        return
    ack()
    open_join_modal(
        client,
        services,
        trigger_id=command["trigger_id"],
        user_id=command["user_id"],
        channel_id=command.get("channel_id"),
        program=program,
    )


def open_join_modal(
    client: WebClient,
    services: Services,
    *,
    trigger_id: str,
    user_id: str,
    channel_id: str | None,
    program: str | None,
) -> None:
    """Open the join modal, then update it with the time zone from the user's profile."""
    today = services.clock.now().date()
    view = join_modal(
        services.programs,
        selected_program=program,
        start_date=default_start_date(today),
        timezone=None,
        channel_id=channel_id,
    )
    opened = client.views_open(trigger_id=trigger_id, view=view)
    view_id = opened["view"]["id"]
    timezone = read_timezone(client, user_id)
    today = local_date(services.clock.now(), timezone)
    updated = join_modal(
        services.programs,
        selected_program=program,
        start_date=default_start_date(today),
        timezone=timezone,
        channel_id=channel_id,
    )
    try:
        client.views_update(view_id=view_id, view=updated)
    except SlackApiError as error:  # the user may have closed or submitted it already
        logger.info("join modal not updated: %s", error.response.get("error"))


def read_timezone(client: WebClient, user_id: str) -> str | None:
    """The IANA time zone in the user's Slack profile, or None when it can't be read."""
    try:
        user = client.users_info(user=user_id)["user"]
    except SlackApiError as error:
        logger.warning("users.info failed for %s: %s", user_id, error.response.get("error"))
        return None
    tz = user.get("tz")
    return tz if isinstance(tz, str) and tz else None
