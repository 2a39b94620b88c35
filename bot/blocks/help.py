"""The help message: what `/transition` can do."""

from __future__ import annotations

from bot.blocks.common import Block, context, header, section
from bot.text import escape_mrkdwn, safe_text

# What every member can do, in groups; one short line each.
GROUPS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Your program",
        [
            ("join", "Pick a program, your background and a start week."),
            ("status", "Your week, this phase's deliverable, your streak."),
            ("summary", "What you logged and what comes next."),
            ("pause · resume", "Stop the prompts for a while; the program waits for you."),
            ("away <date>", "Away until a date (YYYY-MM-DD): paused, and back by itself then."),
            ("prompts <day> <hour>", "Your own prompt day and hour (`default`: the team's)."),
            ("leave", "End your enrollment (asks first; your entries are kept)."),
        ],
    ),
    (
        "Your journal",
        [
            (
                "log <text>",
                "Save a decision, word for word. Start with `problem:` (or another kind and a "
                "colon) to save that kind.",
            ),
            (
                "log <kind>",
                "Open a kind's form: insight, problem, proposal, experiment, "
                "teardown, goal, bullet.",
            ),
            ("ship", "Announce what you shipped in the team channel."),
            ("entries", "Your last ten entries, to edit or delete."),
        ],
    ),
    (
        "Your record",
        [
            ("skills", "Rate yourself on seven product skills."),
            ("portfolio", "Your evidence as a portfolio, with what's missing."),
            ("export · forget", "All your data as a file; or delete all of it (asks first)."),
            (
                "help resist · help interview",
                "If your company resists the move; how to tell your stories in interviews.",
            ),
        ],
    ),
]

ADMIN_COMMANDS: list[tuple[str, str]] = [
    ("config", "Team channel, prompt day and hour, bot admins, revisit delay."),
    ("preview <program> <week>", "See the prompt participants get that week."),
    ("summary team", "Post the team digest (counts only) in the team channel now."),
]

DM_TIP = (
    ":speech_balloon: Or just write to me here in Messages: whatever you type is saved to "
    "your journal, and you can change its kind."
)


def _usage(usage: str) -> str:
    # "pause · resume" is two commands: each is shown whole, so either can be copied as is.
    # The usage placeholders (`<text>`) are angle brackets Slack would read as a link or a
    # control token in mrkdwn: escaped, they show as typed.
    return " · ".join(f"`/transition {escape_mrkdwn(one)}`" for one in usage.split(" · "))


def _lines(commands: list[tuple[str, str]]) -> str:
    return "\n".join(f"{_usage(usage)}  {what}" for usage, what in commands)


def admin_help_blocks() -> tuple[str, list[Block]]:
    """The admins' commands, shown only to admins."""
    text = "Admin commands: /transition config, preview, summary team"
    return text, [section("*For admins*\n" + _lines(ADMIN_COMMANDS))]


def help_blocks(unknown: str | None = None, *, admin: bool = False) -> tuple[str, list[Block]]:
    """The short help, grouped; `unknown` is the word we didn't know; `admin` adds the
    admins' commands (whoever isn't one never sees them)."""
    blocks: list[Block] = []
    if unknown is not None:
        word = safe_text(unknown, 40)
        blocks.append(section(f"I don't know `{word}` yet. Here is what I can do:"))
    blocks.append(header("Transition Coach"))
    blocks.append(
        context(
            "A focus each week by DM, a private journal, and evidence you can take to a "
            "promotion case or an interview."
        )
    )
    for title, commands in GROUPS:
        blocks.append(section(f"*{title}*\n" + _lines(commands)))
    if admin:
        blocks.extend(admin_help_blocks()[1])
    blocks.append(context(DM_TIP))
    blocks.append(context(":lock: Your journal and evidence are private to you."))
    text = "Transition Coach: /transition join, log, ship, status, summary, pause, help"
    return (f"I don't know that command. {text}" if unknown is not None else text), blocks
