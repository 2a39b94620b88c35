"""Coaching feedback on logged evidence: deterministic rules, each explaining itself.

Pure functions of an entry's kind and fields, no Slack. Feedback is advice shown under the
confirmation; it never stops anything from being saved.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MIN_EVIDENCE = 3


@dataclass(frozen=True)
class Suggestion:
    """One piece of feedback: which rule fired and what to do about it."""

    rule: str
    message: str


_NUMBER = re.compile(r"\d")
_DIRECTION = re.compile(
    r"\b(increase[sd]?|decrease[sd]?|reduc(e|es|ed|ing)|rais(e|es|ed)|grow(s|n)?|cut|"
    r"lower(s|ed)?|improv(e|es|ed)|drop(s|ped)?|lift(s|ed)?|boost(s|ed)?|double[sd]?|halve[sd]?|"
    r"from|to|up|down|more|less|fewer)\b",
    re.IGNORECASE,
)
_FEATURE_VERBS = (
    "build",
    "add",
    "ship",
    "launch",
    "implement",
    "create",
    "release",
    "develop",
    "migrate",
    "rewrite",
    "integrate",
    "introduce",
    "deliver",
    "make",
)
_PROBLEM_WORDS = re.compile(
    r"\b(identif\w*|diagnos\w*|notic\w*|discover\w*|found|fram\w*|mapp\w*|uncover\w*|"
    r"problem\w*|pain\w*|friction|bottleneck\w*|complain\w*|drop-?off\w*|churn\w*|"
    r"struggl\w*|confus\w*|blocker\w*|issue\w*)\b",
    re.IGNORECASE,
)
_WHO_WORDS = re.compile(
    r"\b(users?|customers?|clients?|developers?|engineers?|teams?|admins?|buyers?|sellers?|"
    r"merchants?|members?|subscribers?|people|patients?|students?|stakeholders?|prospects?|"
    r"accounts?|shoppers?|operators?|affecting|onboarding|activation|sign-?ups?|checkout|trials?)\b",
    re.IGNORECASE,
)
_RESULT_WORDS = re.compile(
    r"(\d+(\.\d+)?\s*(%|x\b|×|percent|points?|pp\b|ms\b|s\b|seconds?|minutes?|hours?|days?|"
    r"weeks?|users?|customers?|k\b|m\b))|"
    r"\b(metric\w*|measur\w*|outcome\w*|retention|conversion|activation|adoption|engagement|"
    r"revenue|churn|nps|cycle-?time|incident\w*|latency|time-to-\w+)\b",
    re.IGNORECASE,
)


def _text(fields: Mapping[str, Any], key: str) -> str:
    value = fields.get(key)
    return value.strip() if isinstance(value, str) else ""


def evidence_items(raw: str) -> list[str]:
    """The pieces of evidence in a problem statement: one per non-empty line, bullets removed."""
    items = []
    for line in raw.splitlines():
        cleaned = line.strip().lstrip("-*•·").strip()
        if cleaned:
            items.append(cleaned)
    return items


def problem_statement(fields: Mapping[str, Any]) -> list[Suggestion]:
    """A problem statement needs at least three pieces of evidence."""
    count = len(evidence_items(_text(fields, "evidence")))
    if count >= MIN_EVIDENCE:
        return []
    have = "no evidence" if count == 0 else f"{count} piece{'s' if count > 1 else ''} of evidence"
    return [
        Suggestion(
            "problem.evidence",
            f"You have {have}; a problem statement holds up with at least {MIN_EVIDENCE}. "
            "Add support tickets, user quotes or usage numbers, one per line.",
        )
    ]


def proposal(fields: Mapping[str, Any]) -> list[Suggestion]:
    """A proposal needs a metric with a number and a direction."""
    metric = _text(fields, "metric")
    if not metric:
        return [
            Suggestion(
                "proposal.metric",
                "There is no expected metric. Say which number should move and by how much, "
                "e.g. _checkout drop-off from 34% to 20%_: it's how you will know it worked.",
            )
        ]
    missing = []
    if not _NUMBER.search(metric):
        missing.append("a number")
    if not _DIRECTION.search(metric):
        missing.append("a direction (up, down, from … to …)")
    if missing:
        return [
            Suggestion(
                "proposal.metric_vague",
                f"The metric has no {' and no '.join(missing)}. A target like "
                "_support tickets about exports down from 40 to 10 a month_ can be checked later.",
            )
        ]
    return []


def goal(fields: Mapping[str, Any]) -> list[Suggestion]:
    """An outcome-framed goal moves a number from X to Y; a feature list is not a goal."""
    text = _text(fields, "goal")
    first = text.split()[0].lower().strip(".,:;!") if text.split() else ""
    from_to = _text(fields, "from") + " " + _text(fields, "to")
    has_numbers = bool(_NUMBER.search(from_to)) or bool(
        re.search(r"\bfrom\b.*\d.*\bto\b.*\d", text, re.IGNORECASE)
    )
    suggestions = []
    if first in _FEATURE_VERBS:
        suggestions.append(
            Suggestion(
                "goal.feature",
                f"This reads like a feature (_{first} …_), not an outcome. Name the user result "
                "it should change, e.g. _time to first value from 14 days to 3_.",
            )
        )
    if not has_numbers:
        suggestions.append(
            Suggestion(
                "goal.numbers",
                "Give the starting point and the target as numbers (from X to Y), so everyone "
                "can tell whether the goal was met.",
            )
        )
    if not _text(fields, "by_when") and not suggestions:
        suggestions.append(
            Suggestion("goal.deadline", "Add a date: a goal without a deadline slips quietly.")
        )
    return suggestions


def resume_bullet(fields: Mapping[str, Any]) -> list[Suggestion]:
    """A bullet shows the problem, who had it, and a measurable result, not just the tech."""
    text = _text(fields, "bullet")
    suggestions = []
    if not _PROBLEM_WORDS.search(text):
        suggestions.append(
            Suggestion(
                "bullet.problem",
                "Start from the problem you found (_identified…_, _diagnosed…_), not from what "
                "you built.",
            )
        )
    if not _WHO_WORDS.search(text):
        suggestions.append(
            Suggestion(
                "bullet.who",
                "Say who had the problem: which users, customers or teams, and how many.",
            )
        )
    if not _RESULT_WORDS.search(text):
        suggestions.append(
            Suggestion(
                "bullet.result",
                "End with a measurable result: the metric that moved and by how much "
                "(e.g. _activation up 12%_).",
            )
        )
    return suggestions


def experiment(fields: Mapping[str, Any]) -> list[Suggestion]:
    """An experiment write-up needs the hypothesis it tested and what was learned."""
    suggestions = []
    if not _text(fields, "hypothesis"):
        suggestions.append(
            Suggestion(
                "experiment.hypothesis",
                "Write the hypothesis (_we believed X would change Y_): without it, a result "
                "can't confirm or refute anything.",
            )
        )
    if not _text(fields, "learning"):
        suggestions.append(
            Suggestion(
                "experiment.learning",
                "Add what you learned, especially if it failed: a well-written failure is "
                "portfolio material.",
            )
        )
    return suggestions


_RULES = {
    "problem_statement": problem_statement,
    "proposal": proposal,
    "goal": goal,
    "resume_bullet": resume_bullet,
    "experiment": experiment,
}


def feedback(kind: str, fields: Mapping[str, Any]) -> list[Suggestion]:
    """Every suggestion for an entry of `kind` with `fields` (empty when it looks good)."""
    rule = _RULES.get(kind)
    return rule(fields) if rule else []
