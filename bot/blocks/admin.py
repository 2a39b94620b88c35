"""The admin's controls: settings and cohorts on the Home tab, and the install checklist DM.

Both use Slack's select menus (conversations_select, users_select, static selects), so the
settings can be changed without typing a command.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from bot.blocks import ids
from bot.blocks.common import (
    Block,
    actions,
    button,
    context,
    divider,
    header,
    modal,
    option,
    plain,
    section,
)
from bot.blocks.rhythm import day_select, hour_select
from bot.programs import Program
from bot.services.cohorts import CohortInfo
from bot.services.config import WorkspaceSettings
from bot.text import safe_text


def _channel_select(current: str | None) -> Block:
    element: Block = {
        "type": "conversations_select",
        "action_id": ids.ADMIN_CHANNEL_SELECT,
        "placeholder": plain("Pick the team channel"),
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    if current:
        element["initial_conversation"] = current
    return element


def _prompt_menus(settings: WorkspaceSettings) -> tuple[Block, Block]:
    """The workspace's prompt day and hour menus (the members' own are in bot/blocks/rhythm)."""
    return (
        day_select(ids.ADMIN_PROMPT_DAY, chosen=settings.prompt_weekday),
        hour_select(ids.ADMIN_PROMPT_HOUR, chosen=settings.prompt_hour),
    )


def settings_controls(settings: WorkspaceSettings) -> list[Block]:
    """Team channel, prompt day and hour, bot admins: each with its menu."""
    admins = ", ".join(f"<@{u}>" for u in settings.admins[:20]) or "_none named_"
    return [
        section("*Team channel* (ship posts and the weekly digest)"),
        actions("admin_channel", _channel_select(settings.team_channel_id)),
        section("*Weekly prompt* (each participant's local time)"),
        actions("admin_prompt", *_prompt_menus(settings)),
        section(f"*Bot admins:* {admins} (plus Slack workspace admins and owners)"),
        actions(
            "admin_admins",
            {
                "type": "users_select",
                "action_id": ids.ADMIN_ADD_SELECT,
                "placeholder": plain("Name a bot admin"),
            },
        ),
    ]


def cohort_lines(found: list[CohortInfo]) -> Block:
    """The workspace's cohorts with their member counts."""
    if not found:
        return section("*Cohorts:* none yet.")
    lines = [
        f"• *{safe_text(i.cohort.name, 80)}* · `{i.cohort.program_id}` from "
        f"{i.cohort.start_date:%d %b %Y} in <#{i.cohort.channel_id}> · "
        f"{i.members} member{'s' if i.members != 1 else ''}"
        for i in found[:30]
    ]
    return section(("*Cohorts*\n" + "\n".join(lines))[:2900])


def admin_home_blocks(settings: WorkspaceSettings, found: list[CohortInfo]) -> list[Block]:
    """The admin's part of the Home tab, above their own dashboard."""
    return [
        header("Workspace settings (admins)"),
        *settings_controls(settings),
        cohort_lines(found),
        actions(
            "admin_cohorts",
            button("Create a cohort", ids.OPEN_COHORT_FORM, style="primary"),
        ),
        context("Counts only: nobody's entries are shown here."),
        divider(),
    ]


def checklist_message(
    settings: WorkspaceSettings, programs: Mapping[str, Program], *, installed: bool = True
) -> tuple[str, list[Block]]:
    """The DM an installing admin gets (`installed`), or each workspace admin on the app's
    first start with a single bot token: four steps, each with its control."""
    first = next(iter(programs), "")
    text = "Transition Coach is installed: four steps to set it up."
    opening = (
        "Thanks for installing!"
        if installed
        else "Transition Coach is now running here, and you are a workspace admin."
    )
    blocks: list[Block] = [
        header("Set up Transition Coach in five minutes"),
        section(
            f"{opening} Four steps, each right here (you can also do them from my "
            "*Home* tab or with `/transition config`):"
        ),
        section("*1. Team channel*: where ship posts and the weekly digest go."),
        actions("setup_channel", _channel_select(settings.team_channel_id)),
        section("*2. Prompt day and hour*: when each participant gets the week's focus."),
        actions("setup_prompt", *_prompt_menus(settings)),
        section("*3. Create a cohort*: a program for a group, with a Join button in its channel."),
        actions("setup_cohort", button("Create a cohort", ids.OPEN_COHORT_FORM, style="primary")),
        section("*4. Preview a week*: see the prompt participants get."),
        actions(
            "setup_preview",
            *(
                # One action id per button (Slack refuses duplicates in a block).
                button(
                    f"Preview {safe_text(p.title, 40)}", f"{ids.ADMIN_PREVIEW}:{p.id}", value=p.id
                )
                for p in list(programs.values())[:4]
            ),
        )
        if first
        else context("No programs are loaded."),
    ]
    return text, blocks


def cohort_modal(programs: Mapping[str, Program], *, start: date) -> Block:
    """The Home tab's "Create a cohort" form: name, program, start Monday, channel."""
    program_options = [option(f"{p.title} ({p.weeks} weeks)", p.id) for p in programs.values()]
    blocks: list[Block] = [
        {
            "type": "input",
            "block_id": ids.COHORT_NAME[0],
            "label": plain("Name"),
            "element": {
                "type": "plain_text_input",
                "action_id": ids.COHORT_NAME[1],
                "max_length": 80,
                "placeholder": plain("Spring PE cohort"),
            },
        },
        {
            "type": "input",
            "block_id": ids.COHORT_PROGRAM[0],
            "label": plain("Program"),
            "element": {
                "type": "static_select",
                "action_id": ids.COHORT_PROGRAM[1],
                "options": program_options[:100],
            },
        },
        {
            "type": "input",
            "block_id": ids.COHORT_START[0],
            "label": plain("Start week"),
            "hint": plain("Week 1 starts on the Monday of the week you pick."),
            "element": {
                "type": "datepicker",
                "action_id": ids.COHORT_START[1],
                "initial_date": start.isoformat(),
            },
        },
        {
            "type": "input",
            "block_id": ids.COHORT_CHANNEL[0],
            "label": plain("Channel"),
            "hint": plain("The intro with its Join button, and the cohort's weekly digest."),
            "element": {
                "type": "conversations_select",
                "action_id": ids.COHORT_CHANNEL[1],
                "filter": {"include": ["public", "private"], "exclude_bot_users": True},
            },
        },
    ]
    return modal(ids.COHORT_VIEW, "Create a cohort", blocks, submit="Create")
