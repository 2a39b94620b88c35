"""The help message: what `/transition` can do."""

from __future__ import annotations

from bot.blocks.common import Block, context, divider, header, section
from bot.text import escape_mrkdwn, safe_text

COMMANDS: list[tuple[str, str]] = [
    ("join [program]", "Join a program: pick your program, background and start week."),
    ("log <text>", "Add a one-line entry to your decision journal, stored at once."),
    ("log", "Open the journal form: the decision, who made it, the data, the alternative."),
    (
        "log <kind> [text]",
        "Log evidence: insight, problem, proposal, experiment, teardown, goal, bullet. "
        "With no text, its form opens.",
    ),
    ("ship", "Announce what you shipped in the team channel: problem, who, numbers, learning."),
    ("entries", "Your last ten entries, to edit or delete."),
    ("status", "Your week, phase, this phase's deliverable and your journal streak."),
    ("summary", "Your recap: what you logged, your deliverables, what comes next."),
    ("summary team", "Admins: post the team digest (counts only) in the team channel now."),
    ("skills", "Rate yourself on seven product skills; again in your final week."),
    ("portfolio", "Your evidence compiled into portfolio artifacts, gaps named, as a file."),
    ("export", "All of your data, as a JSON file in your DM."),
    ("forget", "Delete all of your data in this workspace (asks first)."),
    (
        "preview <program> <week> [background]",
        "Admins: see the weekly prompt participants get that week.",
    ),
    ("config", "Admins: team channel, prompt day and hour, bot admins, revisit delay."),
    ("pause", "Stop the weekly prompts and reminders; nothing is lost."),
    ("resume", "Start again in the week you paused in."),
    ("leave", "End your enrollment; your entries are kept."),
    ("help", "This list."),
]

EXAMPLES = [
    "/transition join product-engineer",
    "/transition log Our PM chose the annual plan without looking at usage data",
    "/transition log problem",
    "/transition status",
]


def help_blocks(unknown: str | None = None) -> tuple[str, list[Block]]:
    """Fallback text and blocks for the help message; `unknown` is the word we didn't know."""
    blocks: list[Block] = []
    if unknown is not None:
        word = safe_text(unknown, 40)
        blocks.append(section(f"I don't know `{word}` yet. Here is what I can do:"))
    blocks.append(header("Transition Coach"))
    blocks.append(
        section(
            "Twelve-odd weeks from _building what was asked_ to _deciding what to build and "
            "proving it worked_. A focus each week, a private decision journal, and evidence "
            "you can take to a promotion case or an interview."
        )
    )
    blocks.append(divider())
    # The usage placeholders (`<text>`, `<kind>`) are angle brackets Slack would read as a link
    # or control token in mrkdwn: escaped, they show as typed.
    lines = [f"`/transition {escape_mrkdwn(usage)}`  {what}" for usage, what in COMMANDS]
    blocks.append(section("\n".join(lines)))
    blocks.append(context("Try: " + "  ·  ".join(f"`{e}`" for e in EXAMPLES)))
    blocks.append(context(":lock: Your journal and evidence are private to you."))
    text = "Transition Coach: /transition join, log, ship, status, summary, pause, help"
    return (f"I don't know that command. {text}" if unknown is not None else text), blocks
