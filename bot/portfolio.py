"""The transition portfolio: entries compiled into the artifacts a hiring manager asks for.

Pure functions of the entries (no Slack, no database), so the compilation and its gap list
are easy to test. Field names come from the log modals; unknown fields are shown too, so
nothing a participant wrote is left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

INSIGHTS_FOR_SYNTHESIS = 10  # a synthesis needs ten or more customer interactions


class EntryLike(Protocol):
    """What the portfolio needs of a stored entry."""

    kind: str
    text: str
    fields: dict[str, Any]
    created_at: datetime
    program_week: int | None


@dataclass(frozen=True)
class Artifact:
    """One portfolio artifact: its entries and what would make it strong."""

    key: str
    title: str
    why: str
    entries: list[EntryLike]
    gaps: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """True when there is material and nothing named as missing."""
        return bool(self.entries) and not self.gaps


def _is_failed_experiment(entry: EntryLike) -> bool:
    outcome = str(entry.fields.get("outcome", "")).lower()
    return entry.kind == "experiment" and outcome in {"failed", "didn't work", "did not work", "no"}


def _has_numbers(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


def _has_metric_change(entry: EntryLike) -> bool:
    values = " ".join(
        str(v) for k, v in entry.fields.items() if "before" in k or "after" in k or "metric" in k
    )
    return _has_numbers(values)


def build_artifacts(entries: Iterable[EntryLike]) -> list[Artifact]:
    """The five artifacts plus resume bullets, each with the gaps that keep it from strong."""
    by_kind: dict[str, list[EntryLike]] = {}
    for entry in sorted(entries, key=lambda e: e.created_at):
        by_kind.setdefault(entry.kind, []).append(entry)
    problems = by_kind.get("problem_statement", [])
    insights = by_kind.get("customer_insight", [])
    proposals = by_kind.get("proposal", [])
    ships = by_kind.get("ship", [])
    failed = [e for e in by_kind.get("experiment", []) if _is_failed_experiment(e)]
    teardowns = by_kind.get("teardown", [])
    bullets = by_kind.get("resume_bullet", [])

    discovery_gaps = []
    if not problems:
        discovery_gaps.append("Log a problem statement: a user pain nobody asked you to solve.")
    if problems and not proposals:
        discovery_gaps.append("Add the proposal that followed, even if it was turned down.")
    ship_gaps = []
    if not ships:
        ship_gaps.append("Ship something end to end and post it with `/transition ship`.")
    elif not any(_has_metric_change(e) for e in ships):
        ship_gaps.append("Add before and after numbers to a ship post (the follow-up asks).")
    failed_gaps = (
        [] if failed else ["Log an experiment that did not work, with what you learned from it."]
    )
    synthesis_gaps = []
    if len(insights) < INSIGHTS_FOR_SYNTHESIS:
        synthesis_gaps.append(
            f"{len(insights)} of {INSIGHTS_FOR_SYNTHESIS} customer insights logged: a synthesis "
            "needs ten or more conversations, tickets or calls to find themes in."
        )
    teardown_gaps = [] if teardowns else ["Tear down one competitor's recent product decision."]
    bullet_gaps = [] if bullets else ["Rewrite one resume bullet as problem → decision → result."]
    return [
        Artifact(
            "problem_discovery",
            "Problem discovery",
            "A user problem you found before anyone asked: how, the evidence, what you proposed.",
            [*problems, *proposals],
            discovery_gaps,
        ),
        Artifact(
            "ship_post",
            "Ship post with metrics",
            "Something you shipped end to end, told as problem, bet, solution, result.",
            ships,
            ship_gaps,
        ),
        Artifact(
            "failed_experiment",
            "Failed experiment write-up",
            "A measured miss and what it taught you: proof that you measure, not ship and forget.",
            failed,
            failed_gaps,
        ),
        Artifact(
            "insight_synthesis",
            "Customer insight synthesis",
            "Themes from many customer interactions, ranked by how often and how badly they hurt.",
            insights,
            synthesis_gaps,
        ),
        Artifact(
            "teardown",
            "Competitive teardown",
            "A competitor's decision: what they shipped, why, what you would have done instead.",
            teardowns,
            teardown_gaps,
        ),
        Artifact(
            "resume_bullets",
            "Resume bullets",
            "Outcomes, not activities: the problem, who it hurt, what you decided, what moved.",
            bullets,
            bullet_gaps,
        ),
    ]


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _md_escape(text: str) -> str:
    # Keep the user's words but stop them from becoming headings or breaking list items.
    return " ".join(str(text).split()).replace("#", "\\#")


def _entry_markdown(entry: EntryLike) -> list[str]:
    week = f", week {entry.program_week}" if entry.program_week else ""
    lines = [f"- **{_md_escape(entry.text)}** ({entry.created_at:%d %b %Y}{week})"]
    for key, value in entry.fields.items():
        if value in (None, "", [], {}) or str(value) == entry.text:
            continue
        if isinstance(value, list):
            value = "; ".join(str(v) for v in value)
        lines.append(f"  - {_label(key)}: {_md_escape(value)}")
    return lines


def render_markdown(
    *, name: str, program_title: str | None, artifacts: Sequence[Artifact], generated: datetime
) -> str:
    """The portfolio as a Markdown document."""
    done = sum(a.complete for a in artifacts)
    out = [
        f"# Transition portfolio: {_md_escape(name)}",
        "",
        f"{program_title + ' · ' if program_title else ''}compiled {generated:%d %B %Y}. "
        f"{done} of {len(artifacts)} artifacts are strong; the gaps below say what would "
        "finish the others.",
        "",
    ]
    for artifact in artifacts:
        status = "strong" if artifact.complete else "in progress" if artifact.entries else "missing"
        out += [f"## {artifact.title} ({status})", "", f"_{artifact.why}_", ""]
        for entry in artifact.entries:
            out += _entry_markdown(entry)
        if artifact.entries:
            out.append("")
        for gap in artifact.gaps:
            out.append(f"> To do: {gap}")
        if artifact.gaps:
            out.append("")
    return "\n".join(out).rstrip() + "\n"
