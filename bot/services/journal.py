"""Logging decision-journal entries and evidence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.kinds import ENTRY_KINDS
from bot.progress import local_date, program_week
from bot.services import Services
from bot.services.checkins import plan_revisit
from storage import entries, participants, workspaces
from storage.models import Entry


@dataclass(frozen=True)
class LogOutcome:
    """What happened when someone logged an entry."""

    entry: Entry
    created: bool
    enrolled: bool


def log_entry(
    services: Services,
    *,
    team_id: str,
    user_id: str,
    kind: str,
    text: str,
    fields: dict[str, Any] | None = None,
    client_key: str | None = None,
    week: int | None = None,
) -> LogOutcome:
    """Store an entry at once, enrolled or not: nothing typed is lost. `week` files it under
    that program week (a reply in a weekly prompt's thread) instead of the current one."""
    if kind not in ENTRY_KINDS:
        raise ValueError(f"unknown entry kind {kind!r}")
    if not text.strip():
        raise ValueError("an entry needs text")
    now = services.clock.now()
    with services.db.session() as session:
        workspaces.note_workspace(session, team_id=team_id, now=now)
        participant = participants.get_participant(session, team_id=team_id, user_id=user_id)
        if participant is not None and participant.status != "left":
            if week is None:
                week = program_week(participant.start_date, local_date(now, participant.timezone))
            week = week if week >= 1 else None  # logged before week 1 starts
        else:
            week = None
        entry, created = entries.add_entry(
            session,
            team_id=team_id,
            user_id=user_id,
            kind=kind,
            text=text,
            fields=fields or {},
            program_week=week,
            client_key=client_key,
            now=now,
        )
        if created and kind == "decision":
            plan_revisit(session, entry=entry, now=now)
    return LogOutcome(entry=entry, created=created, enrolled=participant is not None)
