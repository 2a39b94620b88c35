"""Logging decision-journal entries and evidence."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from bot.kinds import ENTRY_KINDS
from bot.progress import local_date, program_week
from bot.services import Services
from bot.services.checkins import revisit_item
from storage import entry_writes
from storage.due_items import Planned
from storage.entries import StoredEntry
from storage.entry_writes import EntryDraft
from storage.models import Entry
from storage.participants import EnrolmentInWorkspace


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
    A new decision and its revisit are written together, or neither is."""
    if kind not in ENTRY_KINDS:
        raise ValueError(f"unknown entry kind {kind!r}")
    if not text.strip():
        raise ValueError("an entry needs text")
    now = services.clock.now()

    def draft(found: EnrolmentInWorkspace) -> EntryDraft:
        enrolment = found.enrolment
        filed: int | None = None
        if enrolment is not None and enrolment.status != "left":
            filed = week
            if filed is None:
                filed = program_week(enrolment.start_date, local_date(now, enrolment.timezone))
            filed = filed if filed >= 1 else None  # logged before week 1 starts
        return EntryDraft(kind, text, fields or {}, filed, client_key)

    def revisit(stored: StoredEntry, found: EnrolmentInWorkspace) -> Planned | None:
        if kind != "decision":
            return None
        if found.enrolment is not None and found.enrolment.status == "left":
            return None  # they asked for nothing more to be sent
        timezone = found.enrolment.timezone if found.enrolment is not None else "UTC"
        return revisit_item(
            stored, timezone=timezone, hour=found.prompt_hour, days=found.revisit_days
        )

    # No ORM session: the enrolment read, the INSERT and a new decision's revisit, written
    # in as few round trips as the database allows (storage/entry_writes.py).
    logged = entry_writes.log_entry(
        services.db, team_id=team_id, user_id=user_id, now=now, draft=draft, revisit=revisit
    )
    return LogOutcome(
        stored=logged.stored, created=logged.created, enrolled=logged.found.enrolment is not None
    )
