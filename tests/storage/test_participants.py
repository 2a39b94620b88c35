"""The enrolment read on the request path: three columns, and the workspace row noted in the
same statement."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import event, func, select

from storage import participants, workspaces
from storage.models import Workspace

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def enroll(db, team_id: str = "T1", user_id: str = "U1") -> None:
    with db.session() as session:
        participants.enroll(
            session,
            team_id=team_id,
            user_id=user_id,
            program_id="product-engineer",
            background="backend",
            start_date=date(2026, 11, 9),
            timezone="Europe/Berlin",
            now=NOW,
        )


def statements(db) -> list[str]:
    seen: list[str] = []
    event.listen(db.write_engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    return seen


def workspace_rows(db) -> int:
    with db.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(Workspace)).scalar_one()


def read(db, user_id: str = "U1"):
    with db.write() as connection:
        return participants.get_enrolment_noting_workspace(
            connection, team_id="T1", user_id=user_id, now=NOW
        )


def test_an_enrolled_member_in_a_known_workspace_takes_one_read(db):
    with db.write() as connection:
        workspaces.note_workspace(connection, team_id="T1", now=NOW)
    enroll(db)
    seen = statements(db)
    assert read(db) == participants.EnrolmentInWorkspace(
        participants.Enrolment(date(2026, 11, 9), "Europe/Berlin", "active"), 9, 28
    )
    assert len(seen) == 1 and seen[0].lstrip().upper().startswith("SELECT")


def test_a_member_who_has_not_joined_gets_none_and_nothing_is_written(db):
    with db.write() as connection:
        workspaces.note_workspace(connection, team_id="T1", now=NOW)
    enroll(db, user_id="U2")  # someone else's enrolment is not theirs
    seen = statements(db)
    assert read(db).enrolment is None
    assert len(seen) == 1


def test_a_teams_first_request_writes_its_workspace_row_then_reads_the_enrolment(db):
    enroll(db)  # an enrolment whose workspace row is missing (enroll alone writes none)
    assert workspace_rows(db) == 0
    assert read(db).enrolment is not None
    assert workspace_rows(db) == 1
    assert read(db, user_id="U9").enrolment is None
    assert workspace_rows(db) == 1


def test_a_batch_of_next_due_times_and_dms_is_stored_each_to_its_own_enrollment(db):
    """set_next_due and remember_dms take a batch at once (PostgreSQL: one UPDATE over
    arrays each); every enrollment gets its own value, and a DM already known stays."""
    for user in ("U1", "U2", "U3"):
        enroll(db, user_id=user)
    with db.session() as session:
        ids = {u: participants.get_participant(session, team_id="T1", user_id=u).id
               for u in ("U1", "U2", "U3")}  # fmt: skip
        participants.remember_dms(session, [("T1", "U3", "DKNOWN")])
    seen = statements(db)
    at = {u: NOW + timedelta(days=k, minutes=30) for k, u in enumerate(("U1", "U2", "U3"))}
    with db.session() as session:
        participants.set_next_due(session, [(ids[u], at[u]) for u in ("U1", "U2", "U3")])
        participants.remember_dms(
            session, [("T1", "U1", "D1"), ("T1", "U2", "D2"), ("T1", "U3", "DNEW")]
        )
    if db.engine.dialect.name == "postgresql":
        assert len([s for s in seen if s.lstrip().upper().startswith("UPDATE")]) == 2, seen
    with db.session() as session:
        found = {
            u: participants.get_participant(session, team_id="T1", user_id=u)
            for u in ("U1", "U2", "U3")
        }
    assert {u: p.next_due_at for u, p in found.items()} == at
    assert {u: p.dm_channel_id for u, p in found.items()} == {
        "U1": "D1",
        "U2": "D2",
        "U3": "DKNOWN",
    }
