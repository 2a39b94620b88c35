"""Publishing, editing and deleting ship posts in Slack, with the fallbacks users rely on."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.ship import fallback_note, ship_confirmation, ship_post
from bot.services import Services
from bot.services.ship import record_post, team_channel
from handlers.replies import reply_privately
from storage.models import Entry

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Published:
    """Where a ship post went."""

    channel_id: str
    ts: str
    fallback: str | None  # None | "no_channel" | the Slack error that forced the DM
    team_channel_id: str | None
    permalink: str | None = None


def publish(client: WebClient, services: Services, *, entry: Entry) -> Published | None:
    """Post to the team channel, or to the author's DM with the reason and the fix."""
    channel = team_channel(services, team_id=entry.team_id)
    text, blocks = ship_post(author=entry.user_id, fields=entry.fields)
    fallback = "no_channel"
    if channel:
        try:
            response = client.chat_postMessage(channel=channel, text=text, blocks=blocks)
        except SlackApiError as error:
            # Unreachable channel (or any other refusal): the author's DM keeps it visible.
            reason = str(error.response.get("error"))
            logger.warning("ship post for %s fell back to DM: %s", entry.team_id, reason)
            fallback = reason
        else:
            # Kept with the entry: the weekly digest links the week's ship posts.
            link = permalink(client, channel_id=response["channel"], ts=response["ts"])
            record_post(
                services,
                entry=entry,
                channel_id=response["channel"],
                ts=response["ts"],
                posted_to="team",
                permalink=link,
            )
            return Published(response["channel"], response["ts"], None, channel, link)
    try:
        response = client.chat_postMessage(
            channel=entry.user_id, text=text, blocks=[*blocks, fallback_note(fallback, channel)]
        )
    except SlackApiError as error:
        logger.error(
            "ship post %s stored but not posted: %s", entry.id, error.response.get("error")
        )
        return None
    record_post(
        services,
        entry=entry,
        channel_id=response["channel"],
        ts=response["ts"],
        posted_to="dm",
        fallback=fallback,
    )
    return Published(response["channel"], response["ts"], fallback, channel)


def permalink(client: WebClient, *, channel_id: str, ts: str) -> str | None:
    """The message's permalink, or None (the confirmation still goes out without it)."""
    try:
        return str(client.chat_getPermalink(channel=channel_id, message_ts=ts)["permalink"])
    except SlackApiError as error:
        logger.info("chat.getPermalink failed: %s", error.response.get("error"))
        return None


def confirm_to_author(
    client: WebClient,
    *,
    entry: Entry,
    published: Published,
    reply_channel: str | None,
    edited: bool = False,
) -> None:
    """Tell the author privately where the post is, with Edit/Delete."""
    link = published.permalink or permalink(
        client, channel_id=published.channel_id, ts=published.ts
    )
    text, blocks = ship_confirmation(
        entry_id=entry.id or 0,
        permalink=link,
        channel_id=published.team_channel_id,
        fallback=published.fallback,
        edited=edited,
    )
    reply_privately(
        client, user_id=entry.user_id, channel_id=reply_channel, text=text, blocks=blocks
    )


def update_post(client: WebClient, *, entry: Entry) -> bool:
    """Re-render a published ship post after an edit (chat.update)."""
    if not entry.post_channel_id or not entry.post_ts:
        return False
    text, blocks = ship_post(author=entry.user_id, fields=entry.fields)
    if entry.fields.get("posted_to") == "dm":
        blocks.append(fallback_note(str(entry.fields.get("fallback") or "no_channel"), None))
    try:
        client.chat_update(
            channel=entry.post_channel_id, ts=entry.post_ts, text=text, blocks=blocks
        )
    except SlackApiError as error:
        logger.warning("ship post %s not updated: %s", entry.id, error.response.get("error"))
        return False
    return True


def delete_post(client: WebClient, *, entry: Entry) -> bool:
    """Remove a published ship post (chat.delete); a post already gone counts as deleted."""
    if not entry.post_channel_id or not entry.post_ts:
        return True
    try:
        client.chat_delete(channel=entry.post_channel_id, ts=entry.post_ts)
    except SlackApiError as error:
        reason = error.response.get("error")
        if reason == "message_not_found":
            return True
        logger.warning("ship post %s not deleted: %s", entry.id, reason)
        return False
    return True
