"""`/transition cohort …`: admins create cohorts, list them, and (re)post a cohort's intro."""

from __future__ import annotations

import logging
import re
from typing import Any

from bot.blocks.cohorts import COHORT_USAGE, cohort_intro, created_blocks
from bot.blocks.common import section
from bot.blocks.config import refusal_blocks
from bot.outbound import Outbound, SlackFailure
from bot.services import Services
from bot.services.coach_export import EXPORT_WEEKS, coach_export
from bot.services.cohorts import CohortError, create_cohort, find_cohort, list_cohorts
from bot.text import from_slack
from handlers.authz import is_admin
from handlers.commands.config import CHANNEL
from handlers.listener import Answer, Incoming
from storage.models import Cohort

logger = logging.getLogger(__name__)

# new "name" program YYYY-MM-DD <#C…|name>  (straight or curly quotes, as Slack clients send)
NEW = re.compile(
    r'^new\s+["“”](?P<name>[^"“”]+)["“”]\s+(?P<program>\S+)\s+(?P<start>\S+)\s+(?P<channel>\S+)$',
    re.IGNORECASE,
)
POST = re.compile(r"^post\s+(\d{1,9})$", re.IGNORECASE)
EXPORT = re.compile(r"^export(?:\s+(csv|json))?$", re.IGNORECASE)


def run(req: Incoming, args: str) -> Answer:
    """Acknowledge, check the caller is an admin (users.info), then do what was asked."""

    def answer(slack: Outbound) -> None:
        if is_admin(slack, req.services, team_id=req.team_id, user_id=req.user_id):
            text, blocks = apply(
                slack, req.services, team_id=req.team_id, user_id=req.user_id, args=args
            )
        else:
            text, blocks = refusal_blocks("run cohorts")
        slack.reply_privately(
            user_id=req.user_id, channel_id=req.channel_id, text=text, blocks=blocks
        )

    return Answer.later(answer)


def _usage(problem: str = "") -> tuple[str, list[Any]]:
    text = f"{problem} {COHORT_USAGE}".strip()
    return text, [section(text)]


def apply(
    slack: Outbound, services: Services, *, team_id: str, user_id: str, args: str
) -> tuple[str, list[Any]]:
    """Parse one cohort command (Slack's raw text: channel ids live in its markup)."""
    args = args.strip()
    if args.lower() in ("", "list"):
        return list_answer(services, team_id=team_id)
    exported = EXPORT.match(args)
    if exported:
        return send_export(slack, services, team_id=team_id, user_id=user_id, fmt=exported[1])
    if args.split()[:1] == ["export"]:  # `export xml`: say what it takes, not the whole usage
        return _usage(
            "An export is `csv` (the default) or `json`: `/transition cohort export json`."
        )
    posted = POST.match(args)
    if posted:
        cohort = find_cohort(services, team_id=team_id, cohort_id=int(posted.group(1)))
        if cohort is None:
            return _usage("I don't know that cohort number (`/transition cohort list`).")
        return created_blocks(cohort, *post_intro(slack, services, cohort))
    found = NEW.match(args)
    if not found:
        return _usage()
    channel = CHANNEL.match(found["channel"])
    if channel is None:
        return _usage("Pick the channel from Slack's autocomplete (type `#` and choose it).")
    try:
        start = _date(found["start"])
        new = create_cohort(
            services,
            team_id=team_id,
            user_id=user_id,
            name=from_slack(found["name"]),
            program_id=found["program"].lower(),
            start=start,
            channel_id=channel.group(1),
        )
    except CohortError as error:
        return _usage(str(error))
    logger.info("cohort %s created team=%s by=%s", new.cohort.id, team_id, user_id)
    return created_blocks(new.cohort, *post_intro(slack, services, new.cohort))


def _date(text: str) -> Any:
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CohortError(f"`{from_slack(text)[:20]}` is not a date like 2027-03-01.") from None


def post_intro(slack: Outbound, services: Services, cohort: Cohort) -> tuple[bool, str]:
    """Post the cohort's intro with its Join button; (posted, Slack's error if not)."""
    program = services.programs.get(cohort.program_id)
    if program is None:
        return False, "its program is gone"
    text, blocks = cohort_intro(cohort, program)
    try:
        slack.post(cohort.channel_id, text, blocks)
    except SlackFailure as failure:
        logger.warning("cohort %s intro not posted: %s", cohort.id, failure.error)
        return False, failure.error
    return True, ""


def list_answer(services: Services, *, team_id: str) -> tuple[str, list[Any]]:
    """The workspace's cohorts with their member counts."""
    found = list_cohorts(services, team_id=team_id)
    if not found:
        return _usage("No cohorts yet.")
    lines = [
        f"• *{i.cohort.id}* · {i.cohort.name[:80]} · `{i.cohort.program_id}` from "
        f"{i.cohort.start_date:%d %b %Y} in <#{i.cohort.channel_id}> · {i.members} "
        f"member{'s' if i.members != 1 else ''}"
        for i in found[:40]
    ]
    text = "*Cohorts*\n" + "\n".join(lines)
    return text, [section(text[:2900])]


def send_export(
    slack: Outbound, services: Services, *, team_id: str, user_id: str, fmt: str | None
) -> tuple[str, list[Any]]:
    """The counts per cohort, program and week as a file in the admin's DM."""
    export = coach_export(services, team_id=team_id, fmt=(fmt or "csv").lower())
    try:
        slack.upload(
            user=user_id,
            content=export.content,
            filename=export.filename,
            title="Transition Coach counts per cohort and week",
            comment=(
                f"Counts per cohort, program and week for the last {EXPORT_WEEKS} weeks "
                f"({export.rows} rows). Counts only: no entry text, no names."
            ),
        )
    except SlackFailure as failure:
        text = f"I couldn't send the export ({failure.error}). Try again in a minute."
        return text, [section(text)]
    text = ":page_facing_up: The export is in your DM with me."
    return text, [section(text)]
