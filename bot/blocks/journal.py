"""The journal modal and log confirmations."""

from __future__ import annotations

import json

from bot.blocks import ids
from bot.blocks.common import Block, context, modal, text_input
from bot.blocks.evidence import logged_blocks


def journal_modal(*, channel_id: str | None) -> Block:
    """The decision-journal form: the decision, who made it, the data, the alternative."""
    blocks = [
        context("One product decision you saw today. Only you can read your journal."),
        text_input(
            ids.JOURNAL_DECISION,
            "What was decided?",
            multiline=True,
            placeholder="We're shipping the annual plan discount first",
        ),
        text_input(ids.JOURNAL_WHO, "Who made the call?", optional=True, max_length=300),
        text_input(
            ids.JOURNAL_DATA,
            "What data informed it?",
            multiline=True,
            optional=True,
            hint="Tickets, usage numbers, a customer call… or nothing at all: that's worth noting.",
        ),
        text_input(
            ids.JOURNAL_ALTERNATIVE, "What was the alternative?", multiline=True, optional=True
        ),
    ]
    metadata = json.dumps({"channel": channel_id})
    return modal(ids.JOURNAL_VIEW, "Decision journal", blocks, private_metadata=metadata)


def logged_message(
    *, kind: str, text: str, week: int | None, enrolled: bool, created: bool
) -> tuple[str, list[Block]]:
    """Confirmation of a stored entry, quoting (escaped, shortened) what was saved."""
    return logged_blocks(kind=kind, text=text, week=week, enrolled=enrolled, created=created)
