"""`/transition away <date>`: pause until a date; the program resumes by itself then."""

from __future__ import annotations

from datetime import date

from bot.blocks.common import section
from bot.blocks.participation import NOT_JOINED
from bot.blocks.rhythm import away_reply
from bot.services.participation import AwayError, away
from handlers.listener import Answer, Incoming

USAGE = "Write the day you're back as YYYY-MM-DD, e.g. `/transition away 2027-01-14`."


def run(req: Incoming, args: str) -> Answer:
    """Store the time away before the ack, then say what it means."""
    word = args.split()[0] if args else ""
    try:
        until = date.fromisoformat(word)
    except ValueError:
        return Answer.reply(USAGE, [section(USAGE)])
    return set_away(req, until)


def set_away(req: Incoming, until: date) -> Answer:
    """Away until `until`: the reply to the command, the Home tab's date picker too."""
    try:
        change = away(req.services, team_id=req.team_id, user_id=req.user_id, until=until)
    except AwayError as error:
        return Answer.reply(str(error), [section(str(error))])
    if change is None:
        return Answer.reply(NOT_JOINED, [section(NOT_JOINED)])
    return Answer.reply(*away_reply(change.until))
