"""Queries about enrollments."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Table, and_, bindparam, func, text, update
from sqlalchemy import select as core_select
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, select

from storage import workspaces
from storage.insert_once import insert_once
from storage.models import NOT_DUE, PLAN_NOW, Participant, Workspace
from storage.people import Person, joined, rows_for
from storage.prepared import Prepared
from storage.types import stored_form

P = Participant.__table__  # type: ignore[attr-defined]


def get_participant(session: Session, *, team_id: str, user_id: str) -> Participant | None:
    """The enrollment of `user_id` in `team_id`, whatever its status."""
    return session.exec(
        select(Participant).where(Participant.team_id == team_id, Participant.user_id == user_id)
    ).first()


class Enrolment(NamedTuple):
    """The few columns a member's program week is computed from."""

    start_date: date
    timezone: str
    status: str


_PARTICIPANT: Table = Participant.__table__  # type: ignore[attr-defined]  # set on table models
# Built once, run with parameters: see storage/insert_once.py on cache keys.
_ENROLMENT = core_select(
    _PARTICIPANT.c.start_date, _PARTICIPANT.c.timezone, _PARTICIPANT.c.status
).where(
    _PARTICIPANT.c.team_id == bindparam("team_id"),
    _PARTICIPANT.c.user_id == bindparam("user_id"),
)


def get_enrolment(connection: Connection, *, team_id: str, user_id: str) -> Enrolment | None:
    """The enrollment's start date, time zone and status, whatever the status: three columns
    read with Core, for the request path that needs only the week (no ORM object)."""
    row = connection.execute(_ENROLMENT, {"team_id": team_id, "user_id": user_id}).first()
    return None if row is None else Enrolment(*row)


_WORKSPACE: Table = Workspace.__table__  # type: ignore[attr-defined]  # set on table models
# The workspace's row joined to the member's enrollment, if any: no row at all means the
# workspace has none yet; a row of NULLs after team_id, that the member has not joined.
ENROLMENT_IN_WORKSPACE = (
    core_select(
        func.coalesce(_PARTICIPANT.c.prompt_hour, _WORKSPACE.c.prompt_hour),
        _WORKSPACE.c.revisit_days,
        _PARTICIPANT.c.start_date,
        _PARTICIPANT.c.timezone,
        _PARTICIPANT.c.status,
    )
    .select_from(
        _WORKSPACE.outerjoin(
            _PARTICIPANT,
            and_(
                _PARTICIPANT.c.team_id == _WORKSPACE.c.team_id,
                _PARTICIPANT.c.user_id == bindparam("user_id"),
            ),
        )
    )
    .where(_WORKSPACE.c.team_id == bindparam("team_id"))
)
# Read on every /transition log: run on the driver's cursor (storage/prepared.py).
_READ_ENROLMENT_IN_WORKSPACE = Prepared(lambda _dialect: ENROLMENT_IN_WORKSPACE)


class EnrolmentInWorkspace(NamedTuple):
    """A member's enrolment (None when they have not joined) and the settings an entry's
    check-ins are timed by: their own prompt hour (else the workspace's), the revisit delay."""

    enrolment: Enrolment | None
    prompt_hour: int
    revisit_days: int


# A new workspace's settings, from the model's defaults.
_DEFAULT_HOUR: int = Workspace.model_fields["prompt_hour"].default
_DEFAULT_REVISIT_DAYS: int = Workspace.model_fields["revisit_days"].default


def get_enrolment_noting_workspace(
    connection: Connection, *, team_id: str, user_id: str, now: datetime
) -> EnrolmentInWorkspace:
    """`get_enrolment` with the workspace's prompt hour and revisit delay, and the workspace
    gets its row if it has none (workspaces.note_workspace): one read on every request but
    a team's first."""
    row = _READ_ENROLMENT_IN_WORKSPACE.first(connection, {"team_id": team_id, "user_id": user_id})
    if row is None:
        workspaces.note_workspace(connection, team_id=team_id, now=now)
        return EnrolmentInWorkspace(
            get_enrolment(connection, team_id=team_id, user_id=user_id),
            _DEFAULT_HOUR,
            _DEFAULT_REVISIT_DAYS,
        )
    return in_workspace(row)


