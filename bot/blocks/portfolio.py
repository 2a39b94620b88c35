"""Messages about where the portfolio went: the canvas, the file, and sharing it."""

from __future__ import annotations

from bot.blocks.common import Block, context, section


def canvas_ready(canvas_id: str, *, created: bool) -> tuple[str, list[Block]]:
    """Told when the portfolio is in the member's canvas. The link is Block Kit's rich text
    `canvas` element, which Slack renders as a link to the canvas itself, so no canvas
    address is ever guessed (https://docs.slack.dev/reference/block-kit/block-elements/canvas-element)."""
    verb = "is ready" if created else "is up to date"
    text = f":notebook: Your portfolio canvas {verb}."
    link: Block = {
        "type": "rich_text",
        "elements": [
            {
                "type": "rich_text_section",
                "elements": [
                    {"type": "emoji", "name": "notebook"},
                    {"type": "text", "text": f" Your portfolio canvas {verb}: "},
                    {"type": "canvas", "file_id": canvas_id},
                ],
            }
        ],
    }
    return text, [
        link,
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
