"""Logging decision-journal entries and evidence."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from bot.kinds import ENTRY_KINDS
from bot.progress import local_date, program_week
from bot.services import Services
from storage import entries, participants
from storage.entries import StoredEntry
from storage.models import Entry


@dataclass(frozen=True)
class LogOutcome:
    """What happened when someone logged an entry."""

    stored: StoredEntry  # the new entry, or the author's earlier one for a replay
    created: bool
    enrolled: bool

    @cached_property
    def entry(self) -> Entry:
        """The entry as an ORM object, built only for code that wants one (ship posts):
        building it costs more than storing it."""
        return self.stored.as_model()


def log_entry(
    services: Services,
    *,
    team_id: str,
    user_id: str,
    kind: str,
    text: str,
    fields: dict[str, Any] | None = None,
    client_key: str | None = None,
) -> LogOutcome:
    """Store an entry at once, enrolled or not: nothing typed is lost."""
    if kind not in ENTRY_KINDS:
        raise ValueError(f"unknown entry kind {kind!r}")
    if not text.strip():
        raise ValueError("an entry needs text")
    now = services.clock.now()
    # Two Core statements, no ORM session: one indexed read (the enrolment, and whether the
    # workspace has its row) and the INSERT, the only write (SQLite: under the in-process
    # write lock, storage/db.py). A team's first request also writes its workspace row.
    with services.db.write() as connection:
        enrolment = participants.get_enrolment_noting_workspace(
            connection, team_id=team_id, user_id=user_id, now=now
        )
        week = None
        if enrolment is not None and enrolment.status != "left":
            week = program_week(enrolment.start_date, local_date(now, enrolment.timezone))
            week = week if week >= 1 else None  # logged before week 1 starts
        stored, created = entries.add_entry(
            connection,
            team_id=team_id,
            user_id=user_id,
            kind=kind,
            text=text,
            fields=fields or {},
            program_week=week,
            client_key=client_key,
            now=now,
        )
    return LogOutcome(stored=stored, created=created, enrolled=enrolment is not None)
