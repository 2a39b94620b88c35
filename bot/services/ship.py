"""Ship posts: stored first, then published; where they go and what happens a week later."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.services import Services
from bot.services.checkins import plan_followup
from storage import entries, workspaces
from storage.models import Entry


def team_channel(services: Services, *, team_id: str) -> str | None:
    """The channel ship posts go to, or None when no admin has set one."""
    with services.db.session() as session:
        workspace = workspaces.get_workspace(session, team_id=team_id)
    return workspace.team_channel_id if workspace else None


def record_post(
    services: Services,
    *,
    entry: Entry,
    channel_id: str,
    ts: str,
    posted_to: str,
    fallback: str | None = None,
    permalink: str | None = None,
) -> None:
    """Remember where the post went ("team" channel or the author's "dm"), and plan the
    one-week follow-up."""
    with services.db.session() as session:
        entries.set_post(
            session, team_id=entry.team_id, entry_id=entry.id or 0, channel_id=channel_id, ts=ts
        )
        extra: dict[str, Any] = {"posted_to": posted_to}
        if fallback:
            extra["fallback"] = fallback
        if permalink:
            extra["permalink"] = permalink
        stored = entries.merge_fields(
            session, team_id=entry.team_id, entry_id=entry.id or 0, extra=extra
        )
        if stored is not None:
            plan_followup(session, entry=stored, now=services.clock.now())


def add_answer(
    services: Services, *, entry: Entry, key: str, answer: dict[str, Any], now: datetime
) -> Entry:
    """Store a follow-up ("followup") or revisit ("revisit") answer with the entry."""
    with services.db.session() as session:
        stored = entries.get_entry(session, team_id=entry.team_id, entry_id=entry.id or 0)
        if stored is None:
            raise LookupError("entry is gone")
        found = stored.fields.get(key)
        previous: dict[str, Any] = found if isinstance(found, dict) else {}
        stored.fields = {
            **stored.fields,
            key: {**previous, **answer, "answered_at": now.isoformat()},
        }
        session.add(stored)
    return stored
