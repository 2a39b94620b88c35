"""The kinds of entry a participant can log, in the order the product presents them."""

from __future__ import annotations

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

# Engineering backgrounds a participant picks at join (engineer-to-pm tailors tips to them).
BACKGROUNDS: Final[dict[str, str]] = {
    "backend": "Backend",
    "frontend": "Frontend",
    "full-stack": "Full-stack",
    "platform-infra": "Platform / infrastructure",
    "customer-facing": "Customer-facing (solutions, support, sales engineering)",
    "deeply-technical": "Deeply technical (ML, data, research, low-level)",
}
