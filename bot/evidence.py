"""The evidence kinds as data: the words users type for each, and each kind's form.

One `KindSpec` per kind drives the `/transition log <kind>` keyword, the modal, reading the
submitted values back, and the one-line summary stored as the entry's text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

FieldType = Literal["text", "multiline", "select", "checkbox"]


@dataclass(frozen=True)
class FieldSpec:
    """One input of a kind's form."""

    key: str
    label: str
    type: FieldType = "multiline"
    optional: bool = False
    placeholder: str | None = None
    hint: str | None = None
    options: tuple[tuple[str, str], ...] = ()  # (value, label) for selects and checkboxes
    max_length: int = 3000


@dataclass(frozen=True)
class KindSpec:
    """How one entry kind is typed, asked for and summarised."""

    kind: str  # an id from bot.kinds.ENTRY_KINDS
    keywords: tuple[str, ...]  # the words after `/transition log` that pick this kind
    title: str  # modal title (at most 24 characters)
    intro: str
    fields: tuple[FieldSpec, ...]
    quick_field: str  # the field `/transition log <kind> <text>` fills
    summary: tuple[str, ...] = field(default=())  # fields joined into the entry's one-line text

    def field(self, key: str) -> FieldSpec:
        """The field called `key`."""
        return next(f for f in self.fields if f.key == key)


SOURCES = (("call", "Call"), ("ticket", "Support ticket"), ("interview", "Interview"))
OUTCOMES = (("worked", "Worked"), ("failed", "Failed"), ("inconclusive", "Inconclusive"))

SPECS: Final[dict[str, KindSpec]] = {
    spec.kind: spec
    for spec in (
        KindSpec(
            kind="decision",
            keywords=("decision", "journal"),
            title="Decision journal",
            intro="One product decision you saw today. Only you can read your journal.",
            fields=(
                FieldSpec("decision", "What was decided?"),
                FieldSpec("who", "Who made the call?", type="text", optional=True, max_length=300),
                FieldSpec("data", "What data informed it?", optional=True),
                FieldSpec("alternative", "What was the alternative?", optional=True),
            ),
            quick_field="decision",
            summary=("decision",),
        ),
        KindSpec(
            kind="customer_insight",
            keywords=("insight", "customer-insight", "customer_insight"),
            title="Customer insight",
            intro="Something a user said or did that you didn't expect. Listen for the problem "
            "behind the request.",
            fields=(
                FieldSpec(
                    "source",
                    "Where did you hear it?",
                    type="select",
                    options=(*SOURCES, ("other", "Other")),
                ),
                FieldSpec(
                    "heard",
                    "What did you hear?",
                    placeholder="They export to CSV every Friday to rebuild the report by hand",
                ),
            ),
            quick_field="heard",
            summary=("heard",),
        ),
        KindSpec(
            kind="problem_statement",
            keywords=("problem", "problem-statement", "problem_statement"),
            title="Problem statement",
            intro="A user pain nobody on your team is working on, and the evidence for it.",
            fields=(
                FieldSpec("problem", "The problem, from the user's side"),
                FieldSpec(
                    "evidence",
                    "Evidence, one item per line",
                    optional=True,
                    hint="Tickets, quotes, usage numbers. Three or more make the case.",
                ),
            ),
            quick_field="problem",
            summary=("problem",),
        ),
        KindSpec(
            kind="proposal",
            keywords=("proposal", "bet"),
            title="Proposal",
            intro="A one-page bet: the problem, your solution, the number it should move.",
            fields=(
                FieldSpec("problem", "Problem (with evidence)"),
                FieldSpec("solution", "Proposed solution and scope"),
                FieldSpec(
                    "metric",
                    "Expected outcome metric",
                    type="text",
                    optional=True,
                    placeholder="Export tickets down from 40 to 10 a month",
                ),
                FieldSpec("timeline", "Timeline and milestones", optional=True),
                FieldSpec("response", "Response you received", optional=True),
                FieldSpec("learned", "What you learned from it", optional=True),
                FieldSpec("reach", "RICE reach (people per quarter)", type="text", optional=True),
                FieldSpec("impact", "RICE impact (0.25-3)", type="text", optional=True),
                FieldSpec("confidence", "RICE confidence %", type="text", optional=True),
                FieldSpec("effort", "RICE effort (person-months)", type="text", optional=True),
                FieldSpec("ice_impact", "ICE impact (1-10)", type="text", optional=True),
                FieldSpec("ice_confidence", "ICE confidence (1-10)", type="text", optional=True),
                FieldSpec("ice_ease", "ICE ease (1-10)", type="text", optional=True),
            ),
            quick_field="solution",
            summary=("solution",),
        ),
        KindSpec(
            kind="experiment",
            keywords=("experiment", "exp"),
            title="Experiment",
            intro="What you tried and what happened. Failed experiments count as much as wins.",
            fields=(
                FieldSpec("hypothesis", "Hypothesis", optional=True),
                FieldSpec("measured", "What did you measure?", optional=True),
                FieldSpec("result", "Result", optional=True),
                FieldSpec("learning", "What did you learn?", optional=True),
                FieldSpec("outcome", "Outcome", type="select", options=OUTCOMES),
            ),
            quick_field="hypothesis",
            summary=("hypothesis", "result"),
        ),
        KindSpec(
            kind="teardown",
            keywords=("teardown", "competitor"),
            title="Competitor teardown",
            intro="One product decision a competitor made, read from the outside.",
            fields=(
                FieldSpec("competitor", "Competitor", type="text", max_length=200),
                FieldSpec("shipped", "What did they ship?"),
                FieldSpec("why", "Why do you think they did it?", optional=True),
                FieldSpec("differently", "What would you have done differently?", optional=True),
            ),
            quick_field="shipped",
            summary=("competitor", "shipped"),
        ),
        KindSpec(
            kind="goal",
            keywords=("goal", "okr"),
            title="Outcome-framed goal",
            intro="A goal framed as a user outcome: a number moving from X to Y by a date.",
            fields=(
                FieldSpec(
                    "goal",
                    "The outcome",
                    type="text",
                    placeholder="Reduce time to first value",
                ),
                FieldSpec("from", "From", type="text", optional=True, placeholder="14 days"),
                FieldSpec("to", "To", type="text", optional=True, placeholder="3 days"),
                FieldSpec("by_when", "By when", type="text", optional=True, placeholder="Q3"),
            ),
            quick_field="goal",
            summary=("goal",),
        ),
        KindSpec(
            kind="resume_bullet",
            keywords=("bullet", "resume", "resume-bullet", "resume_bullet"),
            title="Resume bullet",
            intro="Problem, who had it, what you shipped, what moved.",
            fields=(
                FieldSpec(
                    "bullet",
                    "Your bullet",
                    placeholder="Identified a 34% drop-off affecting mobile buyers, shipped …",
                ),
            ),
            quick_field="bullet",
            summary=("bullet",),
        ),
        KindSpec(
            kind="ship",
            keywords=(),  # ship posts have their own command: /transition ship
            title="Ship post",
            intro="Announce what you shipped to the team: the problem, who it helped, the numbers.",
            fields=(
                FieldSpec("problem", "What problem did you notice?"),
                FieldSpec("who", "Who was affected, and how many?", type="text", max_length=500),
                FieldSpec("built", "What did you build?"),
                FieldSpec("before", "Metric before", type="text", optional=True, max_length=500),
                FieldSpec("after", "Metric after", type="text", optional=True, max_length=500),
                FieldSpec(
                    "measuring",
                    "Still measuring?",
                    type="checkbox",
                    optional=True,
                    options=(("yes", "No after-number yet: I'll be asked in a week"),),
                ),
                FieldSpec("feedback", "User feedback", optional=True),
                FieldSpec("learned", "What did you learn?", optional=True),
            ),
            quick_field="problem",
            summary=("built",),
        ),
    )
}

