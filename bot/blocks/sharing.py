"""Sharing progress with the coach: the join form's checkbox and the Home tab's section."""

from __future__ import annotations

from bot.blocks import ids
from bot.blocks.common import Block, actions, button, context, option, plain

SHARE_LABEL = "Let the coach see my name in the weekly digest"
SHARE_HINT = (
    "Only if you fall behind (no entry in 14 days, a deliverable past due, prompts "
    "unanswered). Never what you wrote. Without this you are only a count."
)


def join_share_input() -> Block:
    """The join form's optional checkbox (unchecked: counts only)."""
    return {
        "type": "input",
        "block_id": ids.JOIN_SHARE[0],
        "optional": True,
        "label": plain("Sharing with the coach"),
        "hint": plain(SHARE_HINT),
        "element": {
            "type": "checkboxes",
            "action_id": ids.JOIN_SHARE[1],
            "options": [option(SHARE_LABEL, "share")],
        },
    }


def sharing_blocks(shared: bool) -> list[Block]:
    """The Home tab's line saying what the coach sees, with the button that changes it."""
    if shared:
        line = (
            ":eyes: The coach sees your name in the weekly digest when you fall behind; "
            "never what you wrote."
        )
        toggle = button("Stop sharing my name", ids.SHARE_PROGRESS_TOGGLE, value="off")
    else:
        line = ":lock: The coach sees you only as a count in the weekly digest."
        toggle = button("Share my name with the coach", ids.SHARE_PROGRESS_TOGGLE, value="on")
    return [context(line), actions("home_sharing", toggle)]
