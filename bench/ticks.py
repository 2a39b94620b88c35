"""A scheduler pass when nothing is due, and a prompt-hour claim: `.venv/bin/python -m bench.ticks`.

For each size (100,000 and 1,000,000 enrollments by default) and each database (a SQLite
file; PostgreSQL from TEST_DATABASE_URL or a throwaway cluster), the data is bulk-inserted
as it stands after planning: every active enrollment's next_due_at in the coming week, one
sent prompt per enrollment in the queue (last week's), a pending decision revisit for one
enrollment in four (due in the coming weeks), a workspace per 1,000 enrollments.
Then, at a moment when nothing is due:

  - steady pass: `run_due_work` end to end (its one "anything waiting?" statement, then the
    steps it found work for: none), median of many passes, with the statements it ran;
  - planning query: `participants.to_plan`, the enrollments whose next item has come (none);
  - ready query: `due_items.ready_teams`, the workspaces with work ready (none);
  - claim 500: 500 prompts of one workspace made ready, claimed with `due_items.claim_ready`
    and committed (the prompt-hour batch), reset untimed between runs;
  - baseline: what the old design did every minute, reading every active enrollment's
    schedule columns (team, user, program, start, zone, joined).

Prints medians (and p90) in ms and the baseline's ratio to the steady pass. Not part of pytest.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert, select, text, update
from sqlmodel import Session

from bench.support import (
    fresh_database,
    machine,
    median,
    p90,
    postgres_server,
    postgres_version,
    sqlite_version,
    timed_ms,
)
from bot.clock import MovableClock
from bot.outbound import Outbound
from bot.programs import load_programs
from bot.scheduling.pipeline import RunnerConfig, run_due_work
from bot.services import Services
from storage import due_items, participants
from storage.db import Database
from storage.models import NOT_DUE, DueItem, Participant, Workspace

# Wednesday 10:17 UTC: after Monday's prompts, before anyone's next item.
NOW = datetime(2026, 11, 25, 10, 17, tzinfo=UTC)
START = date(2026, 11, 16)  # program week 1's Monday
PER_WORKSPACE = 1_000
BATCH = 20_000
CLAIM = 500
ZONES = ["Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC", "America/Los_Angeles"]

P = Participant.__table__  # type: ignore[attr-defined]
T = DueItem.__table__  # type: ignore[attr-defined]
W = Workspace.__table__  # type: ignore[attr-defined]


def team(i: int) -> str:
    return f"TK{i:04d}"


def _rows(n: int, now: datetime = NOW) -> Iterator[tuple[Any, list[dict[str, Any]]]]:
    """(table, batch) to insert: workspaces, enrollments, last week's sent prompts; nothing
    due at `now`."""
    rng = random.Random(11)
    teams = max(1, n // PER_WORKSPACE)
    joined = datetime(2026, 11, 13, tzinfo=UTC)
    yield (
        W,
        [
            {
                "team_id": team(i),
                "name": f"Bench {i}",
                "prompt_weekday": 0,
                "prompt_hour": 9,
                "revisit_days": 28,
                "created_at": joined,
                "next_digest_at": datetime(2026, 11, 30, 9, tzinfo=UTC),
            }
            for i in range(teams)
        ],
    )
    people: list[dict[str, Any]] = []
    sent: list[dict[str, Any]] = []
    for k in range(n):
        t, u = team(k % teams), f"U{k:07d}"
        # Some paused and left: the scheduler never looks at those.
        status = "active" if k % 20 else ("paused", "left")[k % 40 // 20]
        people.append(
            {
                "team_id": t,
                "user_id": u,
                "program_id": "product-engineer",
                "background": "backend",
                "start_date": START,
                "timezone": ZONES[k % len(ZONES)],
                "status": status,
                "joined_at": joined,
                "updated_at": joined,
                # Friday's recap or next Monday's prompt, always after now; a pause
                # without a return date is never due (as set_status leaves it).
                "next_due_at": (
                    now + timedelta(seconds=rng.randrange(3600, 5 * 86400))
                    if status != "paused"
                    else NOT_DUE
                ),
            }
        )
        prompt_at = now - timedelta(days=2, hours=2, minutes=17)
        sent.append(
            {
                "team_id": t,
                "user_id": u,
                "kind": "prompt",
                "period": f"e{int(joined.timestamp())}:week-2",
                "status": "sent",
                "due_at": prompt_at,
                "expires_at": prompt_at + timedelta(days=6),
                "ready_at": prompt_at,
                "attempts": 1,
                "claimed_by": "bench",
                "sent_at": prompt_at,
                "channel": f"D{k:07d}",
                "message_ts": f"1763884800.{k:06d}",
                "payload": {"week": 2},
                "created_at": prompt_at,
            }
        )
        if k % 4 == 0:  # a decision logged: its revisit waits in the queue, weeks ahead
            revisit_at = now + timedelta(seconds=rng.randrange(86400, 27 * 86400))
            sent.append(
                {
                    **sent[-1],
                    "kind": "revisit",
                    "period": f"entry-{k}",
                    "status": "pending",
                    "due_at": revisit_at,
                    "expires_at": revisit_at + timedelta(days=14),
                    "ready_at": revisit_at,
                    "attempts": 0,
                    "claimed_by": None,
                    "sent_at": None,
                    "channel": None,
                    "message_ts": None,
                    "payload": {"entry_id": k},
                }
            )
        if len(people) == BATCH:
            yield P, people
            yield T, sent
            people, sent = [], []
    if people:
        yield P, people
        yield T, sent


def load(db: Database, n: int, now: datetime = NOW) -> float:
    """Migrate and bulk-insert `n` enrollments, nothing due at `now`; returns the seconds
    it took."""
    started = time.perf_counter()
    db.migrate()
    with db.engine.begin() as connection:
        for table, batch in _rows(n, now):
            connection.execute(insert(table), batch)
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        # Fresh statistics, as autovacuum (or ANALYZE) keeps them on a live database.
        connection.execute(text("VACUUM ANALYZE" if db.engine.name == "postgresql" else "ANALYZE"))
    return time.perf_counter() - started


def no_slack(team_id: str) -> Outbound:
    raise AssertionError(f"nothing is due, yet the pass wanted Slack for {team_id}")


@contextmanager
def counting(db: Database) -> Iterator[list[str]]:
    """Collects the SQL statements run on `db` inside the block."""
    seen: list[str] = []

    def note(*args: Any) -> None:
        seen.append(args[2])

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


@dataclass
class Figures:
    backend: str
    size: int
    load_s: float
    steady: list[float]
    statements: int
    plan: list[float]
    ready: list[float]
    claim: list[float]
    full_scan: list[float]
    scanned: int


def measure(url: str, backend: str, n: int, runs: int, scan_runs: int) -> Figures:
    """Load `url` with `n` enrollments and time the pass, its queries, a claim and the scan."""
    db = Database(url)
    try:
        loaded = load(db, n)
        services = Services(db=db, programs=load_programs(), clock=MovableClock(NOW))
        config = RunnerConfig(instance="bench-ticks")

        def steady_pass() -> None:
            report = run_due_work(services, no_slack, NOW, config=config)
            assert report.outcomes == [], report.summary()

        steady = timed_ms(steady_pass, runs)
        with counting(db) as statements:
            steady_pass()

        def plan_query() -> None:
            with db.session() as session:
                assert participants.to_plan(session, now=NOW, limit=500) == []

        def ready_query() -> None:
            with db.session() as session:
                assert due_items.ready_teams(session, instance="x", now=NOW, limit=50) == []

        plan = timed_ms(plan_query, runs)
        ready = timed_ms(ready_query, runs)
        claim = time_claims(db, n, max(20, runs // 5))

        def full_scan() -> int:
            # The old design: every active enrollment's schedule columns, every minute.
            with Session(db.engine) as session:
                rows = session.execute(
                    select(
                        P.c.team_id,
                        P.c.user_id,
                        P.c.program_id,
                        P.c.start_date,
                        P.c.timezone,
                        P.c.joined_at,
                    ).where(P.c.status == "active")
                ).all()
            return len(rows)

        scanned = full_scan()
        scan = timed_ms(full_scan, scan_runs, warmup=1)
        return Figures(
            backend, n, loaded, steady, len(statements), plan, ready, claim, scan, scanned
        )
    finally:
        db.dispose()


def time_claims(db: Database, n: int, runs: int) -> list[float]:
    """The prompt-hour batch: 500 ready prompts of one workspace claimed in one call and
    committed; put back to pending (untimed) before each run."""
    at = NOW - timedelta(minutes=1)
    who = team(0)
    with db.session() as session:
        due_items.plan(
            session,
            [
                due_items.Planned(
                    who,
                    f"UC{k:05d}",
                    "prompt",
                    "bench-claim",
                    at,
                    at + timedelta(days=6),
                    {"week": 2},
                )
                for k in range(CLAIM)
            ],
            now=at,
        )
    ready = (T.c.team_id == who) & (T.c.period == "bench-claim")
    reset = (
        update(T).where(ready).values(status="pending", ready_at=at, attempts=0, claimed_by=None)
    )
    times: list[float] = []
    for _ in range(runs + 3):
        with db.engine.begin() as connection:
            connection.execute(reset)
        started = time.perf_counter()
        with db.session() as session:
            claimed = due_items.claim_ready(
                session,
                team_id=who,
                instance="bench-claim",
                now=NOW,
                lease_until=NOW + timedelta(minutes=5),
                limit=CLAIM,
            )
        times.append((time.perf_counter() - started) * 1000)
        assert len(claimed) == CLAIM, len(claimed)
    with db.engine.begin() as connection:
        connection.execute(update(T).where(ready).values(status="sent"))
    return times[3:]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(prog="python -m bench.ticks", description=__doc__)
    parser.add_argument(
        "--sizes", default="100000,1000000", help="enrollment counts (100000,1000000)"
    )
    parser.add_argument("--runs", type=int, default=200, help="timed passes per figure (200)")
    parser.add_argument("--scan-runs", type=int, default=5, help="timed full scans (5)")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]

    results: list[Figures] = []
    databases: list[str] = []
    if not args.no_sqlite:
        databases.append(sqlite_version())
        for n in sizes:
            with tempfile.TemporaryDirectory(prefix="tc-bench-") as tmp:
                url = f"sqlite:///{Path(tmp) / 'ticks.db'}"
                results.append(measure(url, "SQLite", n, args.runs, args.scan_runs))
                print(f"# {results[-1].backend} {n:,} done", file=sys.stderr, flush=True)
    if not args.no_postgres:
        with postgres_server() as server:
            if server is not None:
                databases.append(postgres_version(server))
                for n in sizes:
                    with fresh_database(server, "tc_bench_ticks") as url:
                        results.append(measure(url, "PostgreSQL", n, args.runs, args.scan_runs))
                    print(f"# PostgreSQL {n:,} done", file=sys.stderr, flush=True)

    print(machine(*databases))
    print(
        f"enrollments bulk-inserted as after planning (next item in the coming days, one sent "
        f"prompt each and a pending revisit for one in four in the queue, {PER_WORKSPACE:,} "
        f"per workspace), nothing due; median "
        f"(p90) ms of {args.runs} runs, {args.scan_runs} for the full scan"
    )
    head = (
        f"{'database':<11}{'enrollments':>12}{'load s':>8}{'steady pass':>16}{'stmts':>6}"
        f"{'plan query':>14}{'ready query':>14}{'claim 500':>15}{'full scan':>11}{'ratio':>9}"
    )
    print(head)

    def cell(values: list[float], width: int) -> str:
        return f"{median(values):.2f} ({p90(values):.2f})".rjust(width)

    for f in results:
        print(
            f"{f.backend:<11}{f.size:>12,}{f.load_s:>8.0f}{cell(f.steady, 16)}{f.statements:>6}"
            f"{cell(f.plan, 14)}{cell(f.ready, 14)}{cell(f.claim, 15)}"
            f"{median(f.full_scan):>11.0f}{median(f.full_scan) / median(f.steady):>8.0f}x"
        )
    print(
        "targets: steady pass < 5 ms, claim 500 < 10 ms; full scan = every active enrollment's "
        "schedule columns (the old per-minute read); ratio = full scan / steady pass"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
