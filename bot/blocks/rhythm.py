"""A member's own rhythm: when prompts come, time away, and the controls to change them."""

from __future__ import annotations

from datetime import date, timedelta

from bot.blocks import ids
from bot.blocks.common import Block, actions, button, context, option, plain, section
from bot.services.config import WEEKDAYS
from bot.services.rhythm import Rhythm

DEFAULT = "default"


def when_line(r: Rhythm) -> str:
    """ "Tuesdays at 08:00 (your choice)"."""
    whose = "your choice" if r.own else "the workspace's"
    return f"{WEEKDAYS[r.weekday].title()}s at {r.hour:02d}:00, your time ({whose})"


def away_line(r: Rhythm) -> str | None:
    """What the pause or time away means now, if any."""
    if r.away_until is not None:
        return (
            f":palm_tree: Away until {r.away_until:%A %-d %B}: nothing is sent until then, "
            "and your program resumes by itself that morning."
        )
    if r.paused:
        return ":double_vertical_bar: Paused: nothing is sent until you `/transition resume`."
    return None


def rhythm_blocks(r: Rhythm, *, today: date) -> list[Block]:
    """The Home tab's rhythm section: the current setting and its controls."""
    blocks: list[Block] = [section(f"*Your rhythm*\nWeekly prompts: {when_line(r)}")]
    away = away_line(r)
    if away:
        blocks.append(context(away))
    day_options = [option(f"{d.title()}s", str(i)) for i, d in enumerate(WEEKDAYS)]
    day_options.append(option("The workspace's day", DEFAULT))
    hour_options = [option(f"{h:02d}:00", str(h)) for h in range(6, 22)]
    hour_options.append(option("The workspace's hour", DEFAULT))
    day: Block = {
        "type": "static_select",
        "action_id": ids.RHYTHM_DAY,
        "placeholder": plain("Prompt day"),
        "options": day_options,
    }
    hour: Block = {
        "type": "static_select",
        "action_id": ids.RHYTHM_HOUR,
        "placeholder": plain("Prompt hour"),
        "options": hour_options,
    }
    if r.own:
        day["initial_option"] = day_options[r.weekday]
        chosen = [o for o in hour_options if o["value"] == str(r.hour)]
        if chosen:
            hour["initial_option"] = chosen[0]
    away_picker: Block = {
        "type": "datepicker",
        "action_id": ids.AWAY_DATE,
        "placeholder": plain("Away until…"),
        "initial_date": (r.away_until or today + timedelta(days=7)).isoformat(),
    }
    elements = [day, hour, away_picker]
    if r.paused:
        elements.append(button("I'm back", ids.BACK_NOW, value="back"))
    blocks.append(actions(ids.RHYTHM_BLOCK, *elements))
    return blocks


def rhythm_reply(r: Rhythm | None, *, changed: bool) -> tuple[str, list[Block]]:
    """What `/transition prompts` says."""
    if r is None:
        text = "You haven't joined a program. `/transition join` to start."
        return text, [section(text)]
    head = (
        f":white_check_mark: Your prompts now come on {when_line(r)}."
        if changed
        else f"Your prompts come on {when_line(r)}."
    )
    return head, [
        section(head),
        context(
            "Change it with `/transition prompts tuesday 8`, or go back to the workspace's "
            "with `/transition prompts default`. Check-ins come at the same hour."
        ),
    ]


def away_reply(until: date) -> tuple[str, list[Block]]:
    """What `/transition away <date>` says."""
    text = (
        f":palm_tree: Away until {until:%A %-d %B}. Nothing is sent meanwhile; your program "
        "resumes by itself that morning and moves later by the weeks you were away."
    )
    return text, [
        section(text),
        context("Back sooner? `/transition resume`. Your entries are untouched."),
    ]
