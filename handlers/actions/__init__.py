"""Button listeners."""

from __future__ import annotations

import re

from slack_bolt import App

from bot.blocks import ids
from handlers.actions import (
    admin,
    checklists,
    cohort,
    deliverables,
    evidence,
    forget,
    leave,
    open_modals,
    portfolio,
    rhythm,
    sharing,
    snooze,
)
from handlers.listener import wire


def register(app: App) -> None:
    """Register every action."""
    app.action(ids.OPEN_JOURNAL)(wire(open_modals.open_journal))
    app.action(ids.OPEN_JOIN)(wire(open_modals.open_join))
    app.action(ids.SWITCH_PROGRAM)(wire(open_modals.switch_program))
    app.action(ids.OPEN_KIND_FORM_ANY)(wire(open_modals.open_kind_form))
    app.action(ids.FORGET_CONFIRM)(wire(forget.confirm))
    app.action(ids.FORGET_CANCEL)(wire(forget.cancel))
    app.action(ids.LEAVE_CONFIRM)(wire(leave.confirm))
    app.action(ids.LEAVE_CANCEL)(wire(leave.cancel))
    app.action(ids.RHYTHM_DAY)(wire(rhythm.choose_day))
    app.action(ids.RHYTHM_HOUR)(wire(rhythm.choose_hour))
    app.action(ids.AWAY_DATE)(wire(rhythm.choose_away))
    app.action(ids.BACK_NOW)(wire(rhythm.back_now))
    app.action(ids.OPEN_PORTFOLIO)(wire(portfolio.open_portfolio))
    app.action(ids.OPEN_SKILLS)(wire(open_modals.open_skills))
    app.action(ids.MARK_DELIVERABLE_DONE)(wire(deliverables.open_mark_done))
    app.action(ids.SNOOZE_PROMPT)(wire(snooze.snooze_prompt))
    app.action(ids.CHECKLIST_ITEM)(wire(checklists.tick_item))
    app.action(ids.SHARE_PROGRESS_TOGGLE)(wire(sharing.toggle_sharing))
    app.action(ids.COHORT_JOIN)(wire(cohort.join_cohort_button))
    app.action(ids.ADMIN_CHANNEL_SELECT)(wire(admin.channel_selected))
    app.action(ids.ADMIN_PROMPT_DAY)(wire(admin.day_selected))
    app.action(ids.ADMIN_PROMPT_HOUR)(wire(admin.hour_selected))
    app.action(ids.ADMIN_ADD_SELECT)(wire(admin.admin_selected))
    app.action(ids.OPEN_COHORT_FORM)(wire(admin.open_cohort_form))
    app.action(re.compile(f"^{ids.ADMIN_PREVIEW}:"))(wire(admin.preview_week))
    app.action(ids.LOG_EVIDENCE_SELECT)(wire(evidence.log_evidence_select))
    app.action(ids.ENTRY_EDIT)(wire(evidence.edit_entry))
    app.action(ids.ENTRY_KIND)(wire(evidence.change_entry_kind))
    app.action(ids.SHIP_EDIT)(wire(evidence.edit_entry))
    app.action(ids.ENTRY_DELETE)(wire(evidence.delete_entry_action))
    app.action(ids.SHIP_DELETE)(wire(evidence.delete_entry_action))
    app.action(ids.SHIP_FOLLOWUP_OPEN)(wire(evidence.open_followup))
    for action_id in ids.REVISIT_ANSWERS.values():
        app.action(action_id)(wire(evidence.revisit_answer))
