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
