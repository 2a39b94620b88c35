"""Export and forget: a person's data as a file, or gone."""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.services import Services
from storage.personal_data import delete_rows, export_mentions, export_rows

EXPORT_FORMAT_VERSION = 1


@dataclass(frozen=True)
class Export:
    """A person's data, serialised."""

    filename: str
    content: bytes
    row_count: int


def export_user(services: Services, *, team_id: str, user_id: str) -> Export:
    """All of `user_id`'s rows in `team_id` as pretty JSON."""
    now = services.clock.now()
    with services.db.session() as session:
        tables = export_rows(session, team_id=team_id, user_id=user_id)
        mentions = export_mentions(session, team_id=team_id, user_id=user_id)
    document = {
        "format": "transition-coach-export",
        "version": EXPORT_FORMAT_VERSION,
        "exported_at": now.isoformat(),
        "team_id": team_id,
        "user_id": user_id,
        "tables": tables,
        # What names them in others' rows (a cohort they created): unnamed by forget.
        "named_in": mentions,
    }
    content = json.dumps(document, indent=2, ensure_ascii=False).encode()
    return Export(
        filename=f"transition-coach-export-{now:%Y-%m-%d}.json",
        content=content,
        row_count=sum(len(rows) for rows in tables.values()),
    )


def forget_user(services: Services, *, team_id: str, user_id: str) -> int:
    """Delete every row about `user_id` in `team_id`; returns how many rows went."""
    with services.db.session() as session:
        counts = delete_rows(session, team_id=team_id, user_id=user_id)
    return sum(counts.values())
