"""Team digest data gathering at scale: `.venv/bin/python -m bench.digest [--help]`.

Loads N entries (default 1,000,000) spread over 20 workspaces x 500 participants and 26 weeks,
plus two deliverables marked done per participant, then times one workspace's weekly digest:
  - ours: the scheduler's own `render` of a digest delivery (per program: members not
    started / by program week / paused / finished, entries of the last 7 days by kind,
    deliverables done, who kept the journal, six weeks of participation, the "needs
    attention" counts; the week's ship posts), i.e. exactly what a tick runs;
  - naive: every participant, entry and deliverable row of the workspace loaded as ORM
    objects and counted in Python.
Both must produce the same message. Runs on SQLite (a temporary file) and, when
--postgres-url or TEST_DATABASE_URL is given, on PostgreSQL too, in a fresh database created
for the run and dropped afterwards (`scripts/with-postgres .venv/bin/python -m bench.digest`).
Prints medians in ms. Not part of pytest.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, make_url, text
from sqlmodel import select

from bot.blocks.reminders import digest_message
from bot.clock import MovableClock
from bot.kinds import ENTRY_KINDS
from bot.pictures import digest_chart_apart
from bot.programs import load_programs
from bot.progress import local_date, program_week
from bot.scheduling.due import DIGEST, digest_period, digest_slot
from bot.scheduling.kinds import Message
from bot.services import Services
from bot.services.digest import (
    SILENT_DAYS,
    STEADY_JOURNAL_DAYS,
    TREND_WEEKS,
    UNANSWERED_WEEKS,
    Attention,
    DigestData,
    Flagged,
    ProgramDigest,
    ShipLink,
    render_digests,
)
from storage import participants
from storage.db import Database
from storage.due_items import Claimed
from storage.models import DeliverableDone, Entry, Participant, Workspace

WORKSPACES = 20
PER_WORKSPACE = 500
WEEKS = 26
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday 09:00 UTC: the digest slot
TIMEZONES = ["Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC", "America/Los_Angeles"]
BATCH = 20_000
BENCH_TEAM = "TD00"


def team(i: int) -> str:
    return f"TD{i:02d}"


def _rows(entries: int, seed: int = 7) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """(table, batch of rows) to insert, generated lazily so 1M entries never sit in memory."""
    rng = random.Random(seed)
    until = digest_slot(NOW, 0, 9)
    first = until - timedelta(weeks=WEEKS)
    span = int((until - first).total_seconds())
    kinds = list(ENTRY_KINDS)
    yield (
        "workspace",
        [
            {
                "team_id": team(i),
                "name": f"Bench {i}",
                "team_channel_id": f"CD{i:02d}",
                "prompt_weekday": 0,
                "prompt_hour": 9,
                "revisit_days": 28,
                "created_at": first,
            }
            for i in range(WORKSPACES)
        ],
    )
    people: list[tuple[str, str, date, int]] = []
    batch: list[dict[str, Any]] = []
    for i in range(WORKSPACES):
        for n in range(PER_WORKSPACE):
            start = (first + timedelta(weeks=rng.randrange(WEEKS))).date()
            start -= timedelta(days=start.weekday())
            people.append((team(i), f"UD{i:02d}{n:05d}", start, n))
            batch.append(
                {
                    "team_id": team(i),
                    "user_id": f"UD{i:02d}{n:05d}",
                    # A third in the 13-week PM program; one in seven shares with the coach.
                    "program_id": "engineer-to-pm" if n % 3 == 0 else "product-engineer",
                    "share_progress": n % 7 == 0,
                    "background": "backend",
                    "start_date": start,
                    "timezone": TIMEZONES[n % len(TIMEZONES)],
                    # Some paused and left people: the digest counts active ones only.
                    "status": "active" if n % 10 else ("paused", "left")[n % 20 // 10],
                    "paused_at": None,
                    "joined_at": first,
                    "updated_at": first,
                }
            )
    yield "participant", batch
    yield (
        "deliverabledone",
        [
            {
                "team_id": t,
                "user_id": u,
                "program_id": "engineer-to-pm" if n % 3 == 0 else "product-engineer",
                "phase_key": phase,
                "evidence": "bench evidence",
                "done_at": first + timedelta(seconds=rng.randrange(span)),
            }
            for t, u, _, n in people
            for phase in (("observe", "customer-contact") if n % 3 else ("pm-scope", "audit"))
        ],
    )
    batch = []
    for k in range(entries):
        t, u, start, _ = people[k % len(people)]
        created = first + timedelta(seconds=rng.randrange(span))
        batch.append(
            {
                "team_id": t,
                "user_id": u,
                "kind": kinds[rng.randrange(len(kinds))],
                "program_week": max(1, (created.date() - start).days // 7 + 1),
                "text": "We picked the smaller scope to ship before the conference.",
                "fields": {},
                "client_key": None,
                "created_at": created,
                "post_channel_id": None,
                "post_ts": None,
                "followup_sent_at": None,
                "revisit_sent_at": None,
            }
        )
        if len(batch) == BATCH:
            yield "entry", batch
            batch = []
    if batch:
        yield "entry", batch


def load(db: Database, entries: int) -> float:
    """Bulk-insert the data set with Core inserts; returns the seconds it took."""
    tables = {
        "workspace": Workspace.__table__,  # type: ignore[attr-defined]
        "participant": Participant.__table__,  # type: ignore[attr-defined]
        "deliverabledone": DeliverableDone.__table__,  # type: ignore[attr-defined]
        "entry": Entry.__table__,  # type: ignore[attr-defined]
    }
    started = time.perf_counter()
    with db.engine.begin() as connection:
        for table, batch in _rows(entries):
            connection.execute(insert(tables[table]), batch)
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        # Fresh statistics (and, on PostgreSQL, a visibility map for index-only scans), as
        # autovacuum / a long-running database would have them.
        connection.execute(text("VACUUM ANALYZE" if db.engine.name == "postgresql" else "ANALYZE"))
    return time.perf_counter() - started


def ours(services: Services) -> Message | None:
    """The scheduler's digest for one workspace, as a pass renders it."""
    item = Claimed(
        id=1,
        team_id=BENCH_TEAM,
        user_id="",
        kind=DIGEST,
        period=digest_period(NOW),
        due_at=digest_slot(NOW, 0, 9),
        expires_at=None,
        attempts=1,
        payload={},
        recovered=False,
    )
    with services.db.session() as session:
        return render_digests(services, session, [item], NOW)[1]


