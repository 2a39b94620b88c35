"""`/transition help resist`: the three ways forward when the company keeps engineers on
tickets (from the product-engineer guide, in our words)."""

from __future__ import annotations

from bot.blocks.common import Block, context, header, section

OPTIONS = (
    (
        "Prove it locally",
        "Pick a corner of the product no PM is working on (a settings page, an internal tool, "
        "an admin view) and own it from problem to numbers. Let the results make the case.",
    ),
    (
        "Propose a pilot",
        "Ask your manager for one quarter on one workstream run the outcome-owning way, with "
        "success criteria agreed up front (speed, customer satisfaction, team engagement), and "
        "show the results at the end. This lands best where experiments are welcome.",
    ),
    (
        "Leave",
        "If the company wants implementers only and that is not how you want to work, the "
        "quickest route is a company that already hires for this role.",
    ),
)


def resist_card() -> tuple[str, list[Block]]:
    """The three options, one section each."""
    blocks: list[Block] = [
        header("When your company resists"),
        section(
            "Some teams run on hand-offs: PMs write specs, engineers build them. If that is "
            "yours, you have three ways forward."
        ),
    ]
    for number, (title, text) in enumerate(OPTIONS, start=1):
        blocks.append(section(f"*{number}. {title}.* {text}"))
    blocks.append(
        context(
            "Teams that own outcomes tend to ship more customer-facing improvements, and that "
            "gap is what changes organisations over time."
        )
    )
    return "When your company resists: prove it locally, propose a pilot, or leave.", blocks
