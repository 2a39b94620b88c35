"""The queue's per-pass reads: what `waiting` answers, and that they use the open-items indexes.

A pass runs every minute on every instance, so its queries must read the work that is due,
never the history of sent items or the items planned for the weeks ahead.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event, insert, select, text, update

from storage import due_items, workspaces
from storage.db import Database
from storage.due_items import Planned, Waiting
from storage.models import NOT_DUE, DueItem, Participant, Workspace

NOW = datetime(2026, 11, 25, 10, 17, tzinfo=UTC)
T = DueItem.__table__  # type: ignore[attr-defined]
P = Participant.__table__  # type: ignore[attr-defined]
W = Workspace.__table__  # type: ignore[attr-defined]


def quiet(db: Database) -> None:
    """A workspace with its digest planned, an enrollment planned for later, a sent prompt
    and a check-in due next week: nothing is due at NOW."""
    with db.engine.begin() as connection:
        connection.execute(
            insert(W),
            {"team_id": "T1", "created_at": NOW, "next_digest_at": NOW + timedelta(days=5)},
        )
        connection.execute(
            insert(P),
            {
                "team_id": "T1", "user_id": "U1", "program_id": "product-engineer",
                "background": "backend", "start_date": NOW.date(), "timezone": "UTC",
                "status": "active", "joined_at": NOW, "updated_at": NOW,
                "next_due_at": NOW + timedelta(hours=1),
            },
        )  # fmt: skip
    with db.session() as session:
        due_items.plan(
            session,
            [
                Planned("T1", "U1", "prompt", "week-1", NOW - timedelta(days=2)),
                Planned("T1", "U1", "revisit", "entry-1", NOW + timedelta(days=7)),
            ],
            now=NOW - timedelta(days=2),
        )
        session.execute(update(T).where(T.c.kind == "prompt").values(status="sent"))


def flags(db: Database, at: datetime = NOW) -> Waiting:
    with db.engine.connect() as connection:
        return due_items.waiting(connection, now=at)


def test_nothing_waiting_when_nothing_is_due(database_url):
    db = Database(database_url)
    quiet(db)
    assert flags(db) == Waiting(
        returns=False, enrollments=False, digests=False, probes=False, items=False
    )
    # A week later the check-in, the enrollment and the digest have all come.
    assert flags(db, NOW + timedelta(days=8)) == Waiting(False, True, True, False, True)
    db.dispose()


def test_each_kind_of_work_is_seen(database_url):
    db = Database(database_url)
    quiet(db)
    with db.engine.begin() as connection:
        connection.execute(update(P).values(next_due_at=NOW))
    assert flags(db) == Waiting(False, True, False, False, False)
    with db.engine.begin() as connection:
        connection.execute(update(P).values(status="paused"))  # paused: never planned
        connection.execute(update(W).values(next_digest_at=None))  # a new workspace
    assert flags(db) == Waiting(False, False, True, False, False)
    with db.engine.begin() as connection:  # away until today: back, so resumed and planned
        connection.execute(update(P).values(away_until=NOW.date()))
    assert flags(db) == Waiting(True, False, True, False, False)
    with db.engine.begin() as connection:
        connection.execute(update(P).values(away_until=None))
    with db.engine.begin() as connection:
        connection.execute(update(W).values(next_digest_at=NOW + timedelta(days=5)))
    with db.session() as session:
        workspaces.suspend(session, team_id="T1", reason="token_revoked", probe_at=NOW)
    assert flags(db) == Waiting(False, False, False, True, False)
    with db.session() as session:
        workspaces.resume(session, team_id="T1")
        session.execute(update(T).where(T.c.kind == "revisit").values(ready_at=NOW))
    assert flags(db) == Waiting(False, False, False, False, True)
    db.dispose()


def as_sent(connection, statement, values: dict) -> tuple[str, Any]:
    """Run `statement` and return its SQL and parameters exactly as the database got them
    (caught on their way out)."""
    sent: list[tuple[str, Any]] = []

    def catch(_conn, _cursor, sql, parameters, *_args) -> None:
        sent.append((sql, parameters))

    event.listen(connection, "before_cursor_execute", catch)
    connection.execute(statement, values)
    event.remove(connection, "before_cursor_execute", catch)
    [(sql, parameters)] = sent
    return sql, parameters


def plan_of(db: Database, statement, **values) -> str:
    """The query plan of `statement` run with these values, exactly as the database got it
    (caught on its way out), as one string. On PostgreSQL table scans are discouraged, so
    it uses an index whenever the statement lets it, whatever the table sizes."""
    with db.engine.connect() as connection:
        sql, parameters = as_sent(connection, statement, values)
        if connection.dialect.name == "postgresql":
            connection.execute(text("SET enable_seqscan = off"))
            rows = connection.exec_driver_sql(f"EXPLAIN {sql}", parameters).all()
        else:
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", parameters).all()
        connection.rollback()
    return " | ".join(str(row[-1]) for row in rows)


def test_the_pass_queries_read_the_open_items_indexes(database_url):
    """The statuses are written into the SQL (not bound), so both planners can match the
    partial indexes' condition; with bound values they fall back to scanning the table."""
    db = Database(database_url)
    quiet(db)
    plan = plan_of(db, due_items._WAITING, now=NOW)
    for index in (
        "ix_due_item_open_ready",
        "ix_participant_status_next_due",
        "ix_workspace_probe_at",
    ):
        assert index in plan, plan
    ready = due_items._ready_teams_query(instance="i", now=NOW, limit=50)
    assert "ix_due_item_open_ready" in plan_of(db, ready)
    db.dispose()


