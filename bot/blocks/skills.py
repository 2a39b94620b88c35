"""The skills self-assessment: its modal and the start-vs-now comparison."""

from __future__ import annotations

import json

from bot.blocks import ids
from bot.blocks.common import Block, context, modal, option, plain, section
from bot.skills import SCALE, SKILLS, TRANSFERS

_MOMENT_INTRO = {
    "start": "Where are you today? Be honest: this is your baseline, and only you see it.",
    "end": "Final week: rate yourself again, then compare with where you started.",
}


def skill_block_id(skill: str) -> str:
    """The input block id of one skill."""
    return f"skill_{skill}"


def skills_modal(moment: str, current: dict[str, int]) -> Block:
    """Seven 1-5 ratings, prefilled with what was rated before for this moment."""
    blocks: list[Block] = [context(_MOMENT_INTRO[moment]), context(transfers_line())]
    for skill, label in SKILLS.items():
        options = [option(text, str(score)) for score, text in SCALE.items()]
        element: Block = {
            "type": "static_select",
            "action_id": "score",
            "options": options,
            "placeholder": plain("1 to 5"),
        }
        if skill in current:
            element["initial_option"] = options[current[skill] - 1]
        blocks.append(
            {
                "type": "input",
                "block_id": skill_block_id(skill),
                "label": plain(label[:2000]),
                "element": element,
            }
        )
    title = "Skills: baseline" if moment == "start" else "Skills: final week"
    return modal(ids.SKILLS_VIEW, title, blocks, private_metadata=json.dumps({"moment": moment}))


def transfers_line() -> str:
    """The skills an engineer already has, named beside the ones being rated."""
    names = ", ".join(name.lower() for name, _ in TRANSFERS)
    return (
        f"*You already bring:* {names}. They carry over as they are. The ones below are "
        "the skills to build on purpose."
    )


def transfers_section() -> Block:
    """What carries over and how, one line per skill."""
    lines = "\n".join(f"• *{name}:* {how}." for name, how in TRANSFERS)
    return section("*What you already bring*\n" + lines)


def _dots(score: int) -> str:
    return "●" * score + "○" * (5 - score)


def skills_comparison(ratings: dict[str, dict[str, int]]) -> list[Block]:
    """Start vs now, one line per skill; an invitation when nothing was rated yet."""
    start, end = ratings.get("start", {}), ratings.get("end", {})
    if not start and not end:
        return [
            section(
                "*Skills:* not rated yet. `/transition skills` takes a minute and gives you a "
                "baseline to compare with in your final week."
            )
        ]
    lines = []
    for skill, label in SKILLS.items():
        short = label.split(":")[0].split(" (")[0]
        before, after = start.get(skill), end.get(skill)
        if before is not None and after is not None:
            change = after - before
            sign = f"+{change}" if change > 0 else str(change) if change else "±0"
            lines.append(f"`{_dots(before)}` → `{_dots(after)}` {sign}  {short}")
        else:
            score = after if after is not None else before
            lines.append(f"`{_dots(score)}`  {short}" if score is not None else f"—  {short}")
    heading = "*Skills, start → now*" if start and end else "*Skills, your baseline*"
    blocks = [section(heading + "\n" + "\n".join(lines))]
    if start and not end:
        blocks.append(context("Rate again in your final week to see how far you moved."))
    return blocks


def skills_saved(moment: str, ratings: dict[str, dict[str, int]]) -> tuple[str, list[Block]]:
    """Confirmation after rating."""
    text = "Baseline saved." if moment == "start" else "Final ratings saved: here is how you moved."
    return text, [
        section(f":bar_chart: {text}"),
        *skills_comparison(ratings),
        transfers_section(),
    ]
