"""Modal submission listeners."""

from __future__ import annotations

from slack_bolt import App

from bot.blocks import ids
from handlers.listener import wire
from handlers.views import cohort, deliverables, evidence, followups, join, journal, skills


def register(app: App) -> None:
    """Register every view submission."""
    app.view(ids.JOIN_VIEW)(wire(join.handle_submission))
    app.view(ids.COHORT_VIEW)(wire(cohort.handle_submission))
    app.view(ids.JOURNAL_VIEW)(wire(journal.handle_submission))
    app.view(ids.SKILLS_VIEW)(wire(skills.handle_submission))
    app.view(ids.DELIVERABLE_VIEW)(wire(deliverables.handle_submission))
    app.view(ids.EVIDENCE_VIEW)(wire(evidence.handle_submission))
    app.view(ids.SHIP_VIEW)(wire(evidence.handle_ship_submission))
    app.view(ids.SHIP_FOLLOWUP_VIEW)(wire(followups.handle_followup))
    app.view(ids.REVISIT_VIEW)(wire(followups.handle_revisit))