# The word after `/transition log` -> kind id, in one place.
KEYWORDS: Final[dict[str, str]] = {
    word: spec.kind for spec in SPECS.values() for word in spec.keywords
}

# Kinds a user logs with `/transition log` (ship posts go through `/transition ship`).
LOGGABLE: Final[tuple[str, ...]] = tuple(k for k, s in SPECS.items() if s.keywords)


# `problem: exports are slow`, `Bullet : shipped X`: a kind word with a colon names the kind.
_KIND_PREFIX = re.compile(r"\s*([A-Za-z_-]+)\s*:\s*(.*)", re.DOTALL)


def parse_log_args(args: str) -> tuple[str, str]:
    """Split `log` arguments into (kind, text), keeping every word the member typed unless
    the kind is given unambiguously: a kind word alone (`log goal` opens that form) or a kind
    word with a colon (`log problem: exports are slow`). Anything else is a decision, word for
    word ("Problem is that our PM picked annual billing" stays whole); its confirmation offers
    the other kinds."""
    text = args.strip()
    alone = KEYWORDS.get(text.lower().rstrip(":").strip())
    if alone is not None:
        return alone, ""
    prefixed = _KIND_PREFIX.fullmatch(text)
    if prefixed is not None:
        kind = KEYWORDS.get(prefixed.group(1).lower())
        if kind is not None:
            return kind, prefixed.group(2).strip()
    return "decision", text


def summary_text(kind: str, fields: Mapping[str, Any]) -> str:
    """The entry's one-line text: its summary fields joined, whitespace collapsed."""
    spec = SPECS[kind]
    parts = [fields.get(key) for key in spec.summary]
    joined = " — ".join(p for p in parts if isinstance(p, str) and p.strip())
    if not joined:  # fall back to the first field with anything in it
        joined = next((v for v in fields.values() if isinstance(v, str) and v.strip()), "")
    return " ".join(joined.split())


def quick_fields(kind: str, text: str) -> dict[str, Any]:
    """The fields of an entry logged from one line of text."""
    return {SPECS[kind].quick_field: text}
