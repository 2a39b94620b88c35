"""The transition portfolio: entries compiled into the artifacts a hiring manager asks for.

Pure functions of the entries (no Slack, no database), so the compilation and its gap list
are easy to test. Each artifact is graded by the rules of `bot.rules`, the same rules the
feedback after logging and the deliverable check use; `bot.narrative` writes it out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from bot import rules

INSIGHTS_FOR_SYNTHESIS = 10  # a synthesis needs ten or more customer interactions
PM_PROGRAM = "engineer-to-pm"  # its guide asks for one decision-heavy case


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


def _gaps_of(entry: EntryLike | None, *, missing: str) -> list[str]:
    """What the rules say is missing from the best entry, or `missing` when there is none."""
    if entry is None:
        return [missing]
    return [f.missing for f in rules.check(entry.kind, entry.fields) if not f.met]


def _bullet_gaps(bullets: Sequence[EntryLike]) -> list[str]:
    # Our words only: the weak bullets themselves are listed, with what each lacks, in the body.
    strong = [b for b in bullets if rules.is_strong(b.kind, b.fields)]
    need = rules.MIN_STRONG_BULLETS
    if not bullets:
        return ["Rewrite three resume bullets as problem → decision → result."]
    if len(strong) >= need:
        return []
    return [
        f"{len(strong)} of {need} resume bullets {'is' if len(strong) == 1 else 'are'} strong: "
        f"rework the ones marked below or add {need - len(strong)} more."
    ]


def _decision_case(proposals: Sequence[EntryLike], decisions: Sequence[EntryLike]) -> Artifact:
    """The PM guide's one strong case: a proposal with its metric, and the options weighed."""
    core = {"proposal.problem", "proposal.solution", "proposal.metric"}
    best = rules.best_entry(proposals)
    weighed = [
        d
        for d in decisions
        if any(f.rule == "decision.alternative" and f.met for f in rules.check(d.kind, d.fields))
    ]
    gaps = (
        [
            "Log the proposal at the heart of your case: the problem, the option you chose "
            "and the metric."
        ]
        if best is None
        else [
            f.missing for f in rules.check(best.kind, best.fields) if f.rule in core and not f.met
        ]
    )
    if not weighed:
        gaps.append(
            "Log the decisions behind it with the alternative each one beat: the case is the "
            "trade-offs, not the build."
        )
    return Artifact(
        "decision_case",
        "Decision case",
        "One decision-heavy case: why this problem, the options and trade-offs, how success "
        "is measured.",
        [*([best] if best else []), *weighed],
        gaps,
    )


def build_artifacts(
    entries: Iterable[EntryLike], *, program_id: str | None = None
) -> list[Artifact]:
    """The five artifacts plus resume bullets (and, in the PM program, the decision case),
    each graded by the rules in `bot.rules`, with the gaps that keep it from strong."""
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

    best_problem = rules.best_entry(problems)
    best_proposal = rules.best_entry(proposals)
    discovery_gaps = _gaps_of(
        best_problem, missing="Log a problem statement: a user pain nobody asked you to solve."
    )
    if best_problem is not None:
        discovery_gaps += [
            g
            for g in _gaps_of(
                best_proposal,
                missing="Add the proposal that followed, even if it was turned down.",
            )
            if best_proposal is None or g in _proposal_core_gaps(best_proposal)
        ]
    ship_gaps = _gaps_of(
        rules.best_entry(ships),
        missing="Ship something end to end and post it with `/transition ship`.",
    )
    failed_gaps = _gaps_of(
        rules.best_entry(failed),
        missing="Log an experiment that did not work, with what you learned from it.",
    )
    good_insights = [e for e in insights if rules.is_strong(e.kind, e.fields)]
    synthesis_gaps = []
    if len(good_insights) < INSIGHTS_FOR_SYNTHESIS:
        synthesis_gaps.append(
            f"{len(good_insights)} of {INSIGHTS_FOR_SYNTHESIS} customer insights name the "
            "problem behind what was asked: a synthesis needs ten or more conversations, "
            "tickets or calls to find themes in."
        )
    teardown_gaps = _gaps_of(
        rules.best_entry(teardowns),
        missing="Tear down one competitor's recent product decision.",
    )
    artifacts = [
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
            _bullet_gaps(bullets),
        ),
    ]
    if program_id == PM_PROGRAM:
        artifacts.append(_decision_case(proposals, by_kind.get("decision", [])))
    return artifacts


def _proposal_core_gaps(entry: EntryLike) -> list[str]:
    # Discovery needs what was proposed; a rejected proposal still counts, so its answer and
    # timeline are the proposal's own business, not the discovery's.
    core = {"proposal.problem", "proposal.solution"}
    return [
        f.missing for f in rules.check(entry.kind, entry.fields) if f.rule in core and not f.met
    ]