def naive(services: Services) -> Message | None:
    """Load every row of the workspace as ORM objects and count in Python.

    Deliberately not in storage/ and written apart from bot/services/digest.py: this is the
    baseline (and the cross-check) the real queries are measured against.
    """
    programs = services.programs
    with services.db.session() as session:
        workspace = session.get(Workspace, BENCH_TEAM)
        assert workspace is not None and workspace.team_channel_id
        until = digest_slot(NOW, workspace.prompt_weekday, workspace.prompt_hour)
        since = until - timedelta(days=7)
        people = [
            p
            for p in participants.list_in_team(session, team_id=BENCH_TEAM)
            if p.status in ("active", "paused")
        ]
        program_of = {p.user_id: p.program_id for p in people}
        rows = list(session.exec(select(Entry).where(Entry.team_id == BENCH_TEAM)).all())
        by_user: dict[str, list[Entry]] = {}
        for e in rows:
            by_user.setdefault(e.user_id, []).append(e)
        done = session.exec(
            select(DeliverableDone).where(DeliverableDone.team_id == BENCH_TEAM)
        ).all()
        done_keys = {(d.user_id, d.program_id, d.phase_key) for d in done}
        out: list[ProgramDigest] = []
        order = {program_id: i for i, program_id in enumerate(programs)}
        for program_id in sorted({p.program_id for p in people}, key=lambda p: order.get(p, 99)):
            program = programs[program_id]
            mine = [p for p in people if p.program_id == program_id]
            ours_rows = [e for e in rows if program_of.get(e.user_id) == program_id]
            week_rows = [e for e in ours_rows if since <= e.created_at < until]
            counts: Counter[str] = Counter()
            by_week: Counter[int] = Counter()
            silent, past_due, unanswered, journaling = [], [], [], 0
            for p in mine:
                today = local_date(until, p.timezone)
                week = program_week(p.start_date, today)
                if p.status == "paused":
                    counts["paused"] += 1
                elif week < 1:
                    counts["not_started"] += 1
                elif week > program.weeks:
                    counts["finished"] += 1
                else:
                    by_week[week] += 1
                    theirs = [e for e in by_user.get(p.user_id, []) if e.created_at < until]
                    days = {
                        e.created_at.astimezone(UTC).date()
                        for e in theirs
                        if e.kind == "decision" and e.created_at >= since
                    }
                    journaling += len(days) >= STEADY_JOURNAL_DAYS
                    recent = [e for e in theirs if e.created_at >= until - timedelta(days=22)]
                    if (today - p.start_date).days >= SILENT_DAYS and not any(
                        e.created_at >= until - timedelta(days=SILENT_DAYS) for e in recent
                    ):
                        silent.append(p)
                    if week > UNANSWERED_WEEKS and not any(
                        e.program_week in range(week - UNANSWERED_WEEKS, week) for e in recent
                    ):
                        unanswered.append(p)
                    if any(
                        ph.last_week < week and (p.user_id, program_id, ph.key) not in done_keys
                        for ph in program.phases
                    ):
                        past_due.append(p)
            edges = [until - timedelta(weeks=TREND_WEEKS - i) for i in range(TREND_WEEKS + 1)]

            def flag(found: list[Participant]) -> Flagged:
                return Flagged(
                    len(found), tuple(sorted(p.user_id for p in found if p.share_progress))
                )

            out.append(
                ProgramDigest(
                    program_id=program_id,
                    title=program.title,
                    weeks=program.weeks,
                    not_started=counts["not_started"],
                    by_week=dict(by_week),
                    paused=counts["paused"],
                    finished=counts["finished"],
                    logged=dict(Counter(e.kind for e in week_rows)),
                    deliverables_done=sum(
                        1 for d in done if d.program_id == program_id and since <= d.done_at < until
                    ),
                    deliverables_total=sum(1 for d in done if d.program_id == program_id),
                    journaling=journaling,
                    participation=tuple(
                        len(
                            {
                                e.user_id
                                for e in ours_rows
                                if edges[i] <= e.created_at < edges[i + 1]
                            }
                        )
                        for i in range(TREND_WEEKS)
                    ),
                    attention=Attention(flag(silent), flag(past_due), flag(unanswered)),
                )
            )
        ships = [
            ShipLink.of(e)
            for e in sorted(rows, key=lambda e: e.created_at)
            if e.kind == "ship"
            and e.post_ts
            and e.fields.get("posted_to") == "team"
            and since <= e.created_at < until
        ]
        text_, blocks = digest_message(
            period=digest_period(NOW), data=DigestData(programs=out, ship_posts=ships)
        )
        chart = partial(digest_chart_apart, out) if out else None
        return Message(workspace.team_channel_id, text_, blocks, picture=chart, picture_at=1)