def test_a_prompt_hour_claim_reads_its_workspace_then_each_item_by_key(database_url):
    """At the prompt hour every workspace has items ready. A claim picks its workspace's
    through the (team, ready time) index and then finds each by primary key; PostgreSQL
    once hash-joined the pick against every workspace's ready items instead, for each claim."""
    db = Database(database_url)
    at = NOW - timedelta(minutes=1)
    with db.session() as session:
        due_items.plan(
            session,
            [
                Planned(f"T{team}", f"U{k}", "prompt", "week-2", at)
                for team in range(20)
                for k in range(250)
            ],
            now=at,
        )
    with db.engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()
    claim = due_items._claim_ready(db.engine.dialect.name)
    values = {"team": "T3", "now": NOW, "limit": 500, "instance": "i", "lease_until": NOW}
    plan = plan_of(db, claim, **values)
    # Marking a chunk of them sending finds each by primary key too (the ids travel as one
    # array parameter).
    sending = due_items._MARK_SENDING._build(db.engine.dialect.name)
    sending_plan = plan_of(db, sending, ids=list(range(1, 97)), instance="i", lease_until=NOW)
    db.dispose()
    if db.engine.dialect.name == "postgresql":
        assert "on ix_due_item_open " in plan, plan
        assert "Index Scan using due_item_pkey" in plan, plan
        assert "due_item_pkey" in sending_plan, sending_plan
    else:
        assert "USING INDEX ix_due_item_open " in plan, plan
        assert "USING INTEGER PRIMARY KEY" in plan, plan
        assert "USING INTEGER PRIMARY KEY" in sending_plan, sending_plan
    assert "ix_due_item_open_ready" not in plan, plan
    assert "Seq Scan" not in sending_plan and "SCAN due_item" not in sending_plan, sending_plan


