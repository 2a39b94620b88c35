"""The journal modal and log confirmations."""

from __future__ import annotations

import json

from bot.blocks import ids
from bot.blocks.common import Block, context, modal, section, text_input
from bot.kinds import ENTRY_KINDS
from bot.text import safe_text

PREVIEW_CHARS = 500


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
    label = ENTRY_KINDS[kind]
    where = f"{label}, week {week}" if week else label
    verb = "Saved" if created else "Already saved"
    preview = safe_text(" ".join(text.split()), PREVIEW_CHARS)
    blocks: list[Block] = [
        section(f":white_check_mark: {verb} to your {where.lower()}:\n>{preview}")
    ]
    notes = [":lock: Only you can see this."]
    if len(text) > PREVIEW_CHARS:
        notes.append(f"All {len(text):,} characters are stored.")
    blocks.append(context(*notes))
    if not enrolled:
        blocks.append(
            section("You haven't joined a program yet: `/transition join` to get weekly prompts.")
        )
    return f"{verb}: {label}", blocks
