"""`/transition join [program]`: open the join modal, then fill in the time zone."""

from __future__ import annotations

import contextlib

from bot.blocks.common import section
from bot.blocks.join import already_enrolled_message, join_modal
from bot.outbound import Outbound, SlackFailure
from bot.programs import Program
from bot.progress import default_start_date, local_date
from bot.services import Services
from bot.services.enrollment import current_enrolment
from handlers.listener import Answer, Incoming, Then


def run(req: Incoming, args: str) -> Answer:
    """Acknowledge, then open the join modal (the trigger id lives 3 seconds)."""
    program = args.split()[0].lower() if args else None
    if program is not None and program not in req.services.programs:
        names = ", ".join(f"`{p}`" for p in req.services.programs)
        message = f"I don't know that program. Pick one of: {names}."
        return Answer.reply(message, [section(message)])
    current = current_enrolment(req.services, team_id=req.team_id, user_id=req.user_id)
    if current is not None:
        # Already in a program: where they are, and a way to switch, not the whole form.
        return Answer.reply(
            *already_enrolled_message(
                current.program,
                week=current.week,
                paused=current.participant.status == "paused",
                entry_count=current.entry_count,
            )
        )
    return Answer.later(
        open_join_modal(
            req.services,
            trigger_id=req.trigger_id,
            user_id=req.user_id,
            channel_id=req.channel_id,
            program=program,
        )
    )


def open_join_modal(
    services: Services,
    *,
    trigger_id: str,
    user_id: str,
    channel_id: str | None,
    program: str | None,
    switching_from: Program | None = None,
) -> Then:
    """Open the join modal at once, then update it with the time zone from the profile;
    `switching_from`: the program the member is leaving for the one they pick."""
    today = services.clock.now().date()
    first = join_modal(
        services.programs,
        selected_program=program,
        start_date=default_start_date(today),
        timezone=None,
        channel_id=channel_id,
        switching_from=switching_from,
    )

    def open_it(slack: Outbound) -> None:
        view_id = str(slack.open_view(trigger_id, first)["id"])
        timezone = read_timezone(slack, user_id)
        updated = join_modal(
            services.programs,
            selected_program=program,
            start_date=default_start_date(local_date(services.clock.now(), timezone)),
            timezone=timezone,
            channel_id=channel_id,
            switching_from=switching_from,
        )
        with contextlib.suppress(SlackFailure):  # the user may have closed or submitted it
            slack.update_view(view_id, updated)

    return open_it


def read_timezone(slack: Outbound, user_id: str) -> str | None:
    """The IANA time zone in the user's Slack profile, or None when it can't be read."""
    try:
        tz = slack.user_info(user_id).get("tz")
    except SlackFailure:
        return None
    return tz if isinstance(tz, str) and tz else None
