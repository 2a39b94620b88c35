"""Messages for when something fails on our side."""

from __future__ import annotations

from typing import Any

from bot.blocks.common import context, section

COMMAND_FAILED = (
    ":warning: That didn't go through: something failed on our side and it has been logged. "
    "Nothing from this command was saved; please try again in a minute."
)


def command_failed_message() -> dict[str, Any]:
    """The ephemeral answer to a slash command whose handler failed."""
    return {
        "response_type": "ephemeral",
        "text": COMMAND_FAILED,
        "blocks": [section(COMMAND_FAILED), context("If it keeps happening, tell your admin.")],
    }


AFTER_ACK_FAILED = (
    ":warning: Something failed on our side while finishing that, and it has been logged. "
    "Anything I already confirmed is saved; try the rest again in a minute."
)


def after_ack_failed() -> tuple[str, list[Any]]:
    """Said (through the response_url) when the work after a command's ack failed."""
    return AFTER_ACK_FAILED, [section(AFTER_ACK_FAILED)]


def text_too_long_message(length: int, limit: int) -> dict[str, Any]:
    """The ephemeral answer to a slash command whose text is over `limit` characters."""
    text = (
        f":warning: That was {length:,} characters; a command takes at most {limit:,} "
        "(Slack's own limit for a message), so it was not saved. Shorten it, or type "
        "`/transition log` with no text to open the journal form."
    )
    return {
        "response_type": "ephemeral",
        "text": text,
        "blocks": [section(text), context("Each field of the form takes up to 3,000 characters.")],
    }
