"""The coach's export: counts per cohort, program and week, as CSV or JSON; never entry text.

A row per (cohort, program, week) over the last EXPORT_WEEKS weeks (weeks run Monday to
Monday, UTC): members who logged anything, entries by kind, deliverables marked done. Members
who joined on their own are the "(no cohort)" rows.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from bot.kinds import ENTRY_KINDS
from bot.progress import week_start
from bot.services import Services
from storage import coach_counts, cohorts

EXPORT_WEEKS = 26
SOLO = "(no cohort)"


@dataclass(frozen=True)
class CoachExport:
    """The file to upload and how many rows it holds."""

    content: str
    filename: str
    rows: int


def export_rows(services: Services, *, team_id: str) -> list[dict[str, object]]:
    """The export's rows, oldest week first, then by cohort and program."""
    now = services.clock.now()
    monday = datetime.combine(week_start(now.astimezone(UTC).date()), time(0), tzinfo=UTC)
    edges = [monday - timedelta(weeks=EXPORT_WEEKS - 1 - i) for i in range(EXPORT_WEEKS + 1)]
    with services.db.session() as session:
        counts = coach_counts.weekly_counts(session, team_id=team_id, edges=edges)
        names = {c.id: c.name for c in cohorts.in_team(session, team_id=team_id)}
    rows: list[dict[str, object]] = []
    for (cohort_id, program_id, i), found in sorted(
        counts.items(), key=lambda kv: (kv[0][2], kv[0][0] or 0, kv[0][1])
    ):
        row: dict[str, object] = {
            "week_start": edges[i].date().isoformat(),
            "cohort_id": cohort_id if cohort_id is not None else "",
            "cohort": names.get(cohort_id, SOLO) if cohort_id is not None else SOLO,
            "program": program_id,
            "members_who_logged": found.get("authors", 0),
            "deliverables_done": found.get("deliverables_done", 0),
        }
        row.update({f"entries_{kind}": found.get(kind, 0) for kind in ENTRY_KINDS})
        rows.append(row)
    return rows


def coach_export(services: Services, *, team_id: str, fmt: str) -> CoachExport:
    """The export as a CSV (default) or JSON file."""
    rows = export_rows(services, team_id=team_id)
    stamp = f"{services.clock.now():%Y-%m-%d}"
    if fmt == "json":
        content = json.dumps({"weeks": EXPORT_WEEKS, "rows": rows}, indent=2)
        return CoachExport(content, f"transition-coach-counts-{stamp}.json", len(rows))
    out = io.StringIO()
    columns = [
        "week_start", "cohort_id", "cohort", "program", "members_who_logged",
        "deliverables_done", *(f"entries_{kind}" for kind in ENTRY_KINDS),
    ]  # fmt: skip
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return CoachExport(out.getvalue(), f"transition-coach-counts-{stamp}.csv", len(rows))