def rows_read(db: Database, statement, **values) -> int:
    """How much of the tables `statement` reads, as each database counts it: SQLite's
    virtual machine steps (every row visited costs some), PostgreSQL's rows produced and
    rows filtered away by every node of the executed plan."""
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            sql, parameters = as_sent(connection, statement, values)
            [[plan]] = connection.exec_driver_sql(
                f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", parameters
            ).all()
            connection.rollback()

            def count(node: dict) -> int:
                own = int(node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0))
                own *= int(node.get("Actual Loops", 1))
                return own + sum(count(child) for child in node.get("Plans", []))

            return count(plan[0]["Plan"])
        steps = 0

        def step() -> int:
            nonlocal steps
            steps += 1
            return 0

        raw = connection.connection.dbapi_connection
        raw.set_progress_handler(step, 1)  # type: ignore[union-attr]
        try:
            connection.execute(statement, values).all()
        finally:
            raw.set_progress_handler(None, 1)  # type: ignore[union-attr]
        connection.rollback()
        return steps


def crowd(db: Database, n: int, *, first: int = 0) -> None:
    """`n` more workspaces with their digest planned for the same hour, each with an
    enrollment paused without a return date (never due) and one sent prompt."""
    with db.engine.begin() as connection:
        connection.execute(
            insert(W),
            [
                {"team_id": f"TC{k}", "created_at": NOW, "next_digest_at": NOW + timedelta(days=5)}
                for k in range(first, first + n)
            ],
        )
        connection.execute(
            insert(P),
            [
                {
                    "team_id": f"TC{k}", "user_id": "U1", "program_id": "product-engineer",
                    "background": "backend", "start_date": NOW.date(), "timezone": "UTC",
                    "status": "paused", "paused_at": NOW, "joined_at": NOW, "updated_at": NOW,
                    "next_due_at": NOT_DUE,
                }
                for k in range(first, first + n)
            ],
        )  # fmt: skip
    with db.engine.begin() as connection:
        connection.execute(text("ANALYZE"))  # statistics as a live database keeps them


def test_a_quiet_pass_reads_the_same_whatever_the_size(database_url):
    """Nothing due: `waiting` reads a few index entries, not one per paused enrollment or
    per workspace. (It once walked every paused enrollment looking for a return date, and
    scanned the workspaces for an unplanned digest when all shared the same hour.)"""
    db = Database(database_url)
    quiet(db)
    crowd(db, 20)
    small = rows_read(db, due_items._WAITING, now=NOW)
    crowd(db, 2000, first=20)
    large = rows_read(db, due_items._WAITING, now=NOW)
    assert flags(db) == Waiting(False, False, False, False, False)
    assert large <= small + 10, (small, large)
    db.dispose()


def test_a_claim_says_which_items_an_earlier_attempt_may_have_sent(database_url):
    """Items a dead owner left `sending` (or uncertain) come back `recovered`, to be looked
    for in Slack before a resend; the others are claimed fresh."""
    db = Database(database_url)
    at = NOW - timedelta(minutes=5)
    with db.session() as session:
        due_items.plan(
            session, [Planned("T1", f"U{k}", "prompt", "week-1", at) for k in range(40)], now=at
        )
        session.execute(update(T).where(T.c.user_id.in_(["U3", "U20"])).values(status="sending"))
        session.execute(update(T).where(T.c.user_id == "U7").values(status="uncertain"))
    with db.session() as session:
        claimed = due_items.claim_ready(
            session,
            team_id="T1",
            instance="i",
            now=NOW,
            lease_until=NOW + timedelta(minutes=5),
            limit=500,
        )
    db.dispose()
    assert len(claimed) == 40
    assert sorted(c.user_id for c in claimed if c.recovered) == ["U20", "U3", "U7"]


