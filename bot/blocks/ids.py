"""Every callback, block and action id the app uses, in one place."""

from __future__ import annotations

import re
from typing import Final

COMMAND: Final = "/transition"

# Modals (callback ids)
JOIN_VIEW: Final = "join_submit"
JOURNAL_VIEW: Final = "journal_submit"

# Join modal inputs: (block_id, action_id)
JOIN_PROGRAM: Final = ("join_program", "program")
JOIN_BACKGROUND: Final = ("join_background", "background")
JOIN_START: Final = ("join_start", "start_date")
JOIN_TIMEZONE_NOTE: Final = "join_timezone"

# Journal modal inputs: (block_id, action_id)
JOURNAL_DECISION: Final = ("journal_decision", "decision")
JOURNAL_WHO: Final = ("journal_who", "who")
JOURNAL_DATA: Final = ("journal_data", "data")
JOURNAL_ALTERNATIVE: Final = ("journal_alternative", "alternative")

# Buttons
OPEN_JOURNAL: Final = "open_journal"
OPEN_JOIN: Final = "open_join"
SWITCH_PROGRAM: Final = "switch_program"  # opens the join form to start another program
OPEN_KIND_FORM: Final = "open_kind_form"  # value: the kind
# Several kind buttons in one actions block need distinct action ids (Slack refuses
# duplicates): open_kind_form:<kind>, all answered by the same listener.
OPEN_KIND_FORM_ANY: Final = re.compile(r"^open_kind_form(:[a-z_]+)?$")

# Forget (delete all my data)
FORGET_CONFIRM: Final = "forget_confirm"
FORGET_CANCEL: Final = "forget_cancel"
LEAVE_CONFIRM: Final = "leave_confirm"
LEAVE_CANCEL: Final = "leave_cancel"

# Skills self-assessment
SKILLS_VIEW: Final = "skills_submit"
OPEN_SKILLS: Final = "open_skills"

# The weekly prompt's buttons and the mark-done modal
PROMPT_ACTIONS: Final = "prompt_actions"
MARK_DELIVERABLE_DONE: Final = "mark_deliverable_done"
SNOOZE_PROMPT: Final = "snooze_prompt"
# The weekly prompt's checklist: one section per activity (block id checklist_<ref>#<index>)
CHECKLIST_BLOCK: Final = "checklist_"
CHECKLIST_ITEM: Final = "checklist_item"
DELIVERABLE_VIEW: Final = "deliverable_submit"
DELIVERABLE_EVIDENCE: Final = ("deliverable_evidence", "evidence")
DELIVERABLE_ANYWAY: Final = ("deliverable_anyway", "anyway")  # shown only while not met

# Evidence: one modal for every kind (the kind travels in private_metadata)
EVIDENCE_VIEW: Final = "evidence_submit"
EVIDENCE_BLOCK_PREFIX: Final = "ev_"
LOG_EVIDENCE_BLOCK: Final = "log_evidence"
LOG_EVIDENCE_SELECT: Final = "log_evidence_kind"

# Ship posts
SHIP_VIEW: Final = "ship_submit"
SHIP_EDIT: Final = "ship_edit"
SHIP_DELETE: Final = "ship_delete"
SHIP_FOLLOWUP_OPEN: Final = "ship_followup_open"
SHIP_FOLLOWUP_VIEW: Final = "ship_followup_submit"
FOLLOWUP_AFTER: Final = ("followup_after", "after")
FOLLOWUP_NOTE: Final = ("followup_note", "note")

# The message shortcut (manifest: features.shortcuts)
SAVE_MESSAGE_SHORTCUT: Final = "save_to_journal"

# Private entries list
ENTRY_EDIT: Final = "entry_edit"
ENTRY_DELETE: Final = "entry_delete"
# Under a one-line entry: its kind menu (option values "<entry id>:<kind>")
ENTRY_KIND: Final = "entry_kind"
QUICK_ENTRY_BLOCK: Final = "quick_entry_"

# Decision revisit
# One action id per answer (ids must be unique within a block); value "<entry id>:<answer>"
REVISIT_ANSWERS: Final = {a: f"revisit_{a}" for a in ("worked", "didnt", "too_early")}
REVISIT_VIEW: Final = "revisit_submit"
REVISIT_NOTE: Final = ("revisit_note", "note")

# A member's own rhythm (Home tab and `/transition prompts`): prompt day and hour, away.
RHYTHM_BLOCK: Final = "rhythm_actions"
RHYTHM_DAY: Final = "rhythm_day"  # static select, value: 0..6 or "default"
RHYTHM_HOUR: Final = "rhythm_hour"  # static select, value: 0..23 or "default"
AWAY_DATE: Final = "away_date"  # datepicker: away until the picked date
BACK_NOW: Final = "back_now"  # resume before the away date
# The completion message's buttons.
COMPLETION_ACTIONS: Final = "completion_actions"
OPEN_PORTFOLIO: Final = "open_portfolio"

# Sharing progress with the coach (off by default): Home's toggle, the join form's checkbox
SHARE_PROGRESS_TOGGLE: Final = "share_progress_toggle"  # value: "on" | "off"
JOIN_SHARE: Final = ("join_share", "share")

# Cohorts: the intro post's Join button (value: the cohort id), the join form's catch-up choice
COHORT_ACTIONS: Final = "cohort_actions"
COHORT_JOIN: Final = "cohort_join"
JOIN_CATCH_UP: Final = ("join_catch_up", "catch_up")

# The admin's controls (Home tab, the install checklist DM): select menus and buttons
ADMIN_CHANNEL_SELECT: Final = "admin_channel_select"  # conversations_select: team channel
ADMIN_ADD_SELECT: Final = "admin_add_select"  # users_select: name a bot admin
ADMIN_PROMPT_DAY: Final = "admin_prompt_day"  # static_select: weekday
ADMIN_PROMPT_HOUR: Final = "admin_prompt_hour"  # static_select: hour
OPEN_COHORT_FORM: Final = "open_cohort_form"
ADMIN_PREVIEW: Final = "admin_preview"  # + ":<program id>"; value: the program id
COHORT_VIEW: Final = "cohort_submit"
COHORT_NAME: Final = ("cohort_name", "name")
COHORT_PROGRAM: Final = ("cohort_program", "program")
COHORT_START: Final = ("cohort_start", "start")
COHORT_CHANNEL: Final = ("cohort_channel", "channel")
