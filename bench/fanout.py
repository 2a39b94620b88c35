"""Scheduler fan-out at a prompt hour: `.venv/bin/python -m bench.fanout [--help]`.

Three processes kinds, so that nothing measured shares an interpreter with what measures it:
  - the Slack emulator (`slack_emulator.SlackEmulator(latency=0.15)`: 150 ms per Web API
    answer, about Slack's from a server on another continent), in its own process; its CPU
    is read from /proc/<pid>/stat, to show whether it is the bottleneck, and it counts the
    prompts each recipient got (duplicates are counted there, not in the database);
  - the bot: `bench.scheduler_process`, one scheduler pass after another at Monday 09:00
    (planning included) until the queue is empty, the way `transition-coach run` builds its
    scheduler in OAuth mode (a bot token per workspace, read from the installation store);
    its CPU comes from its own /proc/self/stat over the passes;
  - this process: seeds the database and the emulator, starts the others, prints the table.

Runs:
  1. one by one: 1 worker, a few hundred prompts over the same workspaces (SQLite);
  2. one instance, 10,000 prompts over 100 workspaces, Slack's rate of 5 messages/s per
     workspace (budget 500/s), on SQLite and on PostgreSQL;
  3. PostgreSQL, 10,000 prompts over 200 workspaces: one instance, then two instances (two
     processes) at once; each instance sends for at most `--lanes` workspaces at a time.

PostgreSQL comes from TEST_DATABASE_URL, or a throwaway cluster (scripts/with-postgres).
Not part of pytest.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import insert

from bench.scheduler_process import CLIENT_ID
from bench.support import (
    ROOT,
    cpu_seconds,
    fresh_database,
    machine,
    postgres_server,
    postgres_version,
    sqlite_version,
)
from bot.config import BOT_SCOPES
from storage.db import Database
from storage.installations import installation_store
from storage.models import Participant, Workspace

START = date(2026, 11, 23)  # a Monday: program week 1
AT = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 09:00 in Berlin
JOINED = datetime(2026, 11, 20, tzinfo=UTC)
RATE = 5.0  # Slack's chat.postMessage: about one message per second per channel, bursts
# allowed; 5/s per workspace is the scheduler's default budget (SCHEDULER_RATE).


def team(i: int) -> str:
    return f"TF{i:04d}"


def token(i: int) -> str:
    return f"xoxb-fanout-{i:04d}"


def user(i: int, n: int) -> str:
    return f"UF{i:04d}{n:05d}"


# -- the emulator's process ----------------------------------------------------------------------


def _emulator(workspaces: int, per_team: int, latency: float, conn: Connection) -> None:
    """Seed, serve, answer `stats` with what it recorded, until told to `stop`."""
    from bot.config import BOT_SCOPES
    from slack_emulator import SlackEmulator

    # The scopes installing the app grants (the emulator checks every call against them).
    emulator = SlackEmulator(latency=latency, bot_scopes=BOT_SCOPES).start()
    for i in range(workspaces):
        emulator.add_workspace(team(i), token=token(i))
        for n in range(per_team):
            emulator.add_user(team(i), user(i, n), tz="Europe/Berlin")
    conn.send((emulator.base_url, os.getpid()))
    while (command := conn.recv()) != "stop":
        assert command == "stats"
        posts = emulator.calls_to("chat.postMessage")
        ok = [c for c in posts if c.ok]
        per_recipient = Counter((c.team_id, c.response.get("channel")) for c in ok)
        conn.send(
            {
                "posts": len(ok),
                "failed": len(posts) - len(ok),
                "recipients": len(per_recipient),
                "duplicates": sum(n - 1 for n in per_recipient.values() if n > 1),
                "first": min((c.at for c in ok), default=0.0),
                "last": max((c.at for c in ok), default=0.0),
            }
        )
    emulator.stop()


@contextmanager
def emulator_process(workspaces: int, per_team: int, latency: float) -> Iterator[Emulator]:
    """The emulator in a fresh process of its own (spawned, so it imports only itself)."""
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(
        target=_emulator, args=(workspaces, per_team, latency, child), daemon=True
    )
    process.start()
    base_url, pid = parent.recv()
    try:
        yield Emulator(base_url, pid, parent)
    finally:
        parent.send("stop")
        process.join(timeout=30)


@dataclass
class Emulator:
    base_url: str
    pid: int
    conn: Connection

    def stats(self) -> dict[str, Any]:
        self.conn.send("stats")
        answer: dict[str, Any] = self.conn.recv()
        return answer


# -- the database --------------------------------------------------------------------------------


def seed(url: str, workspaces: int, per_team: int) -> None:
    """Migrate; install the app in every workspace; enroll `per_team` people in each."""
    db = Database(url)
    try:
        db.migrate()
        store = installation_store(db, client_id=CLIENT_ID)
        for i in range(workspaces):
            store.save(
                Installation(
                    app_id="A0BENCH",
                    team_id=team(i),
                    user_id="U0INSTALLER",
                    bot_token=token(i),
                    bot_id=f"B{i:08d}",
                    bot_user_id=f"UB{i:07d}",
                    bot_scopes=list(BOT_SCOPES),
                    installed_at=JOINED.timestamp(),
                )
            )
        rows = [
            {
                "team_id": team(i),
                "user_id": user(i, n),
                "program_id": "product-engineer",
                "background": "backend",
                "start_date": START,
                "timezone": "Europe/Berlin",
                "status": "active",
                "joined_at": JOINED,
                "updated_at": JOINED,
            }
            for i in range(workspaces)
            for n in range(per_team)
        ]
        with db.engine.begin() as connection:
            connection.execute(
                insert(Workspace.__table__),  # type: ignore[attr-defined]
                [{"team_id": team(i), "created_at": JOINED} for i in range(workspaces)],
            )
            connection.execute(insert(Participant.__table__), rows)  # type: ignore[attr-defined]
    finally:
        db.dispose()


# -- a measured run ------------------------------------------------------------------------------


@dataclass
class Run:
    what: str
    database: str
    instances: int
    workers: int
    lanes: int
    workspaces: int
    prompts: int
    sent: int
    wall: float  # s, from the passes' start to the last instance's end
    span: float  # s, first to last message as the emulator saw them
    bot_cpu: float  # s, all instances together
    emulator_cpu: float  # s
    duplicates: int
    failed: int
    outcomes: dict[str, int]
    rss: float  # MiB, the largest instance's peak

    @property
    def rate(self) -> float:
        return self.sent / self.wall

    @property
    def budget(self) -> float:
        return self.workspaces * RATE

    @property
    def cpu_per_message(self) -> float:
        return self.bot_cpu / max(1, self.sent) * 1000

    @property
    def emulator_per_message(self) -> float:
        return self.emulator_cpu / max(1, self.sent) * 1000


def measure(
    what: str,
    database: str,
    url: str,
    *,
    workspaces: int,
    per_team: int,
    instances: int,
    workers: int,
    lanes: int,
    latency: float,
    profile: str | None = None,
) -> Run:
    """Seed, start the emulator and `instances` bot processes, let them drain the queue."""
    seed(url, workspaces, per_team)
    with emulator_process(workspaces, per_team, latency) as emulator:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        processes = []
        for k in range(instances):
            command = [
                sys.executable, "-m", "bench.scheduler_process", url, emulator.base_url,
                AT.isoformat(), "--workers", str(workers), "--rate", str(RATE),
                "--lanes", str(lanes), "--instance", f"bench-{k}",
            ]  # fmt: skip
            if profile and k == 0:
                command += ["--profile", profile]
            processes.append(
                subprocess.Popen(
                    command,
                    cwd=ROOT,
                    env=env,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    text=True,
                )
            )
        for process in processes:
            assert process.stdout is not None
            if process.stdout.readline().strip() != "ready":
                raise SystemExit("a scheduler process did not start")
        emulator_before = cpu_seconds(emulator.pid)
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        results = []
        for process in processes:
            out, _ = process.communicate(timeout=600)
            if process.returncode != 0:
                raise SystemExit(f"a scheduler process failed ({process.returncode})")
            results.append(json.loads(out.strip().splitlines()[-1]))
        emulator_cpu = cpu_seconds(emulator.pid) - emulator_before
        stats = emulator.stats()
    start = min(r["started"] for r in results)
    end = max(r["started"] + r["wall"] for r in results)
    outcomes: Counter[str] = Counter()
    for r in results:
        outcomes.update(r["outcomes"])
    return Run(
        what=what,
        database=database,
        instances=instances,
        workers=workers,
        lanes=lanes,
        workspaces=workspaces,
        prompts=workspaces * per_team,
        sent=stats["posts"],
        wall=end - start,
        span=stats["last"] - stats["first"],
        bot_cpu=sum(r["cpu"] for r in results),
        emulator_cpu=emulator_cpu,
        duplicates=stats["duplicates"],
        failed=stats["failed"],
        outcomes=dict(outcomes),
        rss=max(r["rss"] for r in results),
    )


def sqlite_url(directory: Path, name: str) -> str:
    return f"sqlite:///{directory / name}.db"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(prog="python -m bench.fanout", description=__doc__)
    parser.add_argument("--prompts", type=int, default=10_000, help="fan-out size (10,000)")
    parser.add_argument("--workspaces", type=int, default=100, help="workspaces (100)")
    parser.add_argument("--naive", type=int, default=300, help="one-by-one prompts (300)")
    parser.add_argument("--latency", type=float, default=0.15, help="emulator latency (0.15 s)")
    parser.add_argument("--workers", type=int, default=192, help="sending threads (192)")
    parser.add_argument("--lanes", type=int, default=100, help="workspaces per instance (100)")
    parser.add_argument(
        "--two-workspaces", type=int, default=200, help="workspaces for runs with two (200)"
    )
    parser.add_argument(
        "--two-lanes", type=int, default=50, help="workspaces per instance there (50)"
    )
    parser.add_argument("--only", default="naive,sqlite,postgres,two", help="runs to do")
    parser.add_argument("--profile", help="cProfile the SQLite run's bot process into this file")
    args = parser.parse_args(argv)
    only = set(args.only.split(","))

    runs: list[Run] = []
    databases = [sqlite_version()]
    with tempfile.TemporaryDirectory(prefix="tc-bench-") as tmp:
        directory = Path(tmp)
        if "naive" in only:
            runs.append(
                measure(
                    "one by one (1 worker)",
                    "SQLite",
                    sqlite_url(directory, "naive"),
                    workspaces=args.workspaces,
                    per_team=max(1, args.naive // args.workspaces),
                    instances=1,
                    workers=1,
                    lanes=args.lanes,
                    latency=args.latency,
                )
            )
        if "sqlite" in only:
            runs.append(
                measure(
                    "pipeline, one instance",
                    "SQLite",
                    sqlite_url(directory, "fanout"),
                    workspaces=args.workspaces,
                    per_team=args.prompts // args.workspaces,
                    instances=1,
                    workers=args.workers,
                    lanes=args.lanes,
                    latency=args.latency,
                    profile=args.profile,
                )
            )
    if only & {"postgres", "two"}:
        with postgres_server() as server:
            if server is not None:
                databases.append(postgres_version(server))
                if "postgres" in only:
                    with fresh_database(server, "tc_bench_fanout") as url:
                        runs.append(
                            measure(
                                "pipeline, one instance",
                                "PostgreSQL",
                                url,
                                workspaces=args.workspaces,
                                per_team=args.prompts // args.workspaces,
                                instances=1,
                                workers=args.workers,
                                lanes=args.lanes,
                                latency=args.latency,
                            )
                        )
                if "two" in only:
                    for instances in (1, 2):
                        with fresh_database(server, f"tc_bench_two{instances}") as url:
                            runs.append(
                                measure(
                                    f"{instances} instance{'s' * (instances > 1)}",
                                    "PostgreSQL",
                                    url,
                                    workspaces=args.two_workspaces,
                                    per_team=args.prompts // args.two_workspaces,
                                    instances=instances,
                                    workers=args.workers,
                                    lanes=args.two_lanes,
                                    latency=args.latency,
                                )
                            )
    report(runs, databases, args)
    return 0


def report(runs: list[Run], databases: list[str], args: argparse.Namespace) -> None:
    """The table, with ratios to the one-by-one run and to the rate budget."""
    print(machine(*databases))
    print(
        f"emulator in its own process, {args.latency * 1000:.0f} ms per answer; rate "
        f"{RATE:.0f} msg/s per workspace; bot CPU from the pass's /proc/self/stat"
    )
    naive = next((r for r in runs if r.workers == 1), None)
    print(
        f"{'run':<24}{'database':<11}{'ws':>4}{'thr':>5}{'lanes':>6}{'sent':>7}{'dup':>4}"
        f"{'wall s':>8}{'msg/s':>7}{'x 1-by-1':>9}{'x budget':>9}{'bot ms/msg':>11}"
        f"{'emu ms/msg':>11}{'emu core':>9}"
    )
    for r in runs:
        ratio = f"{r.rate / naive.rate:.0f}x" if naive is not None and r is not naive else ""
        print(
            f"{r.what:<24}{r.database:<11}{r.workspaces:>4}{r.workers * r.instances:>5}"
            f"{r.lanes:>6}{r.sent:>7}{r.duplicates:>4}{r.wall:>8.1f}{r.rate:>7.0f}{ratio:>9}"
            f"{r.rate / r.budget:>9.2f}{r.cpu_per_message:>11.2f}{r.emulator_per_message:>11.2f}"
            f"{r.emulator_cpu / r.wall:>9.2f}"
        )
    one = next((r for r in runs if r.what == "1 instance"), None)
    two = next((r for r in runs if r.what == "2 instances"), None)
    if one is not None and two is not None:
        print(
            f"two instances / one: x{two.rate / one.rate:.2f} msg/s, {two.duplicates} duplicates "
            f"of {two.sent} (counted at the emulator, by recipient)"
        )
    for r in runs:
        odd = {k: v for k, v in r.outcomes.items() if k not in ("sent",)}
        if r.failed or odd or r.sent != r.prompts:
            print(
                f"note: {r.what} {r.database}: {r.sent}/{r.prompts} sent, {r.failed} failed, {odd}"
            )
    print(
        "wall = first pass's start to the queue empty (planning included); msg/s = sent / wall; "
        "x budget = msg/s / (workspaces x rate); emu core = the emulator's CPU / wall"
    )


if __name__ == "__main__":
    sys.exit(main())
