"""Coaching feedback on logged evidence: the rules of `bot.rules`, worded for a confirmation.

Pure functions of an entry's kind and fields, no Slack. Feedback is advice shown under the
confirmation; it never stops anything from being saved. The same rules grade the portfolio and
check a deliverable, so what the feedback calls strong the portfolio calls strong.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.rules import MIN_EVIDENCE, Finding, check, evidence_items

__all__ = ["MIN_EVIDENCE", "Suggestion", "evidence_items", "feedback", "praise"]


@dataclass(frozen=True)
class Suggestion:
    """One piece of feedback: which rule it comes from and what to say.

    `praise` is True for the one line an entry gets when it meets every rule; it quotes the
    member's words (`quoted`) that met each rule, which the renderer escapes."""

    rule: str
    message: str
    praise: bool = False
    quoted: tuple[tuple[str, str], ...] = ()  # (what the rule looks for, the member's words)


def praise(kind: str, findings: Sequence[Finding]) -> Suggestion:
    """The line for an entry that meets every rule: what each rule found, in their words."""
    return Suggestion(
        f"{kind}.strong",
        "Strong: it has " + ", ".join(f.label for f in findings) + ".",
        praise=True,
        quoted=tuple((f.label, f.found) for f in findings),
    )


def feedback(kind: str, fields: Mapping[str, Any]) -> list[Suggestion]:
    """What to add to an entry of `kind`, one suggestion per unmet rule; when every rule is
    met, one praise line instead (empty for kinds without rules)."""
    findings = check(kind, fields)
    if not findings:
        return []
    unmet = [Suggestion(f.rule, f.missing) for f in findings if not f.met]
    return unmet or [praise(kind, findings)]
