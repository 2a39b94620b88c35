"""`/transition summary`: your recap so far; admins: `summary team` posts the digest now."""

from __future__ import annotations

import logging

from bot.blocks.common import Block, context, section
from bot.blocks.reminders import digest_message
from bot.blocks.status import not_joined_blocks
from bot.blocks.summary import recap_blocks
from bot.outbound import Outbound, SlackFailure
from bot.scheduling import pictured
from bot.services import Services
from bot.services.digest import digest_now, digest_with_chart
from bot.services.ship import team_channel
from bot.services.summary import personal_recap
from handlers.authz import is_admin
from handlers.listener import Answer, Incoming

logger = logging.getLogger(__name__)

ADMINS_ONLY = "Only admins can post the team digest. `/transition summary` shows your own recap."


def run(req: Incoming, args: str) -> Answer:
    """Answer with the personal recap, or (after the ack) post the team digest for an admin."""
    if args.split()[:1] == ["team"]:

        def answer(slack: Outbound) -> None:
            text, blocks = post_team_digest(
                slack, req.services, team_id=req.team_id, user_id=req.user_id
            )
            slack.reply_privately(
                user_id=req.user_id, channel_id=req.channel_id, text=text, blocks=blocks
            )

        return Answer.later(answer)
    recap = personal_recap(req.services, team_id=req.team_id, user_id=req.user_id)
    return Answer.reply(*(recap_blocks(recap) if recap else not_joined_blocks()))


def post_team_digest(
    slack: Outbound, services: Services, *, team_id: str, user_id: str
) -> tuple[str, list[Block]]:
    """Post the last seven days' digest in the team channel now; returns what to tell the
    admin (the digest itself, with the fix, when it could not be posted)."""
    if not is_admin(slack, services, team_id=team_id, user_id=user_id):
        return ADMINS_ONLY, [section(ADMINS_ONLY)]
    now, data = digest_now(services, team_id=team_id)
    text, blocks = digest_message(period=f"7 days to {now:%d %b %Y}", data=data)
    channel = team_channel(services, team_id=team_id)
    problem = "No team channel is set: `/transition config channel #channel` sets one."
    if channel:
        # With its chart, as the weekly one (bot/services/digest.py, render_digests).
        message = digest_with_chart(channel, text, blocks, data)
        try:
            pictured.post(slack, message, pictured.drawn(slack, message, "digest"), what="digest")
        except SlackFailure as failure:
            logger.warning("team digest for %s not posted: %s", team_id, failure.error)
            problem = (
                f"I couldn't post in <#{channel}> ({failure.error}): invite me there with "
                "`/invite @Transition Coach`."
            )
        else:
            done = f":white_check_mark: Posted the team digest in <#{channel}>."
            return done, [section(done)]
    # Not posted: show it to the admin, so the numbers are not lost either.
    return text, [*blocks[:45], context(f":warning: {problem}")]