def in_workspace(row: Sequence[Any]) -> EnrolmentInWorkspace:
    """A row of ENROLMENT_IN_WORKSPACE (its first five columns) as what it says."""
    hour, days, start_date, timezone, status = row[:5]
    enrolment = None if start_date is None else Enrolment(start_date, timezone, status)
    return EnrolmentInWorkspace(enrolment, hour, days)


def enroll(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    program_id: str,
    background: str,
    start_date: date,
    timezone: str,
    now: datetime,
    switch: bool = False,
) -> tuple[Participant, bool]:
    """Create the enrollment, or restart a left one; returns (participant, created).

    An active or paused enrollment is returned untouched (created=False): joining twice
    must not reset anyone's progress. With `switch`, it starts the new run instead.
    """
    existing = get_participant(session, team_id=team_id, user_id=user_id)
    if existing is not None and existing.status in ("active", "paused") and not switch:
        return existing, False
    if existing is not None:
        # Left or inactive, or switching program: a fresh run that keeps the old entries.
        # A new joined_at gives the new run's messages their own periods, so none of them
        # is mistaken for one the old run already sent.
        existing.program_id = program_id
        existing.background = background
        existing.start_date = start_date
        existing.timezone = timezone
        existing.status = "active"
        existing.paused_at = None
        existing.away_until = None
        # A new run is in no cohort unless it was joined through one (set right after).
        existing.cohort_id = None
        # Periods are tagged by the second of joined_at: a run restarted within the same
        # second still gets a tag of its own.
        existing.joined_at = max(now, existing.joined_at + timedelta(seconds=1))
        existing.updated_at = now
        existing.next_due_at = PLAN_NOW
        session.add(existing)
        session.flush()
        return existing, True
    participant = Participant(
        team_id=team_id,
        user_id=user_id,
        program_id=program_id,
        background=background,
        start_date=start_date,
        timezone=timezone,
        status="active",
        joined_at=now,
        updated_at=now,
    )
    # A concurrent join (a double click) may win the race: then theirs stands.
    return insert_once(
        session, participant, lambda: get_participant(session, team_id=team_id, user_id=user_id)
    )


def set_timezone(
    session: Session, *, team_id: str, user_id: str, timezone: str, now: datetime
) -> None:
    """Record a participant's time zone (read from their Slack profile)."""
    participant = get_participant(session, team_id=team_id, user_id=user_id)
    if participant is not None and participant.timezone != timezone:
        participant.timezone = timezone
        participant.updated_at = now
        participant.next_due_at = PLAN_NOW  # the next prompt moves with the zone
        session.add(participant)


def list_in_team(session: Session, *, team_id: str, status: str | None = None) -> list[Participant]:
    """The enrollments of one workspace, optionally with one status."""
    query = select(Participant).where(Participant.team_id == team_id)
    if status is not None:
        query = query.where(Participant.status == status)
    return list(session.exec(query).all())


def count_active_by_start(session: Session, *, team_id: str) -> list[tuple[date, str, int]]:
    """(start date, time zone, how many) of a workspace's active enrollments.

    Grouped in SQL: a week's digest needs each person's program week, which only depends on
    these two columns, so a few dozen groups stand in for hundreds of ORM objects.
    """
    rows = session.exec(
        select(Participant.start_date, Participant.timezone, func.count())  # type: ignore[call-overload]  # sqlmodel types 4 columns at most
        .where(Participant.team_id == team_id, Participant.status == "active")
        .group_by(Participant.start_date, Participant.timezone)
    ).all()
    return [(start, timezone, int(n)) for start, timezone, n in rows]


