"""A member's own rhythm: when prompts come, time away, and the controls to change them."""

from __future__ import annotations

from datetime import date, timedelta

from bot.blocks import ids
from bot.blocks.common import Block, actions, button, context, option, plain, section
from bot.services.config import WEEKDAYS
from bot.services.rhythm import Rhythm

DEFAULT = "default"
# Prompt hours offered in the menus (the admin's and each member's); commands take any 0-23.
PROMPT_HOURS = range(6, 22)


def day_select(action_id: str, *, chosen: int | None, default: str | None = None) -> Block:
    """A menu of weekdays ("Mondays"...), `chosen` shown as picked; `default` adds a last
    option meaning "not my own" (value DEFAULT)."""
    days = [option(f"{d.title()}s", str(i)) for i, d in enumerate(WEEKDAYS)]
    return _menu(action_id, "Prompt day", days, chosen, default)


def hour_select(action_id: str, *, chosen: int | None, default: str | None = None) -> Block:
    """A menu of prompt hours ("09:00"...), as day_select."""
    hours = [option(f"{h:02d}:00", str(h)) for h in PROMPT_HOURS]
    return _menu(action_id, "Prompt hour", hours, chosen, default)


def _menu(
    action_id: str, placeholder: str, options: list[Block], chosen: int | None, default: str | None
) -> Block:
    if default:
        options = [*options, option(default, DEFAULT)]
    element: Block = {
        "type": "static_select",
        "action_id": action_id,
        "placeholder": plain(placeholder),
        "options": options,
    }
    picked = next((o for o in options if chosen is not None and o["value"] == str(chosen)), None)
    if picked is not None:
        element["initial_option"] = picked
    return element


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
    # Only a member's own choice is shown as picked; otherwise the menu offers one.
    day = day_select(
        ids.RHYTHM_DAY, chosen=r.weekday if r.own else None, default="The workspace's day"
    )
    hour = hour_select(
        ids.RHYTHM_HOUR, chosen=r.hour if r.own else None, default="The workspace's hour"
    )
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
