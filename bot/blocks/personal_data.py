"""Messages for export and forget."""

from __future__ import annotations

from bot.blocks import ids
from bot.blocks.common import Block, actions, button, context, plain, section


def export_started() -> tuple[str, list[Block]]:
    """Acknowledgement of /transition export."""
    text = ":package: Gathering your data. The file arrives in your DM with me in a moment."
    return text, [section(text)]


def export_comment(row_count: int) -> str:
    """The comment posted with the export file."""
    return (
        f"Here is everything Transition Coach stores about you in this workspace "
        f"({row_count} records), as JSON. Only you received it."
    )


def export_failed() -> tuple[str, list[Block]]:
    """Told when the file could not be delivered."""
    text = (
        ":warning: I couldn't deliver the file (Slack refused the upload). Your data is "
        "untouched; please try again in a few minutes."
    )
    return text, [section(text)]


def forget_confirmation() -> tuple[str, list[Block]]:
    """The question asked before deleting everything."""
    text = (
        ":wastebasket: *Delete all your Transition Coach data in this workspace?* Your "
        "enrollment, journal, evidence and everything scheduled for you goes, for good. Ship "
        "posts already in the team channel stay there (they are Slack messages); delete them "
        "in Slack if you want them gone. Consider `/transition export` first."
    )
    confirm = button("Delete all my data", ids.FORGET_CONFIRM, value="forget", style="danger")
    confirm["confirm"] = {
        "title": plain("Delete everything?"),
        "text": plain("This cannot be undone."),
        "confirm": plain("Delete"),
        "deny": plain("Keep my data"),
        "style": "danger",
    }
    return "Delete all your Transition Coach data?", [
        section(text),
        actions("forget_actions", confirm, button("Keep my data", ids.FORGET_CANCEL)),
    ]


def forgotten(row_count: int) -> tuple[str, list[Block]]:
    """Said once the data is gone."""
    text = (
        f":white_check_mark: Done. I deleted {row_count} records about you from this "
        "workspace. `/transition join` starts afresh any time."
    )
    return text, [section(text)]


def kept() -> tuple[str, list[Block]]:
    """Said when the user changes their mind."""
    text = "Nothing was deleted."
    return text, [section(text), context("Your data stays private to you.")]


def portfolio_summary(
    strong: int, artifacts: list[tuple[str, str, list[str]]]
) -> tuple[str, list[Block]]:
    """The reply to /transition portfolio: each artifact's state and the first gap to close.

    `artifacts` holds (title, state, gaps) with state one of strong / in progress / missing.
    """
    marks = {
        "strong": ":white_check_mark:",
        "in progress": ":large_yellow_circle:",
        "missing": ":white_circle:",
    }
    lines = []
    for title, state, gaps in artifacts:
        gap = f" · {gaps[0]}" if gaps else ""
        lines.append(f"{marks[state]} *{title}*{gap}")
    text = (
        f"Your portfolio: {strong} of {len(artifacts)} artifacts strong. "
        "It's on its way: your private canvas, or a file in our DM."
    )
    return text, [
        section(text),
        section("\n".join(lines)),
        context(":lock: Only you can see it until you share it."),
    ]
