"""The kinds of entry a participant can log, in the order the product presents them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

# id -> label shown to users. Ids are stored in the database: never rename one.
ENTRY_KINDS: Final[dict[str, str]] = {
    "decision": "Decision journal",
    "customer_insight": "Customer insight",
    "problem_statement": "Problem statement",
    "proposal": "Proposal",
    "experiment": "Experiment",
    "teardown": "Competitor teardown",
    "goal": "Outcome-framed goal",
    "resume_bullet": "Resume bullet",
    "ship": "Ship post",
}

# id -> (singular, plural) as a noun in a sentence: "a customer insight", "2 decisions".
KIND_NOUNS: Final[dict[str, tuple[str, str]]] = {
    "decision": ("decision", "decisions"),
    "customer_insight": ("customer insight", "customer insights"),
    "problem_statement": ("problem statement", "problem statements"),
    "proposal": ("proposal", "proposals"),
    "experiment": ("experiment", "experiments"),
    "teardown": ("competitor teardown", "competitor teardowns"),
    "goal": ("outcome-framed goal", "outcome-framed goals"),
    "resume_bullet": ("resume bullet", "resume bullets"),
    "ship": ("ship post", "ship posts"),
}


def plural(count: int, singular: str, many: str | None = None) -> str:
    """`count` with the noun that agrees with it: "1 entry", "0 entries", "1,204 days"."""
    noun = singular if count == 1 else (many or f"{singular}s")
    return f"{count:,} {noun}"


def kind_count(kind: str, count: int) -> str:
    """ "1 decision", "2 customer insights": a count of entries of one kind."""
    singular, many = KIND_NOUNS.get(kind, (kind, f"{kind}s"))
    return plural(count, singular, many)


def more_of(kind: str, count: int) -> str:
    """ "1 more decision", "2 more resume bullets": what is still to be logged."""
    singular, many = KIND_NOUNS.get(kind, (kind, f"{kind}s"))
    return f"{count:,} more {singular if count == 1 else many}"


def and_list(parts: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def counts_line(counts: Mapping[str, int]) -> str:
    """ "3 decisions, 1 customer insight": counts of entries by kind, in the product's order."""
    return ", ".join(kind_count(k, counts[k]) for k in ENTRY_KINDS if counts.get(k))


def a_kind(kind: str) -> str:
    """The kind with its article: "a decision", "an experiment", "an outcome-framed goal"."""
    singular = KIND_NOUNS.get(kind, (kind, kind))[0]
    return f"{'an' if singular[:1] in 'aeiou' else 'a'} {singular}"


# Engineering backgrounds a participant picks at join (engineer-to-pm tailors tips to them).
BACKGROUNDS: Final[dict[str, str]] = {
    "backend": "Backend",
    "frontend": "Frontend",
    "full-stack": "Full-stack",
    "platform-infra": "Platform / infrastructure",
    "customer-facing": "Customer-facing (solutions, support, sales engineering)",
    "deeply-technical": "Deeply technical (ML, data, research, low-level)",
}