def set_status(
    session: Session, *, team_id: str, user_id: str, status: str, now: datetime
) -> Participant | None:
    """Change an enrollment's status (active, paused, left, inactive); None if not enrolled."""
    participant = get_participant(session, team_id=team_id, user_id=user_id)
    if participant is None:
        return None
    participant.status = status
    participant.paused_at = now if status == "paused" else None
    participant.away_until = None
    participant.updated_at = now
    # A paused enrollment waits for `resume`: out of the planner's way until then.
    participant.next_due_at = NOT_DUE if status == "paused" else PLAN_NOW
    session.add(participant)
    return participant


def set_away(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    until: date,
    back_at: datetime,
    now: datetime,
) -> Participant | None:
    """Pause until a date: the planner wakes the enrollment at `back_at` (the start of
    `until` in the member's zone) and resumes it. A pause already running keeps its start,
    so the program shifts by the whole time away."""
    participant = get_participant(session, team_id=team_id, user_id=user_id)
    if participant is None:
        return None
    if participant.status != "paused" or participant.paused_at is None:
        participant.paused_at = now
    participant.status = "paused"
    participant.away_until = until
    participant.updated_at = now
    participant.next_due_at = back_at
    session.add(participant)
    return participant


def returning(session: Session, *, now: datetime, limit: int) -> list[Participant]:
    """Enrollments away until a date that has come, soonest first: a range of the (status,
    next_due_at) index (paused ones without a date are never due, so the scan reads only
    these; the date is checked too, so a paused row whose next_due_at was left behind is
    never resumed by itself). PostgreSQL: locked, SKIP LOCKED, like `to_plan`."""
    query = (
        select(Participant)
        .where(
            Participant.status == "paused",
            col(Participant.next_due_at) <= now,
            col(Participant.away_until).is_not(None),
        )
        .order_by(col(Participant.next_due_at), col(Participant.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(session.exec(query).all())


def add_many(session: Session, rows: list[Participant]) -> None:
    """Insert many new enrollments at once (benchmarks and imports; no duplicate check)."""
    session.add_all(rows)


class ToPlan(NamedTuple):
    """What planning reads of an enrollment whose next item has come."""

    id: int
    team_id: str
    user_id: str
    program_id: str
    start_date: date
    timezone: str
    joined_at: datetime
    prompt_weekday: int | None
    prompt_hour: int | None


# Plain rows, not model objects: building 500 SQLModel instances a batch cost as much as
# the query (planning reads them once and writes back only next_due_at).
_TO_PLAN = (
    core_select(*(P.c[name] for name in ToPlan._fields))
    .where(P.c.status == "active", P.c.next_due_at <= bindparam("now"))
    .order_by(P.c.next_due_at, P.c.id)
    .limit(bindparam("limit"))
    .with_for_update(skip_locked=True)
)


def to_plan(session: Session, *, now: datetime, limit: int) -> list[ToPlan]:
    """Active enrollments whose next item has come, soonest first (PostgreSQL: locked, SKIP
    LOCKED, so instances plan disjoint batches)."""
    rows = session.execute(_TO_PLAN, {"now": now, "limit": limit})
    return [ToPlan(*row) for row in rows]


_SET_NEXT_DUE = Prepared(
    lambda _: (
        update(P)
        .where(P.c.id == bindparam("pid"))
        .values(next_due_at=bindparam("at", type_=P.c.next_due_at.type))
    )
)


# PostgreSQL: a planning batch's times as two arrays in one statement (see remember_dms).
_SET_NEXT_DUE_ARRAYS = text(
    "UPDATE participant AS p SET next_due_at = s.at"
    " FROM unnest(CAST(:ids AS bigint[]), CAST(:ats AS timestamp[])) AS s(id, at)"
    " WHERE p.id = s.id"
)


def set_next_due(session: Session, values: list[tuple[int, datetime]]) -> None:
    """Record when each enrollment (by id) next needs the scheduler, in one statement
    (SQLite: one executemany)."""
    if not values:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        stamp = stored_form(P.c.next_due_at, connection.dialect)
        ids = [pid for pid, _ in values]
        ats = [stamp(at) for _, at in values]
        connection.execute(_SET_NEXT_DUE_ARRAYS, {"ids": ids, "ats": ats})
        return
    _SET_NEXT_DUE.many(connection, [{"pid": pid, "at": at} for pid, at in values])


def replan_team(session: Session, *, team_id: str) -> int:
    """A workspace's schedule changed: every active enrollment is planned again."""
    result = session.execute(
        update(P).where(P.c.team_id == team_id, P.c.status == "active").values(next_due_at=PLAN_NOW)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# Built once, run as one executemany per batch of sends: per message, building and running
# a statement of its own cost more than the rest of recording the send.
_REMEMBER_DM = Prepared(
    lambda _: (
        update(P)
        .where(
            P.c.team_id == bindparam("team"),
            P.c.user_id == bindparam("user"),
            P.c.dm_channel_id.is_(None),
        )
        .values(dm_channel_id=bindparam("channel"))
    )
)


# PostgreSQL: a chunk's DMs as three arrays in one statement (see due_items.mark_sent).
_REMEMBER_DM_ARRAYS = text(
    "UPDATE participant AS p SET dm_channel_id = s.channel"
    " FROM unnest(CAST(:teams AS text[]), CAST(:users AS text[]), CAST(:channels AS text[]))"
    " AS s(team_id, user_id, channel)"
    " WHERE p.team_id = s.team_id AND p.user_id = s.user_id AND p.dm_channel_id IS NULL"
)


def remember_dms(session: Session, found: Sequence[tuple[str, str, str]]) -> None:
    """Keep the D… id of the app's DM with each person, (team, user, channel), learned
    from messages sent there; a person whose DM is known already is left as is."""
    if not found:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        teams, users, channels = (list(column) for column in zip(*found, strict=True))
        connection.execute(
            _REMEMBER_DM_ARRAYS, {"teams": teams, "users": users, "channels": channels}
        )
        return
    rows = [{"team": team, "user": user, "channel": channel} for team, user, channel in found]
    _REMEMBER_DM.many(connection, rows)


class Enrolled(NamedTuple):
    """What rendering a scheduled message reads of its member's enrollment."""

    team_id: str
    user_id: str
    program_id: str
    background: str


def _active_sql(people_join: str, dialect: str) -> str:
    return (
        "SELECT p.team_id, p.user_id, p.program_id, p.background FROM " + people_join
        + joined(str(Participant.__tablename__), "p")
        + " WHERE p.status = 'active'"
    )  # fmt: skip


def active_among(session: Session, people: Iterable[Person]) -> list[Enrolled]:
    """The active enrollments of these (team, user) people, as plain rows (a fan-out reads
    one per message: model objects cost more than the query)."""
    return [Enrolled(*row) for row in rows_for(session, _active_sql, people)]


def _status_sql(people_join: str, dialect: str) -> str:
    return (
        "SELECT p.team_id, p.user_id, p.status FROM " + people_join
        + joined(str(Participant.__tablename__), "p")
    )  # fmt: skip


def statuses_among(session: Session, people: Iterable[Person]) -> dict[Person, str]:
    """The enrollment status (active, paused, left...) of those of these people who ever
    joined; someone who never did is not in the answer."""
    return {(team, user): status for team, user, status in rows_for(session, _status_sql, people)}


def set_rhythm(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    weekday: int | None,
    hour: int | None,
    now: datetime,
) -> Participant | None:
    """The member's own prompt day and hour (None: the workspace's); planned afresh."""
    participant = get_participant(session, team_id=team_id, user_id=user_id)
    if participant is None:
        return None
    participant.prompt_weekday = weekday
    participant.prompt_hour = hour
    participant.updated_at = now
    if participant.status == "active":
        participant.next_due_at = PLAN_NOW
    session.add(participant)
    return participant


def set_share_progress(
    session: Session, *, team_id: str, user_id: str, share: bool, now: datetime
) -> bool:
    """Whether the coach may see this member's name in the digest; False if not enrolled."""
    participant = get_participant(session, team_id=team_id, user_id=user_id)
    if participant is None:
        return False
    participant.share_progress = share
    participant.updated_at = now
    session.add(participant)
    return True
