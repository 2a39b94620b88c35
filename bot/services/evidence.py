"""Logging evidence of every kind (with its score and coaching), and managing one's entries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from bot.coaching import Suggestion, feedback
from bot.evidence import summary_text
from bot.scoring import Score, score_proposal
from bot.services import Services
from bot.services.journal import LogOutcome, log_entry
from storage import entries
from storage.models import Entry

SHIP_EDIT_WINDOW = timedelta(hours=24)
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
    )
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
    kept = {
        k: v
        for k, v in entry.fields.items()
        if k in ("followup", "revisit", "posted_to", "fallback")
    }
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
