"""Cohort messages: the intro post with its Join button, and the join form's catch-up choice."""

from __future__ import annotations

from bot.blocks import ids
from bot.blocks.common import Block, actions, button, context, option, plain, section
from bot.programs import Program
from bot.text import safe_text
from storage.models import Cohort

CATCH_UP_COHORT = "cohort"
CATCH_UP_OWN = "own"


def cohort_intro(cohort: Cohort, program: Program) -> tuple[str, list[Block]]:
    """The post in the cohort's channel: what it is, when it starts, and a Join button."""
    name = safe_text(cohort.name, 80)
    start = f"{cohort.start_date:%A %d %B %Y}"
    text = f"{cohort.name}: {program.title}, starting {start}. Join with the button."
    blocks: list[Block] = [
        section(
            f":rocket: *{name}* starts *{safe_text(program.title, 150)}* "
            f"({program.weeks} weeks) on *{start}*.\n{safe_text(program.summary, 600)}"
        ),
        section(
            "Each Monday you get the week's focus by DM; you keep a private decision journal "
            "and build up evidence. Only counts are shared here, never what you write."
        ),
        actions(
            ids.COHORT_ACTIONS,
            button("Join the cohort", ids.COHORT_JOIN, value=str(cohort.id), style="primary"),
        ),
        context("The join form is filled in for this cohort; you pick your background."),
    ]
    return text, blocks


def catch_up_input(cohort_week: int, program: Program) -> Block:
    """For someone joining after the start: the cohort's week, or their own week 1."""
    week = min(cohort_week, program.weeks)
    return {
        "type": "input",
        "block_id": ids.JOIN_CATCH_UP[0],
        "label": plain("The cohort has already started"),
        "element": {
            "type": "radio_buttons",
            "action_id": ids.JOIN_CATCH_UP[1],
            "options": [
                option(f"Start with the cohort, in week {week}", CATCH_UP_COHORT),
                option("Start at my own week 1 (the start week below)", CATCH_UP_OWN),
            ],
            "initial_option": option(f"Start with the cohort, in week {week}", CATCH_UP_COHORT),
        },
    }


def created_blocks(cohort: Cohort, posted: bool, problem: str = "") -> tuple[str, list[Block]]:
    """What the admin sees after `/transition cohort new`."""
    name = safe_text(cohort.name, 80)
    if posted:
        text = (
            f":white_check_mark: Created *{name}* and posted its Join button in "
            f"<#{cohort.channel_id}>."
        )
    else:
        text = (
            f":warning: Created *{name}*, but I couldn't post in <#{cohort.channel_id}> "
            f"({safe_text(problem, 60)}): invite me with `/invite @Transition Coach`, then "
            f"`/transition cohort post {cohort.id}` posts it again."
        )
    return text, [section(text)]


COHORT_USAGE = (
    'Create a cohort with `/transition cohort new "Spring PE cohort" product-engineer '
    "2027-03-01 #pe-cohort`: a name in quotes, a program, the Monday it starts, its channel. "
    "`/transition cohort list` shows them; `/transition cohort export [csv|json]` sends the "
    "counts per cohort and week."
)
