"""`/transition join [program]`: open the join modal, then fill in the time zone."""

from __future__ import annotations

import contextlib

from bot.blocks.cohorts import catch_up_input
from bot.blocks.common import Block, section
from bot.blocks.join import already_enrolled_message, join_modal
from bot.outbound import Outbound, SlackFailure
from bot.programs import Program
from bot.progress import default_start_date, local_date, program_week
from bot.services import Services
from bot.services.enrollment import current_enrolment
from handlers.listener import Answer, Incoming, Then
from storage.models import Cohort


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
    return join_form(req, program=program)


def join_form(
    req: Incoming,
    *,
    program: str | None = None,
    switching_from: Program | None = None,
    cohort: Cohort | None = None,
) -> Answer:
    """Acknowledge, then open the join form for whoever typed or clicked (open_join_modal):
    the command, the Join and Switch buttons and a cohort's Join button all come here."""
    return Answer.later(
        open_join_modal(
            req.services,
            trigger_id=req.trigger_id,
            user_id=req.user_id,
            channel_id=req.channel_id,
            program=program,
            switching_from=switching_from,
            cohort=cohort,
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
    cohort: Cohort | None = None,
) -> Then:
    """Open the join modal at once, then update it with the time zone from the profile;
    `switching_from`: the program the member is leaving for the one they pick; `cohort`: the
    cohort whose Join button opened it (its program chosen, its catch-up choice shown)."""

    def build(timezone: str | None) -> Block:
        today = local_date(services.clock.now(), timezone)
        start, extra = default_start_date(today), []
        chosen = cohort.program_id if cohort is not None else program
        cohort_program = services.programs.get(cohort.program_id) if cohort else None
        if cohort is not None and cohort_program is not None:
            week = program_week(cohort.start_date, today)
            if week >= 1:
                extra = [catch_up_input(week, cohort_program)]
            else:
                start = cohort.start_date
        return join_modal(
            services.programs,
            selected_program=chosen,
            start_date=start,
            timezone=timezone,
            channel_id=channel_id,
            switching_from=switching_from,
            cohort_id=cohort.id if cohort is not None else None,
            extra_blocks=extra,
        )

    first = build(None)

    def open_it(slack: Outbound) -> None:
        view_id = str(slack.open_view(trigger_id, first)["id"])
        timezone = read_timezone(slack, user_id)
        updated = build(timezone)
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
