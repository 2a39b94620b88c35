"""Logging decision-journal entries and evidence."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy.engine import Connection

from bot.kinds import ENTRY_KINDS
from bot.progress import local_date, program_week
from bot.services import Services
from bot.services.checkins import revisit_item
from storage import due_items, entries, participants
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
    week: int | None = None,
) -> LogOutcome:
    """Store an entry at once, enrolled or not: nothing typed is lost. `week` files it under
    that program week (a reply in a weekly prompt's thread) instead of the current one.
    A new decision is planned for its revisit in the same transaction."""
    if kind not in ENTRY_KINDS:
        raise ValueError(f"unknown entry kind {kind!r}")
    if not text.strip():
        raise ValueError("an entry needs text")
    now = services.clock.now()

    # Core statements, no ORM session: one indexed read (the enrolment and its workspace's
    # settings, noting the workspace when it has no row) and the INSERT (SQLite: under the
    # in-process write lock, storage/db.py); a new decision adds its revisit to the queue.
    # Run again on a fresh connection if the database dropped the one it had (run_write).
    def store(connection: Connection) -> LogOutcome:
        found = participants.get_enrolment_noting_workspace(
            connection, team_id=team_id, user_id=user_id, now=now
        )
        enrolment = found.enrolment
        filed: int | None = None
        if enrolment is not None and enrolment.status != "left":
            filed = week
            if filed is None:
                filed = program_week(enrolment.start_date, local_date(now, enrolment.timezone))
            filed = filed if filed >= 1 else None  # logged before week 1 starts
        stored, created = entries.add_entry(
            connection,
            team_id=team_id,
            user_id=user_id,
            kind=kind,
            text=text,
            fields=fields or {},
            program_week=filed,
            client_key=client_key,
            now=now,
        )
        if created and kind == "decision":
            timezone = enrolment.timezone if enrolment is not None else "UTC"
            item = revisit_item(
                stored, timezone=timezone, hour=found.prompt_hour, days=found.revisit_days
            )
            due_items.plan(connection, [item], now=now)
        return LogOutcome(stored=stored, created=created, enrolled=enrolment is not None)

    return services.db.run_write(store)
