"""`/transition help interview`: how to interview once the evidence exists (from the
product-engineer guide, in our words)."""

from __future__ import annotations

from bot.blocks.common import Block, context, header, section

ROUNDS = (
    (
        "System design",
        "Before drawing boxes, ask who the user is, what problem the system solves and how "
        "success will be measured. Then design for that outcome, not for elegance alone.",
    ),
    (
        "Behavioural",
        "Tell each story as: I noticed a problem hurting users, I chose X over Y because of "
        "this data, and the result was this. Skip stories where someone else found the problem "
        "and you only built it. Your portfolio's *Interview stories* are a starting point.",
    ),
    (
        "Product sense",
        "Expect to judge a product, suggest improvements or rank a backlog. Lean on a framework "
        "but talk like a person: weigh user value, business value and engineering effort.",
    ),
    (
        "Take-home",
        "Do the task, then add a short note: if this were a real product, what you would "
        "measure and what the next iteration would fix. Few candidates do.",
    ),
)


def interview_card() -> tuple[str, list[Block]]:
    """Advice per interview round, one section each."""
    blocks: list[Block] = [
        header("Interviewing as a product engineer"),
        section(
            "Your resume already says you can code. In the interviews, show that you think "
            "about the product."
        ),
    ]
    blocks += [section(f"*{title}.* {text}") for title, text in ROUNDS]
    blocks.append(context("`/transition portfolio` gathers the proof to talk from."))
    return "Interview advice: system design, behavioural, product sense, take-home.", blocks
