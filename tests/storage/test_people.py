"""What rendering a round of scheduled messages reads about its people: one statement per
thing read, for every workspace in the round, each person keyed by (team, user)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event

from storage import checklists, deliverables, entries, participants

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
PROGRAM = "product-engineer"


def enroll(db, team_id: str, user_id: str, *, background: str = "backend") -> None:
    with db.session() as session:
        participants.enroll(
            session,
            team_id=team_id,
            user_id=user_id,
            program_id=PROGRAM,
            background=background,
            start_date=date(2026, 11, 9),
            timezone="Europe/Berlin",
            now=NOW,
        )


def log(db, team_id: str, user_id: str, kind: str, week: int | None) -> None:
    with db.write() as connection:
        entries.add_entry(
            connection,
            team_id=team_id,
            user_id=user_id,
            kind=kind,
            text="something private",
            fields={},
            program_week=week,
            client_key=None,
            now=NOW,
        )


@pytest.fixture
def two_workspaces(db):
    """The same user id in two workspaces, and someone who left: only T1/U1 did anything."""
    enroll(db, "T1", "U1")
    enroll(db, "T2", "U1", background="frontend")
    enroll(db, "T2", "U2")
    enroll(db, "T2", "U3")
    with db.session() as session:
        participants.set_status(session, team_id="T2", user_id="U3", status="left", now=NOW)
    log(db, "T1", "U1", "decision", 1)
    log(db, "T1", "U1", "decision", 1)
    log(db, "T1", "U1", "evidence", 2)
    log(db, "T1", "U1", "evidence", None)  # logged outside the program: not counted
    log(db, "T2", "U2", "decision", 3)
    with db.session() as session:
        deliverables.mark_done(
            session, team_id="T1", user_id="U1", program_id=PROGRAM, phase_key="observe",
            evidence="notes", now=NOW,
        )  # fmt: skip
        for item in (0, 2):
            checklists.set_item(
                session, team_id="T1", user_id="U1", program_id=PROGRAM, phase_key="observe",
                item=item, ticked=True, now=NOW,
            )  # fmt: skip
    return db


PEOPLE = [("T1", "U1"), ("T2", "U1"), ("T2", "U2"), ("T2", "U3"), ("T3", "U9")]


def test_each_person_is_their_own_team_s_and_user_s(two_workspaces):
    with two_workspaces.session() as session:
        active = participants.active_among(session, PEOPLE)
        counts = entries.counts_by_kind_and_week(session, PEOPLE)
        done = deliverables.done_keys(session, PEOPLE)
        ticks = checklists.ticked_for(session, PEOPLE)
    assert sorted((p.team_id, p.user_id, p.background) for p in active) == [
        ("T1", "U1", "backend"),
        ("T2", "U1", "frontend"),
        ("T2", "U2", "backend"),
    ]  # T2/U3 left; T3/U9 was never enrolled
    assert counts == {
        ("T1", "U1"): {("decision", 1): 2, ("evidence", 2): 1},
        ("T2", "U2"): {("decision", 3): 1},
    }
    assert done == {("T1", "U1", PROGRAM, "observe")}
    assert ticks == {("T1", "U1", PROGRAM, "observe"): frozenset({0, 2})}


def test_a_round_over_many_workspaces_is_one_statement_per_read(two_workspaces):
    """Read a workspace at a time, a round of 2,000 prompts over 100 workspaces was 400
    statements (bench.fanout); its SQL is also the same whatever the batch's size."""
    seen: list[str] = []
    event.listen(two_workspaces.engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    reads = (
        participants.active_among,
        entries.counts_by_kind_and_week,
        deliverables.done_keys,
        checklists.ticked_for,
    )
    with two_workspaces.session() as session:
        for read in reads:
            read(session, PEOPLE)
        for read in reads:
            read(session, PEOPLE[:2])
    assert len(seen) == 2 * len(reads)
    assert seen[: len(reads)] == seen[len(reads) :]  # the same four statements


def test_no_people_no_statement(two_workspaces):
    seen: list[str] = []
    event.listen(two_workspaces.engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    with two_workspaces.session() as session:
        assert participants.active_among(session, []) == []
        assert entries.counts_by_kind_and_week(session, []) == {}
        assert deliverables.done_keys(session, []) == set()
        assert checklists.ticked_for(session, []) == {}
    assert seen == []
