"""The counts a coach sees (digest, export): grouped in SQL, never an entry's words.

Every query here reads either the workspace's enrollments (one small row per member) or a
bounded window of entries through the (team_id, created_at, ...) index: nothing grows with
the number of entries a workspace has logged over its life.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import Table, case, func
from sqlalchemy import select as core_select
from sqlmodel import Session

from storage.models import DeliverableDone, Entry, Participant

_P: Table = Participant.__table__  # type: ignore[attr-defined]
_E: Table = Entry.__table__  # type: ignore[attr-defined]
_D: Table = DeliverableDone.__table__  # type: ignore[attr-defined]
# The statuses a coach counts: members who left, or whose DM is unreachable, are not theirs.
COUNTED = ("active", "paused")


class Member(NamedTuple):
    """What the digest needs about one member: never their entries."""

    user_id: str
    program_id: str
    start_date: date
    timezone: str
    status: str
    share_progress: bool


def members(session: Session, *, team_id: str, cohort_id: int | None = None) -> list[Member]:
    """The workspace's (or one cohort's) active and paused members (one short row each)."""
    query = core_select(
        _P.c.user_id,
        _P.c.program_id,
        _P.c.start_date,
        _P.c.timezone,
        _P.c.status,
        _P.c.share_progress,
    ).where(_P.c.team_id == team_id, _P.c.status.in_(COUNTED))
    if cohort_id is not None:
        query = query.where(_P.c.cohort_id == cohort_id)
    return [Member(*row) for row in session.execute(query).all()]


def _authored() -> object:
    """Entries joined to their author's counted enrollment (for per-program counts)."""
    return _E.join(
        _P,
        (_P.c.team_id == _E.c.team_id) & (_P.c.user_id == _E.c.user_id) & _P.c.status.in_(COUNTED),
    )


def counts_by_program_kind(
    session: Session,
    *,
    team_id: str,
    since: datetime,
    until: datetime,
    cohort_id: int | None = None,
) -> dict[tuple[str, str], int]:
    """(program, kind) -> entries logged in [since, until) by members of that program."""
    query = (
        core_select(_P.c.program_id, _E.c.kind, func.count())
        .select_from(_authored())  # type: ignore[arg-type]
        .where(_E.c.team_id == team_id, _E.c.created_at >= since, _E.c.created_at < until)
        .group_by(_P.c.program_id, _E.c.kind)
    )
    if cohort_id is not None:
        query = query.where(_P.c.cohort_id == cohort_id)
    rows = session.execute(query).all()
    return {(program, kind): int(n) for program, kind, n in rows}


def authors_by_window(
    session: Session, *, team_id: str, edges: list[datetime]
) -> set[tuple[int, str]]:
    """(i, user) for each member who logged anything in [edges[i], edges[i+1]).

    `edges` ascend; one query whatever their number, reading only the index entries between
    the first and the last edge; at most a row per member and window.
    """
    if len(edges) < 2:
        return set()
    window = case(
        *((_E.c.created_at < edges[i + 1], i) for i in range(len(edges) - 1)),
        else_=len(edges) - 1,
    )
    rows = session.execute(
        core_select(window, _E.c.user_id)
        .where(_E.c.team_id == team_id, _E.c.created_at >= edges[0], _E.c.created_at < edges[-1])
        .group_by(window, _E.c.user_id)
    ).all()
    return {(int(i), user) for i, user in rows}


def recent_activity(
    session: Session, *, team_id: str, since: datetime, recent: datetime, until: datetime
) -> dict[str, tuple[bool, set[int]]]:
    """user -> (whether they logged anything in [recent, until), the program weeks their
    entries of [since, until) are filed under). At most a row per member and week, and no
    timestamps to convert: flags and week numbers only."""
    logged_recently = func.max(case((_E.c.created_at >= recent, 1), else_=0))
    rows = session.execute(
        core_select(_E.c.user_id, _E.c.program_week, logged_recently)
        .where(_E.c.team_id == team_id, _E.c.created_at >= since, _E.c.created_at < until)
        .group_by(_E.c.user_id, _E.c.program_week)
    ).all()
    found: dict[str, tuple[bool, set[int]]] = {}
    for user, week, flag in rows:
        before, weeks = found.get(user, (False, set()))
        if week is not None:
            weeks.add(int(week))
        found[user] = (before or bool(flag), weeks)
    return found


