"""The admin's select menus and buttons (Home tab and the install checklist DM).

Each checks admin rights after the ack (users.info), changes the one setting, says so, and
redraws the admin's Home tab.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from bot.blocks.admin import HOURS, cohort_modal
from bot.blocks.common import section
from bot.blocks.config import refusal_blocks
from bot.outbound import Outbound
from bot.progress import default_start_date
from bot.services import Services
from bot.services.config import WEEKDAYS, add_admin, update
from handlers.authz import is_admin
from handlers.commands.preview import render as render_preview
from handlers.home import publish_home
from handlers.listener import Answer, Incoming

logger = logging.getLogger(__name__)


def _action(req: Incoming) -> dict[str, Any]:
    found = req.body.get("actions")
    first = found[0] if isinstance(found, list) and found else {}
    return first if isinstance(first, dict) else {}


def _as_admin(req: Incoming, change: Callable[[Outbound, Services], str | None]) -> Answer:
    """After the ack: refuse non-admins; else apply `change`, tell the admin, redraw Home."""

    def run(slack: Outbound) -> None:
        channel = req.channel_id
        if not is_admin(slack, req.services, team_id=req.team_id, user_id=req.user_id):
            text, blocks = refusal_blocks()
            slack.reply_privately(user_id=req.user_id, channel_id=channel, text=text, blocks=blocks)
            return
        said = change(slack, req.services)
        if said:
            slack.reply_privately(
                user_id=req.user_id, channel_id=channel, text=said, blocks=[section(said)]
            )
        publish_home(slack, req.services, team_id=req.team_id, user_id=req.user_id)

    return Answer.later(run)


def channel_selected(req: Incoming) -> Answer:
    """conversations_select: the team channel."""
    channel = _action(req).get("selected_conversation")
    if not isinstance(channel, str) or channel[:1] not in ("C", "G"):
        return Answer.later()

    def change(slack: Outbound, services: Services) -> str:
        update(services, team_id=req.team_id, team_channel_id=channel)
        return (
            f":white_check_mark: Ship posts and the weekly digest now go to <#{channel}>. "
            "If I'm not in it, invite me with `/invite @Transition Coach`."
        )

    return _as_admin(req, change)


def _selected_number(req: Incoming, allowed: range) -> int | None:
    chosen = _action(req).get("selected_option")
    value = chosen.get("value") if isinstance(chosen, dict) else None
    if isinstance(value, str) and value.isdigit() and int(value) in allowed:
        return int(value)
    return None


def day_selected(req: Incoming) -> Answer:
    """static_select: the prompt weekday."""
    day = _selected_number(req, range(7))
    if day is None:
        return Answer.later()

    def change(slack: Outbound, services: Services) -> str:
        update(services, team_id=req.team_id, prompt_weekday=day)
        return f":white_check_mark: Weekly prompts now go out on {WEEKDAYS[day].title()}s."

    return _as_admin(req, change)


def hour_selected(req: Incoming) -> Answer:
    """static_select: the prompt hour."""
    hour = _selected_number(req, HOURS)
    if hour is None:
        return Answer.later()

    def change(slack: Outbound, services: Services) -> str:
        update(services, team_id=req.team_id, prompt_hour=hour)
        return f":white_check_mark: Weekly prompts now go out at {hour:02d}:00 local time."

    return _as_admin(req, change)


def admin_selected(req: Incoming) -> Answer:
    """users_select: name a bot admin."""
    user = _action(req).get("selected_user")
    if not isinstance(user, str) or user[:1] not in ("U", "W"):
        return Answer.later()

    def change(slack: Outbound, services: Services) -> str:
        added = add_admin(services, team_id=req.team_id, user_id=user, added_by=req.user_id)
        return (
            f":white_check_mark: <@{user}> is now a bot admin."
            if added
            else f"<@{user}> is already a bot admin."
        )

    return _as_admin(req, change)


def open_cohort_form(req: Incoming) -> Answer:
    """The "Create a cohort" button: the form (its submission checks admin rights)."""
    start = default_start_date(req.services.clock.now().date())
    view = cohort_modal(req.services.programs, start=start)
    return Answer.later(lambda slack: slack.open_view(req.trigger_id, view))


def preview_week(req: Incoming) -> Answer:
    """The checklist's "Preview" button: week 1 of that program, shown only to the admin."""
    program = _action(req).get("value")
    if not isinstance(program, str) or program not in req.services.programs:
        return Answer.later()

    def change(slack: Outbound, services: Services) -> None:
        text, blocks = render_preview(services, team_id=req.team_id, args=f"{program} 1")
        slack.reply_privately(
            user_id=req.user_id, channel_id=req.channel_id, text=text, blocks=blocks
        )

    return _as_admin(req, change)
