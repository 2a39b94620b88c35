"""Publishing, editing and deleting ship posts in Slack, with the fallbacks users rely on."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.blocks.evidence import feedback_blocks
from bot.blocks.ship import fallback_note, ship_confirmation, ship_post
from bot.coaching import feedback
from bot.outbound import Outbound, SlackFailure
from bot.services import Services
from bot.services.ship import record_post, team_channel
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


def publish(slack: Outbound, services: Services, *, entry: Entry) -> Published | None:
    """Post to the team channel, or to the author's DM with the reason and the fix."""
    channel = team_channel(services, team_id=entry.team_id)
    text, blocks = ship_post(author=entry.user_id, fields=entry.fields)
    fallback = "no_channel"
    if channel:
        try:
            posted = slack.post(channel, text, blocks)
        except SlackFailure as failure:
            # Unreachable channel (or any other refusal): the author's DM keeps it visible.
            logger.warning("ship post for %s fell back to DM: %s", entry.team_id, failure.error)
            fallback = failure.error
        else:
            # Kept with the entry: the weekly digest links the week's ship posts.
            link = slack.permalink(posted.channel, posted.ts)
            record_post(
                services,
                entry=entry,
                channel_id=posted.channel,
                ts=posted.ts,
                posted_to="team",
                permalink=link,
            )
            return Published(posted.channel, posted.ts, None, channel, link)
    try:
        posted = slack.post(entry.user_id, text, [*blocks, fallback_note(fallback, channel)])
    except SlackFailure as failure:
        logger.error("ship post %s stored but not posted: %s", entry.id, failure.error)
        return None
    record_post(
        services,
        entry=entry,
        channel_id=posted.channel,
        ts=posted.ts,
        posted_to="dm",
        fallback=fallback,
    )
    return Published(posted.channel, posted.ts, fallback, channel)


def confirm_to_author(
    slack: Outbound,
    *,
    entry: Entry,
    published: Published,
    reply_channel: str | None,
    edited: bool = False,
) -> None:
    """Tell the author privately where the post is, with Edit/Delete."""
    link = published.permalink or slack.permalink(published.channel_id, published.ts)
    text, blocks = ship_confirmation(
        entry_id=entry.id or 0,
        permalink=link,
        channel_id=published.team_channel_id,
        fallback=published.fallback,
        edited=edited,
    )
    # The same rules as every other confirmation, the deliverable check and the portfolio.
    blocks[1:1] = feedback_blocks(feedback("ship", entry.fields), [])
    slack.reply_privately(user_id=entry.user_id, channel_id=reply_channel, text=text, blocks=blocks)


def update_post(slack: Outbound, *, entry: Entry) -> bool:
    """Re-render a published ship post after an edit (chat.update)."""
    if not entry.post_channel_id or not entry.post_ts:
        return False
    text, blocks = ship_post(author=entry.user_id, fields=entry.fields)
    if entry.fields.get("posted_to") == "dm":
        blocks.append(fallback_note(str(entry.fields.get("fallback") or "no_channel"), None))
    try:
        slack.update(entry.post_channel_id, entry.post_ts, text, blocks)
    except SlackFailure:
        return False
    return True


def delete_post(slack: Outbound, *, entry: Entry) -> bool:
    """Remove a published ship post (chat.delete); a post already gone counts as deleted."""
    if not entry.post_channel_id or not entry.post_ts:
        return True
    try:
        slack.delete(entry.post_channel_id, entry.post_ts)
    except SlackFailure as failure:
        return failure.error == "message_not_found"
    return True
