"""The Home tab's rhythm controls: prompt day, prompt hour, away until, back now."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.blocks.common import section
from bot.blocks.participation import resume_reply
from bot.blocks.rhythm import DEFAULT
from bot.outbound import Outbound
from bot.services.participation import AwayError, away, resume
from bot.services.rhythm import set_rhythm
from handlers.actions.containers import first_action, selected_number
from handlers.home import publish_home
from handlers.listener import Answer, Incoming


def _selected(req: Incoming, limit: int) -> int | str | None:
    """The chosen number (0..limit-1), None for "the workspace's", "bad" for anything else."""
    option = first_action(req.body).get("selected_option")
    if isinstance(option, dict) and option.get("value") == DEFAULT:
        return None
    chosen = selected_number(req.body, range(limit))
    return "bad" if chosen is None else chosen


def _refresh(req: Incoming, message: str | None = None) -> Answer:
    """Republish the Home tab (and say `message` by DM when there is something to say)."""

    def then(slack: Outbound) -> None:
        if message:
            slack.reply_privately(
                user_id=req.user_id, channel_id=None, text=message, blocks=[section(message)]
            )
        publish_home(slack, req.services, team_id=req.team_id, user_id=req.user_id)

    return Answer.later(then)


def choose_day(req: Incoming) -> Answer:
    """Store the member's own prompt day (before the ack), then redraw Home."""
    return _choose(req, "weekday", 7)


def choose_hour(req: Incoming) -> Answer:
    """Store the member's own prompt hour (before the ack), then redraw Home."""
    return _choose(req, "hour", 24)


def _choose(req: Incoming, setting: str, limit: int) -> Answer:
    chosen = _selected(req, limit)
    if isinstance(chosen, str):  # not one of the options we offered
        return Answer.later()
    change: dict[str, Any] = {setting: chosen}
    set_rhythm(req.services, team_id=req.team_id, user_id=req.user_id, **change)
    return _refresh(req)


def choose_away(req: Incoming) -> Answer:
    """Away until the picked date; a date that can't be used is explained by DM."""
    picked = first_action(req.body).get("selected_date")
    try:
        until = date.fromisoformat(picked) if isinstance(picked, str) else None
    except ValueError:
        until = None
    if until is None:
        return Answer.later()
    try:
        away(req.services, team_id=req.team_id, user_id=req.user_id, until=until)
    except AwayError as error:
        return _refresh(req, str(error))
    return _refresh(req)


def back_now(req: Incoming) -> Answer:
    """Resume before the away date (or after a pause)."""
    change = resume(req.services, team_id=req.team_id, user_id=req.user_id)
    text, _ = resume_reply(change)
    return _refresh(req, text if change.changed else None)
