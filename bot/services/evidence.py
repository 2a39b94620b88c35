"""Logging evidence of every kind (with its score and coaching), and managing one's entries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from bot.coaching import Suggestion, feedback
from bot.evidence import LOGGABLE, SPECS, quick_fields, summary_text
from bot.scoring import Score, ScoreError, score_proposal
from bot.services import Services
from bot.services.checkins import plan_revisit
from bot.services.journal import LogOutcome, log_entry
from storage import entries, participants
from storage.entries import StoredEntry
from storage.models import Entry

SHIP_EDIT_WINDOW = timedelta(hours=24)
# What an entry holds beside its form's fields, kept when the form is saved again: answers to
# check-ins, where a ship post went, and where a saved Slack message came from.
KEPT_ON_EDIT = ("followup", "revisit", "posted_to", "fallback")
SOURCE_KEYS = ("permalink", "source_channel", "source_ts", "source_user")
RECENT_LIMIT = 10


@dataclass(frozen=True)
class EvidenceOutcome:
    """A stored entry with the feedback to show under its confirmation."""

    logged: LogOutcome
    suggestions: list[Suggestion] = field(default_factory=list)
    scores: list[Score] = field(default_factory=list)


def prepare(kind: str, fields: dict[str, Any]) -> tuple[dict[str, Any], list[Score]]:
    """Clean the fields and compute scores; raises ScoreError for a bad score input."""
    clean = {k: v for k, v in fields.items() if v not in (None, "", False)}
    scores = score_proposal(clean) if kind == "proposal" else []
    if scores:
        clean["scores"] = {s.method: round(s.value, 4) for s in scores}
    return clean, scores


def log_evidence(
    services: Services,
    *,
    team_id: str,
    user_id: str,
    kind: str,
    fields: dict[str, Any],
    client_key: str | None = None,
    week: int | None = None,
) -> EvidenceOutcome:
    """Store one entry of `kind` (one-line summary + structured fields), then coach on it."""
    clean, scores = prepare(kind, fields)
    logged = log_entry(
        services,
        team_id=team_id,
        user_id=user_id,
        kind=kind,
        text=summary_text(kind, clean),
        fields=clean,
        client_key=client_key,
        week=week,
    )
    if not logged.created:
        # A replay: the coaching is about what was stored then (its kind, its fields, any
        # edit since), not about the request that repeated it.
        stored = logged.stored
        try:
            kept, scores = prepare(stored.kind, dict(stored.fields))
        except ScoreError:  # scored by rules since changed: say nothing of scores
            kept, scores = dict(stored.fields), []
        return EvidenceOutcome(logged, feedback(stored.kind, kept), scores)
    return EvidenceOutcome(logged, feedback(kind, clean), scores)


def is_quick(entry: Entry) -> bool:
    """Logged from one line (a command, a DM, a saved message): its kind can still change
    without losing anything, since all it holds is that line and where it came from."""
    if entry.kind not in LOGGABLE:
        return False
    own = set(entry.fields) - set(SOURCE_KEYS) - set(KEPT_ON_EDIT)
    return own <= {SPECS[entry.kind].quick_field}


def change_kind(services: Services, *, entry: Entry, kind: str) -> EvidenceOutcome | None:
    """File a one-line entry as another kind, every word kept; None when it is no longer a
    one-line entry (it was filled in with the full form since) or `kind` is not loggable."""
    if kind not in LOGGABLE or not is_quick(entry):
        return None
    line = entry.fields.get(SPECS[entry.kind].quick_field)
    text = line if isinstance(line, str) and line.strip() else entry.text
    kept = {k: v for k, v in entry.fields.items() if k in SOURCE_KEYS or k in KEPT_ON_EDIT}
    clean, scores = prepare(kind, quick_fields(kind, text))
    now = services.clock.now()
    with services.db.session() as session:
        updated = entries.update_entry(
            session,
            team_id=entry.team_id,
            entry_id=entry.id or 0,
            text=summary_text(kind, clean),
            fields={**clean, **kept},
            kind=kind,
        )
        if updated is None:
            return None
        if kind == "decision":  # a revisit for a decision that stops being one is dropped
            plan_revisit(session, entry=updated, now=now)  # when it comes due
        enrolled = participants.get_participant(
            session, team_id=entry.team_id, user_id=entry.user_id
        )
    logged = LogOutcome(stored=StoredEntry.of(updated), created=True, enrolled=enrolled is not None)
    return EvidenceOutcome(logged, feedback(kind, clean), scores)


def own_entry(services: Services, *, team_id: str, user_id: str, entry_id: int) -> Entry | None:
    """An entry, only when `user_id` wrote it in `team_id` (private means private)."""
    with services.db.session() as session:
        entry = entries.get_entry(session, team_id=team_id, entry_id=entry_id)
    return entry if entry is not None and entry.user_id == user_id else None


def can_change(services: Services, entry: Entry) -> bool:
    """Private entries can change any time; a published ship post only within 24 hours."""
    if entry.kind != "ship" or entry.post_ts is None:
        return True
    return services.clock.now() - entry.created_at <= SHIP_EDIT_WINDOW


def edit_entry(
    services: Services, *, entry: Entry, fields: dict[str, Any]
) -> tuple[Entry, list[Suggestion], list[Score]]:
    """Replace an entry's fields (keeping follow-up answers stored alongside)."""
    clean, scores = prepare(entry.kind, fields)
    kept = {k: v for k, v in entry.fields.items() if k in KEPT_ON_EDIT or k in SOURCE_KEYS}
    merged = {**clean, **kept}
    with services.db.session() as session:
        updated = entries.update_entry(
            session,
            team_id=entry.team_id,
            entry_id=entry.id or 0,
            text=summary_text(entry.kind, clean),
            fields=merged,
        )
    assert updated is not None
    return updated, feedback(entry.kind, clean), scores


def delete_entry(services: Services, *, entry: Entry) -> bool:
    """Delete an entry for good."""
    with services.db.session() as session:
        return entries.delete_entry(session, team_id=entry.team_id, entry_id=entry.id or 0)


def recent_entries(services: Services, *, team_id: str, user_id: str) -> list[Entry]:
    """A participant's last ten entries, newest first."""
    with services.db.session() as session:
        return entries.list_entries(session, team_id=team_id, user_id=user_id, limit=RECENT_LIMIT)
