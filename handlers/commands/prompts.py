"""`/transition prompts <day> <hour>`: your own prompt day and hour (`default`: the
workspace's); bare, it says when they come."""

from __future__ import annotations

from bot.blocks.common import section
from bot.blocks.rhythm import rhythm_reply
from bot.services.config import parse_hour, parse_weekday
from bot.services.rhythm import rhythm, set_rhythm
from handlers.listener import Answer, Incoming

USAGE = (
    "Write a weekday and an hour from 0 to 23, e.g. `/transition prompts tuesday 8`, or "
    "`/transition prompts default` for the workspace's."
)


def run(req: Incoming, args: str) -> Answer:
    """Show or change the member's rhythm (stored before the ack)."""
    words = args.lower().split()
    team_id, user_id = req.team_id, req.user_id
    if not words:
        found = rhythm(req.services, team_id=team_id, user_id=user_id)
        return Answer.reply(*rhythm_reply(found, changed=False))
    if words == ["default"]:
        found = set_rhythm(req.services, team_id=team_id, user_id=user_id, weekday=None, hour=None)
        return Answer.reply(*rhythm_reply(found, changed=found is not None))
    weekday = parse_weekday(words[0])
    hour = parse_hour(words[1]) if len(words) == 2 else None
    if len(words) != 2 or weekday is None or hour is None:
        return Answer.reply(USAGE, [section(USAGE)])
    found = set_rhythm(req.services, team_id=team_id, user_id=user_id, weekday=weekday, hour=hour)
    return Answer.reply(*rhythm_reply(found, changed=found is not None))
