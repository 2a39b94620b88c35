"""Modal submission listeners."""

from __future__ import annotations

from slack_bolt import App

from bot.blocks import ids
from handlers.views import deliverables, evidence, followups, join, journal, skills


def register(app: App) -> None:
    """Register every view submission."""
    app.view(ids.JOIN_VIEW)(join.handle_submission)
    app.view(ids.JOURNAL_VIEW)(journal.handle_submission)
    app.view(ids.SKILLS_VIEW)(skills.handle_submission)
    app.view(ids.DELIVERABLE_VIEW)(deliverables.handle_submission)
    app.view(ids.EVIDENCE_VIEW)(evidence.handle_submission)
    app.view(ids.SHIP_VIEW)(evidence.handle_ship_submission)
    app.view(ids.SHIP_FOLLOWUP_VIEW)(followups.handle_followup)
    app.view(ids.REVISIT_VIEW)(followups.handle_revisit)
