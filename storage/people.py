"""A batch of people, (team, user) pairs, handed to SQL as one parameter and joined there.

Rendering a round of scheduled messages reads a few things about everyone in it. Read a
workspace at a time, with an IN list of its members, that was four statements per workspace
per round, each compiled anew for its list's length: 400 statements, half a second, for
2,000 prompts over 100 workspaces (bench.fanout, PostgreSQL). Joined to one list of pairs
it is one statement per thing read, and its SQL is the same whatever the batch's size.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import Any

from sqlalchemy import TextClause, text
from sqlmodel import Session

Person = tuple[str, str]  # (team_id, user_id)
# Builds a statement's SQL from (people_join, dialect): people_join is what goes between FROM
# and the table joined to the list, which `joined` then writes with its ON clause:
# `"SELECT e.kind FROM " + people_join + joined("entry", "e") + " WHERE ..."`.
Build = Callable[[str, str], str]


def _people_join(dialect: str) -> str:
    """The list as a FROM item named `people` (columns team_id and user_id), then the join
    keyword. On SQLite that is CROSS JOIN, which keeps the list the outer loop: with a plain
    JOIN it scanned every active participant for each pair (8 s for a round of 2,000)."""
    if dialect == "postgresql":
        return (
            "unnest(CAST(:teams AS text[]), CAST(:users AS text[])) AS people(team_id, user_id)"
            " JOIN"
        )
    return (
        "(SELECT json_extract(value, '$[0]') AS team_id, json_extract(value, '$[1]') AS user_id"
        " FROM json_each(:people)) AS people CROSS JOIN"
    )


def joined(table: str, alias: str, hint: str = "") -> str:
    """The table joined to the list by each pair, what a Build puts after `people_join`
    (`hint`: SQLite's INDEXED BY clause, if any)."""
    on = f"{alias}.team_id = people.team_id AND {alias}.user_id = people.user_id"
    return f" {table} AS {alias}{hint} ON {on}"


@cache
def _statement(build: Build, dialect: str) -> TextClause:
    return text(build(_people_join(dialect), dialect))


def _values(dialect: str, people: Sequence[Person]) -> dict[str, Any]:
    if dialect == "postgresql":
        return {"teams": [team for team, _ in people], "users": [user for _, user in people]}
    return {"people": json.dumps(people)}


def rows_for(session: Session, build: Build, people: Iterable[Person]) -> Sequence[Any]:
    """Run the statement `build` makes (a module-level function, so it is rendered once per
    dialect) for these people, each counted once; no people, no statement."""
    listed = sorted(set(people))
    if not listed:
        return []
    dialect = session.get_bind().dialect.name
    return session.execute(_statement(build, dialect), _values(dialect, listed)).all()
