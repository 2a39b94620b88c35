"""The admin's select menus and buttons (Home tab and the install checklist DM).

Each checks admin rights after the ack (users.info), changes the one setting, says so, and
redraws the admin's Home tab.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.blocks.admin import cohort_modal
from bot.blocks.common import section
from bot.blocks.config import refusal_blocks
from bot.blocks.rhythm import PROMPT_HOURS
from bot.outbound import Outbound
from bot.progress import default_start_date
from bot.services import Services
from bot.services.config import WEEKDAYS, add_admin, update
from handlers.actions.containers import first_action, selected_number
from handlers.authz import is_admin
from handlers.commands.preview import render as render_preview
from handlers.home import publish_home
from handlers.listener import Answer, Incoming

logger = logging.getLogger(__name__)


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
    channel = first_action(req.body).get("selected_conversation")
    if not isinstance(channel, str) or channel[:1] not in ("C", "G"):
        return Answer.later()

    def change(slack: Outbound, services: Services) -> str:
        update(services, team_id=req.team_id, team_channel_id=channel)
        return (
            f":white_check_mark: Ship posts and the weekly digest now go to <#{channel}>. "
            "If I'm not in it, invite me with `/invite @Transition Coach`."
        )

    return _as_admin(req, change)


def day_selected(req: Incoming) -> Answer:
    """static_select: the prompt weekday."""
    day = selected_number(req.body, range(7))
    if day is None:
        return Answer.later()

    def change(slack: Outbound, services: Services) -> str:
        update(services, team_id=req.team_id, prompt_weekday=day)
        return f":white_check_mark: Weekly prompts now go out on {WEEKDAYS[day].title()}s."

    return _as_admin(req, change)


def hour_selected(req: Incoming) -> Answer:
    """static_select: the prompt hour."""
    hour = selected_number(req.body, PROMPT_HOURS)
    if hour is None:
        return Answer.later()

    def change(slack: Outbound, services: Services) -> str:
        update(services, team_id=req.team_id, prompt_hour=hour)
        return f":white_check_mark: Weekly prompts now go out at {hour:02d}:00 local time."

    return _as_admin(req, change)


def admin_selected(req: Incoming) -> Answer:
    """users_select: name a bot admin."""
    user = first_action(req.body).get("selected_user")
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
    program = first_action(req.body).get("value")
    if not isinstance(program, str) or program not in req.services.programs:
        return Answer.later()

    def change(slack: Outbound, services: Services) -> None:
        text, blocks = render_preview(services, team_id=req.team_id, args=f"{program} 1")
        slack.reply_privately(
            user_id=req.user_id, channel_id=req.channel_id, text=text, blocks=blocks
        )

    return _as_admin(req, change)
