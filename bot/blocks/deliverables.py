"""The mark-done modal and its confirmation."""

from __future__ import annotations

import json
from typing import Any

from bot.blocks import ids
from bot.blocks.common import Block, checkbox_input, context, modal, option, section, text_input
from bot.kinds import kind_count
from bot.programs import Phase
from bot.services.deliverables import EVIDENCE_LIMIT, Change, missing_line
from bot.text import safe_text

PREVIEW_CHARS = 500


ANYWAY_OPTION = "Mark it done anyway; my portfolio will say what's missing"


def logged_lines(phase: Phase, logged: dict[str, int]) -> list[str]:
    """The definition's counts against what was logged: "✅ 5 of 5 decisions"."""
    lines = []
    for kind, need in phase.deliverable.needs.items():
        have = logged.get(kind, 0)
        mark = ":white_check_mark:" if have >= need else ":hourglass_flowing_sand:"
        lines.append(f"{mark} {min(have, 999):,} of {kind_count(kind, need)}")
    return lines


def deliverable_modal(
    phase: Phase,
    *,
    existing_evidence: str | None,
    metadata: dict[str, Any],
    logged: dict[str, int] | None = None,
    missing: dict[str, int] | None = None,
    gaps: tuple[str, ...] = (),
) -> Block:
    """Ask for the evidence: a link or a short description (prefilled when marking again).
    The definition of done is shown against what was logged in the phase, with what the
    rules find missing in those entries (`gaps`); while something is missing the form says
    what, and offers to mark it done anyway."""
    deliverable = phase.deliverable
    criteria = "\n".join(f"• {safe_text(c, 300)}" for c in deliverable.done_when[:10])
    blocks: list[Block] = [
        section(f"*{safe_text(deliverable.title, 150)}*\n*Done when:*\n{criteria}"),
    ]
    counted = logged_lines(phase, logged or {})
    if counted:
        blocks.append(section("*Logged during this phase:*\n" + "\n".join(counted)))
    if gaps:
        blocks.append(
            section(
                "*What the entries don't show yet:*\n"
                + "\n".join(f"• {safe_text(g, 300)}" for g in gaps[:8])
            )
        )
    if missing:
        blocks.append(
            section(
                f":warning: Not met yet: {missing_line(missing)}. You can finish it first "
                "(this form keeps nothing until you submit), or mark it done anyway."
            )
        )
    blocks += [
        text_input(
            ids.DELIVERABLE_EVIDENCE,
            "Evidence",
            multiline=True,
            max_length=EVIDENCE_LIMIT,
            placeholder="A link to the doc, PR or thread, or two lines on what you made",
            hint="Only you can see it; it goes into your portfolio.",
            initial=existing_evidence[:EVIDENCE_LIMIT] if existing_evidence else None,
        ),
    ]
    if missing:
        blocks.append(
            checkbox_input(ids.DELIVERABLE_ANYWAY, "Not met yet", [option(ANYWAY_OPTION, "yes")])
        )
    if existing_evidence is not None:
        # Prefilled, so marking again edits the evidence instead of retyping it.
        blocks.append(context("You marked this done already: saving replaces the evidence."))
    return modal(
        ids.DELIVERABLE_VIEW,
        "Mark deliverable done",
        blocks,
        submit="Mark done",
        private_metadata=json.dumps(metadata),
    )


def marked_done_message(
    *, title: str, evidence: str, change: Change, missing: dict[str, int] | None = None
) -> tuple[str, list[Block]]:
    """Confirmation of a deliverable marked done, quoting (escaped, shortened) the evidence;
    marked anyway, it says what the definition still asks for."""
    name = safe_text(title, 150)
    if missing and change != "unchanged":
        head = (
            f":ballot_box_with_check: Marked *{name}* done, with {missing_line(missing)} "
            "still to log: your status and portfolio show it as done early."
        )
        text = f"Marked {title} done, with {missing_line(missing)} still to log."
    elif change == "created":
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