def done_by_program(
    session: Session,
    *,
    team_id: str,
    since: datetime,
    until: datetime,
    cohort_id: int | None = None,
) -> dict[str, tuple[int, int]]:
    """program -> (deliverables marked done in [since, until), in all)."""
    in_window = func.sum(case(((_D.c.done_at >= since) & (_D.c.done_at < until), 1), else_=0))
    query = (
        core_select(_D.c.program_id, in_window, func.count())
        .where(_D.c.team_id == team_id)
        .group_by(_D.c.program_id)
    )
    if cohort_id is not None:  # only the cohort's members' deliverables
        query = query.join(
            _P, (_P.c.team_id == _D.c.team_id) & (_P.c.user_id == _D.c.user_id)
        ).where(_P.c.cohort_id == cohort_id)
    rows = session.execute(query).all()
    return {program: (int(window or 0), int(n)) for program, window, n in rows}


def done_phases(session: Session, *, team_id: str) -> set[tuple[str, str, str]]:
    """(user, program, phase key) of every deliverable the workspace's members marked done
    (a few rows per member)."""
    rows = session.execute(
        core_select(_D.c.user_id, _D.c.program_id, _D.c.phase_key).where(_D.c.team_id == team_id)
    ).all()
    return {(u, p, k) for u, p, k in rows}


def weekly_counts(
    session: Session, *, team_id: str, edges: list[datetime]
) -> dict[tuple[int | None, str, int], dict[str, int]]:
    """(cohort or None, program, window i) -> {"authors": n, kind: entries, ...} for entries
    in [edges[i], edges[i+1]) by the workspace's active and paused members. One grouped query
    over the window's index range."""
    if len(edges) < 2:
        return {}
    window = case(
        *((_E.c.created_at < edges[i + 1], i) for i in range(len(edges) - 1)),
        else_=len(edges) - 1,
    )
    where = (_E.c.team_id == team_id, _E.c.created_at >= edges[0], _E.c.created_at < edges[-1])
    found: dict[tuple[int | None, str, int], dict[str, int]] = {}
    by_kind = session.execute(
        core_select(_P.c.cohort_id, _P.c.program_id, window, _E.c.kind, func.count())
        .select_from(_authored())  # type: ignore[arg-type]
        .where(*where)
        .group_by(_P.c.cohort_id, _P.c.program_id, window, _E.c.kind)
    ).all()
    for cohort, program, i, kind, n in by_kind:
        found.setdefault((cohort, program, int(i)), {})[kind] = int(n)
    authors = session.execute(
        core_select(
            _P.c.cohort_id, _P.c.program_id, window, func.count(func.distinct(_E.c.user_id))
        )
        .select_from(_authored())  # type: ignore[arg-type]
        .where(*where)
        .group_by(_P.c.cohort_id, _P.c.program_id, window)
    ).all()
    for cohort, program, i, n in authors:
        found.setdefault((cohort, program, int(i)), {})["authors"] = int(n)
    done_window = case(
        *((_D.c.done_at < edges[i + 1], i) for i in range(len(edges) - 1)),
        else_=len(edges) - 1,
    )
    done = session.execute(
        core_select(_P.c.cohort_id, _P.c.program_id, done_window, func.count())
        .select_from(
            _D.join(
                _P,
                (_P.c.team_id == _D.c.team_id)
                & (_P.c.user_id == _D.c.user_id)
                & _P.c.status.in_(COUNTED),
            )
        )
        .where(_D.c.team_id == team_id, _D.c.done_at >= edges[0], _D.c.done_at < edges[-1])
        .group_by(_P.c.cohort_id, _P.c.program_id, done_window)
    ).all()
    for cohort, program, i, n in done:
        found.setdefault((cohort, program, int(i)), {})["deliverables_done"] = int(n)
    return found
