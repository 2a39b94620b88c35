"""Messages about where the portfolio went: the canvas, the file, and sharing it."""

from __future__ import annotations

from bot.blocks.common import Block, context, section


def canvas_ready(url: str, *, created: bool) -> tuple[str, list[Block]]:
    """Told when the portfolio is in the member's canvas."""
    verb = "is ready" if created else "is up to date"
    text = f":notebook: Your portfolio canvas {verb}: <{url}|open it>."
    return text, [
        section(text),
        context(
            ":lock: Only you can see it. To show it to someone: "
            "`/transition portfolio share @name`."
        ),
    ]


def shared(people: list[str]) -> tuple[str, list[Block]]:
    """Told when the canvas was shared."""
    names = ", ".join(f"<@{p}>" for p in people)
    text = f":handshake: {names} can now read your portfolio canvas (they can't edit it)."
    return text, [section(text)]


def share_problem(message: str) -> tuple[str, list[Block]]:
    """A share that could not happen (our own words)."""
    text = f":warning: {message}"
    return text, [section(text)]


SHARE_USAGE = (
    "Name the people to share with, e.g. `/transition portfolio share @dana @lee` "
    "(up to 20 at a time)."
)