def test_a_second_owner_dying_does_not_make_a_maybe_sent_item_fresh(database_url):
    """An owner dies while sending; the next one claims the item (recovered) and dies too
    before trying it: the third must still look in Slack first, since the first owner's
    message may be there. (The claim once overwrote `sending` with `claimed`, and the third
    owner took the item for one never tried.)"""
    db = Database(database_url)
    at = NOW - timedelta(minutes=5)
    with db.session() as session:
        due_items.plan(session, [Planned("T1", "U1", "prompt", "week-1", at)], now=at)

    def claim(owner: str, now: datetime) -> list[due_items.Claimed]:
        with db.session() as session:
            return due_items.claim_ready(
                session, team_id="T1", instance=owner, now=now,
                lease_until=now + timedelta(minutes=5), limit=10,
            )  # fmt: skip

    [first] = claim("a", NOW)
    assert not first.recovered
    with db.session() as session:
        due_items.mark_sending(
            session, [first.id], instance="a", lease_until=NOW + timedelta(minutes=5)
        )
    [second] = claim("b", NOW + timedelta(minutes=6))  # a died while sending
    assert second.recovered
    [third] = claim("c", NOW + timedelta(minutes=12))  # b died before trying it
    assert third.recovered
    # The owner that does try it marks it sending and records it as usual.
    with db.session() as session:
        due_items.mark_sending(
            session, [third.id], instance="c", lease_until=NOW + timedelta(minutes=17)
        )
        due_items.mark_sent(session, [(third.id, "D1", "1.2")], instance="c", now=NOW)
    with db.engine.connect() as connection:
        assert connection.execute(select(T.c.status)).scalar_one() == "sent"
    db.dispose()


def test_statuses_answers_for_the_keys_asked_only(database_url):
    """The keys travel as one JSON parameter: quotes, backslashes and non-ASCII periods come
    back as they were planned; keys not in the queue are left out; 2,000 keys at once."""
    db = Database(database_url)
    odd = 'it\'s "week"\\3 – ünï'
    with db.session() as session:
        due_items.plan(
            session,
            [Planned("T1", "U1", "prompt", odd, NOW), Planned("T1", "U2", "recap", "w1", NOW)]
            + [Planned("T2", f"U{k}", "prompt", "w1", NOW) for k in range(2000)],
            now=NOW,
        )
        session.execute(update(T).where(T.c.user_id == "U2").values(status="sent"))
    asked = [("T1", "U1", "prompt", odd), ("T1", "U2", "recap", "w1"), ("T1", "U1", "recap", odd)]
    asked += [("T2", f"U{k}", "prompt", "w1") for k in range(2000)]
    with db.session() as session:
        found = due_items.statuses(session, asked)
        assert due_items.statuses(session, []) == {}
    assert found[("T1", "U1", "prompt", odd)] == "pending"
    assert found[("T1", "U2", "recap", "w1")] == "sent"
    assert ("T1", "U1", "recap", odd) not in found
    assert len(found) == 2002
    db.dispose()


def stored(db: Database, period_prefix: str) -> list[tuple[Any, ...]]:
    """Every column of the items whose period starts with the prefix, by key (id left out)."""
    columns = [c for c in T.c if c.name not in ("id", "period")]
    with db.engine.connect() as connection:
        rows = connection.execute(
            select(T.c.period, *columns)
            .where(T.c.period.like(f"{period_prefix}%"))
            .order_by(T.c.team_id, T.c.user_id, T.c.kind, T.c.period)
        ).all()
    return [(row[0].split(":", 1)[1], *row[1:]) for row in rows]


def test_a_batch_is_stored_as_one_at_a_time_and_leaves_existing_keys_alone(database_url):
    db = Database(database_url)
    at = NOW + timedelta(microseconds=123456)  # microseconds survive the trip
    items = [
        Planned("T1", "U1", "prompt", "week-2", at, at + timedelta(days=6), {"week": 2}),
        Planned("T1", "", "digest", "2026-W48", at, None, {}),
        Planned("T2", "U9", "revisit", "entry-7", at, None, {"entry_id": 7, "n": [1, "é"]}),
        Planned("T2", "U9", "prompt", "week-1", at, None, {"missed_previous": True}, "skipped"),
    ]
    with db.session() as session:
        for item in items:  # the path of a single item (a join, a logged decision)
            assert due_items.plan(session, [replace(item, period="one:" + item.period)], now=at)
    batch = [replace(item, period="many:" + item.period) for item in items]
    with db.session() as session:
        assert due_items.plan(session, batch, now=at) == 4
    assert stored(db, "many:") == stored(db, "one:")
    with db.session() as session:  # planned again, with a repeat inside the batch: nothing new
        session.execute(update(T).where(T.c.period.like("many:%")).values(status="sent"))
        again = [replace(b, due_at=at + timedelta(hours=1)) for b in batch]
        assert due_items.plan(session, [*again, again[0]], now=at) == 0
        fresh = Planned("T3", "U1", "prompt", "many:week-1", at)
        assert due_items.plan(session, [*again, fresh, fresh], now=at) == 1
    with db.engine.connect() as connection:
        kept = connection.execute(
            select(T.c.status, T.c.due_at).where(T.c.period.like("many:%"), T.c.team_id != "T3")
        ).all()
    assert kept == [("sent", at)] * 4
    db.dispose()


