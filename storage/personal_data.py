"""Everything stored about one person in one workspace: found generically, table by table.

Any table with both `team_id` and `user_id` columns holds personal data; new tables are
covered by export and forget without touching this module.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Table, delete, select, update
from sqlmodel import Session, SQLModel

import storage.models  # noqa: F401  (registers every table on the metadata)


def personal_tables() -> list[Table]:
    """Tables that hold rows about a person, in a stable order."""
    return [
        table
        for name, table in sorted(SQLModel.metadata.tables.items())
        if "team_id" in table.columns and "user_id" in table.columns
    ]


def person_columns() -> list[tuple[Table, Column[Any]]]:
    """Columns besides `user_id` that name a person (storage.models.NAMES_A_PERSON)."""
    return [
        (table, column)
        for _, table in sorted(SQLModel.metadata.tables.items())
        if "team_id" in table.columns
        for column in table.columns
        if column.info.get("names_person")
    ]


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def export_rows(session: Session, *, team_id: str, user_id: str) -> dict[str, list[dict[str, Any]]]:
    """Every row about `user_id` in `team_id`, grouped by table, JSON-ready."""
    result: dict[str, list[dict[str, Any]]] = {}
    for table in personal_tables():
        query = select(table).where(table.c.team_id == team_id, table.c.user_id == user_id)
        rows = session.connection().execute(query).mappings().all()
        result[table.name] = [{k: _jsonable(v) for k, v in row.items()} for row in rows]
    return result


def export_mentions(
    session: Session, *, team_id: str, user_id: str
) -> dict[str, list[dict[str, Any]]]:
    """Rows that are not theirs but name them ("cohort.created_by": the cohorts they
    created), the rows forget leaves in place without their name."""
    result: dict[str, list[dict[str, Any]]] = {}
    for table, column in person_columns():
        query = select(table).where(table.c.team_id == team_id, column == user_id)
        rows = session.connection().execute(query).mappings().all()
        if rows:
            result[f"{table.name}.{column.name}"] = [
                {k: _jsonable(v) for k, v in row.items()} for row in rows
            ]
    return result


def delete_rows(session: Session, *, team_id: str, user_id: str) -> dict[str, int]:
    """Delete every row about `user_id` in `team_id` and blank the columns naming them in
    other rows; returns the count of deleted rows per table."""
    counts: dict[str, int] = {}
    for table in personal_tables():
        statement = delete(table).where(table.c.team_id == team_id, table.c.user_id == user_id)
        counts[table.name] = session.connection().execute(statement).rowcount or 0
    # Rows that are not theirs but name them (a cohort they created) stay, unnamed.
    for table, column in person_columns():
        session.connection().execute(
            update(table).where(table.c.team_id == team_id, column == user_id).values({column: ""})
        )
    return counts
