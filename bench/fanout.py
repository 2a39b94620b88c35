"""Scheduler fan-out benchmark: `.venv/bin/python -m bench.fanout [--help]`.

Measures, against the Slack emulator running in its own process with realistic latency:
  1. messages/second of run_due_work (bounded thread pool, no workspace cap) over N participants
     spread over 10 workspaces;
  2. the same work done one by one (run_due_work with a single worker), over a subset;
  3. run_due_work with the default limits (5 messages/s per workspace), over a subset;
  4. the due-work query (find_due) with 100,000 enrollments: at the prompt hour (all due)
     and in the steady state (everything already sent).
SQLite files in a temporary directory; prints a table. Not part of pytest.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from multiprocessing.connection import Connection
from pathlib import Path

from bot.app import scheduler_client
from bot.clock import MovableClock
from bot.config import Settings
from bot.outbound import Outbound
from bot.programs import load_programs
from bot.scheduling.pipeline import RunnerConfig, run_due_work
from bot.services import Services
from storage import participants, workspaces
from storage.db import Database
from storage.models import Participant

WORKSPACES = 10
START = date(2026, 11, 23)  # a Monday: program week 1
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 09:00 in Berlin
JOINED = datetime(2026, 11, 20, tzinfo=UTC)


def team(i: int) -> str:
    return f"TB{i:02d}"


def token(i: int) -> str:
    return f"xoxb-bench-{i:02d}"


def user(i: int, n: int) -> str:
    return f"UB{i:02d}{n:06d}"


def _emulator(per_team: int, latency: float, conn: Connection) -> None:
    """The emulator process: seed, serve, report the port, run until told to stop."""
    from bot.config import BOT_SCOPES
    from slack_emulator import SlackEmulator

    # The scopes installing the app grants (the emulator checks every call against them).
    emulator = SlackEmulator(latency=latency, bot_scopes=BOT_SCOPES).start()
    for i in range(WORKSPACES):
        emulator.add_workspace(team(i), token=token(i))
        for n in range(per_team):
            emulator.add_user(team(i), user(i, n), tz="Europe/Berlin")
    conn.send(emulator.base_url)
    conn.recv()  # any message: stop
    emulator.stop()


def _database(directory: Path, name: str, per_team: int) -> Services:
    db = Database(f"sqlite:///{directory / name}.db")
    db.migrate()
    with db.session() as session:
        for i in range(WORKSPACES):
            workspaces.ensure_workspace(session, team_id=team(i), now=JOINED)
        rows = [
            Participant(
                team_id=team(i),
                user_id=user(i, n),
                program_id="product-engineer",
                background="backend",
                start_date=START,
                timezone="Europe/Berlin",
                status="active",
                joined_at=JOINED,
                updated_at=JOINED,
            )
            for i in range(WORKSPACES)
            for n in range(per_team)
        ]
        participants.add_many(session, rows)
    return Services(db=db, programs=load_programs(), clock=MovableClock(NOW))


def _clients(api_url: str) -> Callable[[str], Outbound]:
    clients = {
        team(i): Outbound(
            scheduler_client(Settings(bot_token=token(i), slack_api_url=api_url)),
            team_id=team(i),
        )
        for i in range(WORKSPACES)
    }
    return clients.__getitem__


def _pass(services: Services, api_url: str, config: RunnerConfig) -> tuple[int, float]:
    started = time.perf_counter()
    report = run_due_work(services, _clients(api_url), NOW, config=config)
    elapsed = time.perf_counter() - started
    services.db.dispose()
    return len(report.sent), elapsed


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(prog="python -m bench.fanout", description=__doc__)
    parser.add_argument("--participants", type=int, default=10_000, help="fan-out size (10,000)")
    parser.add_argument("--naive", type=int, default=500, help="one-by-one subset (500)")
    parser.add_argument("--capped", type=int, default=500, help="default-limits subset (500)")
    parser.add_argument("--enrollments", type=int, default=100_000, help="query size (100,000)")
    parser.add_argument("--latency", type=float, default=0.03, help="emulator latency (0.03 s)")
    parser.add_argument("--workers", type=int, default=16, help="fan-out threads (16)")
    args = parser.parse_args(argv)

    per_team = max(args.participants, args.naive, args.capped) // WORKSPACES
    parent, child = multiprocessing.Pipe()
    emulator = multiprocessing.Process(
        target=_emulator, args=(per_team, args.latency, child), daemon=True
    )
    emulator.start()
    api_url = parent.recv()
    rows: list[tuple[str, str, str]] = []
    try:
        with tempfile.TemporaryDirectory(prefix="tc-bench-") as tmp:
            directory = Path(tmp)
            fast = RunnerConfig(workers=args.workers, per_workspace_rate=0)
            sent, secs = _pass(
                _database(directory, "fanout", args.participants // WORKSPACES), api_url, fast
            )
            concurrent = sent / secs
            rows.append(
                (
                    f"run_due_work, {args.workers} workers, no cap",
                    f"{sent} msgs in {secs:.1f} s",
                    f"{concurrent:.0f} msg/s",
                )
            )
            one = RunnerConfig(workers=1, per_workspace_rate=0)
            sent, secs = _pass(
                _database(directory, "naive", args.naive // WORKSPACES), api_url, one
            )
            naive = sent / secs
            rows.append(
                ("one by one (1 worker)", f"{sent} msgs in {secs:.1f} s", f"{naive:.0f} msg/s")
            )
            rows.append(("ratio", "", f"{concurrent / naive:.1f}x"))
            sent, secs = _pass(
                _database(directory, "capped", args.capped // WORKSPACES), api_url, RunnerConfig()
            )
            rows.append(
                (
                    "run_due_work, defaults (8 workers, 5/s/ws)",
                    f"{sent} msgs in {secs:.1f} s",
                    f"{sent / secs:.0f} msg/s (cap {5 * WORKSPACES}/s)",
                )
            )
    finally:
        parent.send("stop")
        emulator.join(timeout=10)
    print(
        f"machine: nproc={os.cpu_count()}, python {platform.python_version()}, "
        f"emulator latency {args.latency * 1000:.0f} ms, SQLite"
    )
    width = max(len(r[0]) for r in rows)
    for what, detail, figure in rows:
        print(f"  {what:<{width}}  {detail:<22}  {figure}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