def test_a_chunk_of_sends_is_recorded_in_one_statement_each_with_its_own_message(database_url):
    """mark_sent takes a chunk at once (PostgreSQL: one UPDATE over arrays): each item gets
    its own channel and ts, and an item another owner claimed since is left alone."""
    db = Database(database_url)
    with db.session() as session:
        due_items.plan(
            session, [Planned("T1", f"U{k}", "prompt", "week-1", NOW) for k in range(3)], now=NOW
        )
    with db.session() as session:
        mine = due_items.claim_ready(
            session, team_id="T1", instance="a", now=NOW,
            lease_until=NOW + timedelta(minutes=5), limit=10,
        )  # fmt: skip
        session.execute(update(T).where(T.c.user_id == "U2").values(claimed_by="b"))
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    sent_at = NOW + timedelta(seconds=3)
    with db.session() as session:
        due_items.mark_sent(
            session, [(i.id, f"D{i.user_id}", f"1.{i.user_id}") for i in mine],
            instance="a", now=sent_at,
        )  # fmt: skip
    updates = [s for s in statements if s.lstrip().upper().startswith("UPDATE")]
    with db.engine.connect() as connection:
        rows = connection.execute(
            select(T.c.user_id, T.c.status, T.c.channel, T.c.message_ts, T.c.sent_at).order_by(
                T.c.user_id
            )
        ).all()
    db.dispose()
    if db.engine.dialect.name == "postgresql":
        assert len(updates) == 1, updates
    assert [tuple(r) for r in rows] == [
        ("U0", "sent", "DU0", "1.U0", sent_at),
        ("U1", "sent", "DU1", "1.U1", sent_at),
        ("U2", "claimed", None, None, None),
    ]


def test_claimed_payloads_are_each_item_s_own_though_decoded_once(database_url):
    """A claim decodes each distinct payload text once (the prompt hour's batch carries a
    few); every item still gets a dict of its own, and nested ones are decoded afresh."""
    db = Database(database_url)
    nested = {"week": 1, "message": {"blocks": [{"type": "section"}]}, "note": "it's ü"}
    with db.session() as session:
        due_items.plan(
            session,
            [Planned("T1", f"U{k}", "prompt", "week-2", NOW, None, {"week": 2}) for k in range(3)]
            + [Planned("T1", f"U{k}", "snooze", "s1", NOW, None, nested) for k in range(2)]
            + [Planned("T1", "U9", "digest", "w", NOW, None, {})],
            now=NOW,
        )
    with db.session() as session:
        claimed = due_items.claim_ready(
            session, team_id="T1", instance="a", now=NOW,
            lease_until=NOW + timedelta(minutes=5), limit=10,
        )  # fmt: skip
    db.dispose()
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for item in claimed:
        by_kind.setdefault(item.kind, []).append(item.payload)
    assert by_kind == {"prompt": [{"week": 2}] * 3, "snooze": [nested] * 2, "digest": [{}]}
    first, second, _ = by_kind["prompt"]
    first["week"] = 99
    assert second == {"week": 2}
    one, other = by_kind["snooze"]
    one["message"]["blocks"].append({"type": "divider"})
    assert other == nested
