"""The join modal and the messages around joining."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date

from bot.blocks import ids
from bot.blocks.common import Block, actions, button, context, modal, option, plain, section
from bot.blocks.sharing import join_share_input
from bot.kinds import BACKGROUNDS, and_list, plural
from bot.programs import Program
from bot.text import safe_text


def join_modal(
    programs: Mapping[str, Program],
    *,
    selected_program: str | None,
    start_date: date,
    timezone: str | None,
    channel_id: str | None,
    switching_from: Program | None = None,
    cohort_id: int | None = None,
    extra_blocks: Sequence[Block] = (),
) -> Block:
    """The join form. `timezone` is None until we have read the user's Slack profile;
    `switching_from` makes it the form that moves a member to another program. `cohort_id`
    (a cohort's Join button) travels in private_metadata; `extra_blocks` (its catch-up
    choice) go above the start week."""
    program_options = [
        option(f"{p.title} ({p.weeks} weeks)", p.id) for p in list(programs.values())[:100]
    ]
    program_select: Block = {
        "type": "static_select",
        "action_id": ids.JOIN_PROGRAM[1],
        "options": program_options,
        "placeholder": plain("Choose a program"),
    }
    initial = next((o for o in program_options if o["value"] == selected_program), None)
    if initial is not None:
        program_select["initial_option"] = initial
    background_select: Block = {
        "type": "static_select",
        "action_id": ids.JOIN_BACKGROUND[1],
        "options": [option(label, key) for key, label in BACKGROUNDS.items()],
        "placeholder": plain("Where do you come from?"),
    }
    summaries = "\n".join(
        f"*{safe_text(p.title, 80)}*: {safe_text(p.summary, 300)}"
        for p in list(programs.values())[:8]
    )
    tz_line = (
        f":clock9: Prompts arrive Monday mornings in *{safe_text(timezone, 64)}*, "
        "the time zone in your Slack profile."
        if timezone
        else ":clock9: Reading your time zone from your Slack profile…"
    )
    blocks: list[Block] = [
        section(summaries or "Pick a program."),
        {
            "type": "input",
            "block_id": ids.JOIN_PROGRAM[0],
            "label": plain("Program"),
            "element": program_select,
        },
        {
            "type": "input",
            "block_id": ids.JOIN_BACKGROUND[0],
            "label": plain("Your engineering background"),
            "hint": plain(background_hint(programs, selected_program)[:150]),
            "element": background_select,
        },
        *extra_blocks,
        {
            "type": "input",
            "block_id": ids.JOIN_START[0],
            "label": plain("Start week"),
            "hint": plain("Week 1 starts on the Monday of the week you pick."),
            "element": {
                "type": "datepicker",
                "action_id": ids.JOIN_START[1],
                "initial_date": start_date.isoformat(),
            },
        },
        {**context(tz_line), "block_id": ids.JOIN_TIMEZONE_NOTE},
        join_share_input(),
    ]
    if switching_from is not None:
        blocks.insert(
            0,
            section(
                ":twisted_rightwards_arrows: You're leaving "
                f"*{safe_text(switching_from.title, 100)}* "
                "for the program you pick: it starts at week 1 on the date below. Your entries, "
                "deliverables and skills ratings stay; the old program's prompts stop."
            ),
        )
    meta: dict[str, object] = {
        "tz": timezone,
        "channel": channel_id,
        "switch": switching_from is not None,
    }
    if cohort_id is not None:
        meta["cohort"] = cohort_id
    metadata = json.dumps(meta)
    if switching_from is not None:
        return modal(
            ids.JOIN_VIEW, "Switch program", blocks, submit="Switch", private_metadata=metadata
        )
    return modal(ids.JOIN_VIEW, "Join a program", blocks, submit="Join", private_metadata=metadata)


def background_hint(programs: Mapping[str, Program], selected: str | None) -> str:
    """What the background is for, true of the programs on offer: only some have tips."""
    chosen = programs.get(selected) if selected else None
    if chosen is not None:
        if chosen.has_tips:
            return "Its weekly tips are tailored to your background."
        return "This program's prompts are the same for every background."
    with_tips = [p.title for p in programs.values() if p.has_tips]
    if not with_tips:
        return "The prompts are the same for every background."
    if len(with_tips) == len(programs):
        return "Weekly tips are tailored to it."
    verb = "tailors its" if len(with_tips) == 1 else "tailor their"
    return f"{and_list(with_tips)} {verb} weekly tips to it."


def already_enrolled_message(
    program: Program, *, week: int, paused: bool, entry_count: int
) -> tuple[str, list[Block]]:
    """What `/transition join` says to a member already in a program: where they are, and
    a way to switch."""
    title = safe_text(program.title, 100)
    if week < 1:
        where = f"You're in *{title}*; week 1 hasn't started yet."
    elif week > program.weeks:
        where = f"You finished *{title}*."
    else:
        where = f"You're in *{title}*, week {week} of {program.weeks}"
        where += " (paused)." if paused else "."
    kept = f" and keeps your {plural(entry_count, 'entry', 'entries')}" if entry_count else ""
    blocks: list[Block] = [
        section(where),
        context(
            f"Switching starts another program at week 1{kept}. "
            "`/transition status` shows where you are."
        ),
        actions(
            "already_enrolled_actions",
            button("Switch program", ids.SWITCH_PROGRAM, value=program.id),
        ),
    ]
    return where.replace("*", ""), blocks


def joined_message(
    program: Program,
    *,
    start: date,
    week: int,
    created: bool,
    switched_from: Program | None = None,
) -> tuple[str, list[Block]]:
    """The confirmation sent after joining (or re-joining) a program."""
    title = safe_text(program.title, 100)
    when = start.strftime("%A %-d %B %Y")
    if switched_from is not None:
        old_title = safe_text(switched_from.title, 100)
        head = f":twisted_rightwards_arrows: You switched from *{old_title}* to *{title}*."
        starts = (
            f"Week 1 starts on *{when}*; your first prompt comes then."
            if week < 1
            else f"You're in week {week} of {program.weeks}; week 1 started {when}."
        )
        text = f"{head} {starts}"
        return text.replace("*", "").removeprefix(":twisted_rightwards_arrows: "), [
            section(text),
            context("Your entries, deliverables and skills ratings are all still here."),
        ]
    if not created:
        text = f"You're already in *{title}* (week 1 started {when}). Nothing changed."
        return text, [section(text), context("`/transition status` shows where you are.")]
    if week < 1:
        opening = f"You're in *{title}*. Week 1 starts on *{when}*; your first prompt comes then."
    else:
        opening = f"You're in *{title}*, week {week} of {program.weeks}. Week 1 started {when}."
    blocks = [
        section(f":wave: {opening}"),
        section(
            "Each week brings a focus, a few activities and one deliverable. Keep a one-line "
            "decision journal as you go: `/transition log &lt;what was decided, by whom, on "
            "what data&gt;`."
        ),
        context(":lock: Entries are private to you. `/transition status` shows your progress."),
        actions(
            "welcome_actions",
            button("Rate my skills (1 min)", ids.OPEN_SKILLS, style="primary"),
            button("Log a decision", ids.OPEN_JOURNAL),
        ),
    ]
    return opening.replace("*", ""), blocks
