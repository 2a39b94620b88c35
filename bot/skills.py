"""The skills a participant rates themselves on, at the start and at the end of a program."""

from __future__ import annotations

from typing import Final

# id -> label. Ids are stored: never rename one.
SKILLS: Final[dict[str, str]] = {
    "interviewing": "Customer interviewing",
    "discovery": "Discovery: finding the problem before the solution",
    "prioritization": "Prioritization (RICE, ICE, saying what waits)",
    "metrics": "Choosing the metric that shows it worked",
    "storytelling": "Explaining decisions to non-technical people",
    "saying_no": "Saying no, including to your own ideas",
    "business": "Business reasoning: growth, retention, revenue, cost",
}

SCALE: Final[dict[int, str]] = {
    1: "1 · new to me",
    2: "2 · tried it once or twice",
    3: "3 · I can do it with help",
    4: "4 · I do it on my own",
    5: "5 · I could teach it",
}

MOMENTS: Final = ("start", "end")

# What an engineer already brings (product-engineer guide, "skills that transfer directly"),
# shown beside the ratings; the rated SKILLS above are the ones to develop on purpose.
TRANSFERS: Final[tuple[tuple[str, str], ...]] = (
    ("System thinking", "model how users behave the way you model interacting components"),
    ("Debugging", "root causes in user problems take the same hypotheses and evidence"),
    ("Estimation and scoping", "keep cutting work into shippable pieces, starting from the user"),
    (
        "Written communication",
        "a product proposal has a design doc's shape: context, problem, solution, trade-offs",
    ),
    ("Data analysis", "if you read flame graphs and query plans, analytics dashboards are easier"),
)