def comparable(message: Message | None) -> tuple[Any, ...] | None:
    """What a digest says, for comparing two: its text and blocks, and the chart it would
    draw (a partial compares by identity, so its function and the data it is given)."""
    if message is None:
        return None
    picture = message.picture
    drawn = (picture.func, picture.args) if isinstance(picture, partial) else picture
    return (message.channel, message.text, message.blocks, drawn, message.picture_at)


def median_ms(fn: Callable[[Services], Message | None], services: Services, runs: int) -> float:
    """Median wall time of `runs` calls after one warm-up call, in ms."""
    fn(services)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn(services)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure(url: str, entries: int, runs: int, naive_runs: int) -> tuple[float, float, float]:
    """Migrate and load `url`, check both digests agree, then time them: (load s, ours, naive)."""
    db = Database(url)
    try:
        db.migrate()
        loaded = load(db, entries)
        services = Services(db=db, programs=load_programs(), clock=MovableClock(NOW))
        mine, theirs = ours(services), naive(services)
        if mine is None or comparable(mine) != comparable(theirs):
            raise SystemExit(f"digests differ:\n ours:  {mine}\n naive: {theirs}")
        return loaded, median_ms(ours, services, runs), median_ms(naive, services, naive_runs)
    finally:
        db.dispose()


def postgres(server_url: str, entries: int, runs: int, naive_runs: int) -> tuple[float, ...]:
    """The measurement in a fresh database on `server_url`'s server, dropped afterwards."""
    name = f"tc_bench_digest_{os.getpid()}"
    admin = create_engine(make_url(server_url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            url = make_url(server_url).set(database=name)
            return measure(url.render_as_string(hide_password=False), entries, runs, naive_runs)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    finally:
        admin.dispose()


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(prog="python -m bench.digest", description=__doc__)
    parser.add_argument("--entries", type=int, default=1_000_000, help="entries (1,000,000)")
    parser.add_argument("--runs", type=int, default=9, help="timed runs of ours (9)")
    parser.add_argument("--naive-runs", type=int, default=3, help="timed runs of naive (3)")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("TEST_DATABASE_URL"),
        help="a PostgreSQL server to create the bench database in (default: TEST_DATABASE_URL)",
    )
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    args = parser.parse_args(argv)

    results: list[tuple[str, tuple[float, ...]]] = []
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory(prefix="tc-bench-") as tmp:
            url = f"sqlite:///{Path(tmp) / 'digest.db'}"
            results.append(("SQLite", measure(url, args.entries, args.runs, args.naive_runs)))
    if args.postgres_url:
        figures = postgres(args.postgres_url, args.entries, args.runs, args.naive_runs)
        results.append(("PostgreSQL", figures))

    per_team = args.entries // WORKSPACES
    print(
        f"machine: nproc={os.cpu_count()}, python {platform.python_version()}; "
        f"{args.entries:,} entries over {WORKSPACES} workspaces x {PER_WORKSPACE} participants "
        f"and {WEEKS} weeks; one workspace's digest ({per_team:,} entries, ~"
        f"{per_team // WEEKS:,} in its week); median of {args.runs} (ours) / "
        f"{args.naive_runs} (naive) runs"
    )
    header = ("backend", "rows", "load s", "ours ms", "naive ms", "ratio")
    print("  " + "  ".join(f"{h:>10}" for h in header))
    for backend, (loaded, mine, theirs) in results:
        cells = (
            backend,
            f"{args.entries:,}",
            f"{loaded:.0f}",
            f"{mine:.1f}",
            f"{theirs:.0f}",
            f"{theirs / mine:.0f}x",
        )
        print("  " + "  ".join(f"{c:>10}" for c in cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
