"""Button listeners."""

from __future__ import annotations

from slack_bolt import App

from bot.blocks import ids
from handlers.actions import deliverables, evidence, forget, open_modals, snooze


def register(app: App) -> None:
    """Register every action."""
    app.action(ids.OPEN_JOURNAL)(open_modals.open_journal)
    app.action(ids.OPEN_JOIN)(open_modals.open_join)
    app.action(ids.FORGET_CONFIRM)(forget.confirm)
    app.action(ids.FORGET_CANCEL)(forget.cancel)
    app.action(ids.OPEN_SKILLS)(open_modals.open_skills)
    app.action(ids.MARK_DELIVERABLE_DONE)(deliverables.open_mark_done)
    app.action(ids.SNOOZE_PROMPT)(snooze.snooze_prompt)
    app.action(ids.LOG_EVIDENCE_SELECT)(evidence.log_evidence_select)
    app.action(ids.ENTRY_EDIT)(evidence.edit_entry)
    app.action(ids.SHIP_EDIT)(evidence.edit_entry)
    app.action(ids.ENTRY_DELETE)(evidence.delete_entry_action)
    app.action(ids.SHIP_DELETE)(evidence.delete_entry_action)
    app.action(ids.SHIP_FOLLOWUP_OPEN)(evidence.open_followup)
    for action_id in ids.REVISIT_ANSWERS.values():
        app.action(action_id)(evidence.revisit_answer)
