"""The mark-done modal and its confirmation."""

from __future__ import annotations

import json
from typing import Any

from bot.blocks import ids
from bot.blocks.common import Block, context, modal, section, text_input
from bot.programs import Phase
from bot.services.deliverables import EVIDENCE_LIMIT, Change
from bot.text import safe_text

PREVIEW_CHARS = 500


def deliverable_modal(
    phase: Phase, *, existing_evidence: str | None, metadata: dict[str, Any]
) -> Block:
    """Ask for the evidence: a link or a short description (prefilled when marking again)."""
    deliverable = phase.deliverable
    criteria = "\n".join(f"• {safe_text(c, 300)}" for c in deliverable.done_when[:10])
    blocks: list[Block] = [
        section(f"*{safe_text(deliverable.title, 150)}*\n*Done when:*\n{criteria}"),
        text_input(
            ids.DELIVERABLE_EVIDENCE,
            "Evidence",
            multiline=True,
            max_length=EVIDENCE_LIMIT,
            placeholder="A link to the doc, PR or thread, or two lines on what you made",
            hint="Only you can see it; it goes into your portfolio.",
        ),
    ]
    if existing_evidence is not None:
        # Prefill, so marking again edits the evidence instead of retyping it.
        blocks[1]["element"]["initial_value"] = existing_evidence[:EVIDENCE_LIMIT]
        blocks.append(context("You marked this done already: saving replaces the evidence."))
    return modal(
        ids.DELIVERABLE_VIEW,
        "Mark deliverable done",
        blocks,
        submit="Mark done",
        private_metadata=json.dumps(metadata),
    )


def marked_done_message(*, title: str, evidence: str, change: Change) -> tuple[str, list[Block]]:
    """Confirmation of a deliverable marked done, quoting (escaped, shortened) the evidence."""
    name = safe_text(title, 150)
    if change == "created":
        head = f":white_check_mark: Marked *{name}* done."
        text = f"Marked {title} done."
    elif change == "updated":
        head = f":white_check_mark: *{name}* was already done: I updated its evidence."
        text = f"Updated the evidence for {title}."
    else:
        head = f":white_check_mark: *{name}* is done, with this evidence already saved."
        text = f"{title} is already done."
    preview = safe_text(" ".join(evidence.split()), PREVIEW_CHARS)
    blocks = [
        section(f"{head}\n>{preview}"),
        context(":lock: Only you can see this. Mark it again to change the evidence."),
    ]
    return safe_text(text, 300), blocks
