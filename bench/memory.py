"""Resident memory of the running bot, read from outside it: `.venv/bin/python -m bench.memory`.

Each figure comes from a fresh process, read from /proc/<pid>/status by this one (VmRSS
sampled every 0.2 s, and the kernel's peak, VmHWM, at the end):
  1. baseline: Python with slack_bolt imported, nothing else;
  2. the bot (`python -m bot.cli run`, HTTP, one bot token, the Slack emulator in a process
     of its own) on an empty SQLite database;
  3. the same bot on a database holding 1,000,000 enrollments (bench.ticks' data: a sent
     prompt each, a pending revisit for one in four, 1,000 per workspace, nothing due), of
     which `--due` (2,000) are due their weekly prompt: it answers 50 signed
     `/transition status` commands, then its scheduler's first pass (a minute after start)
     plans and sends those prompts, and the figures are read once the emulator has them all.
Not part of pytest.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from bench.fanout import emulator_process, team, token, user
from bench.latency import free_port, wait_healthy
from bench.support import ROOT, machine, memory_mib, sqlite_version
from bench.ticks import load
from slack_emulator.slack_requests import SlackSender
from storage.db import Database
from storage.models import Participant, Workspace

SECRET = "bench-memory-signing-secret"


@dataclass
class Figures:
    what: str
    rss: float  # MiB at the end
    sampled_max: float  # MiB, the largest VmRSS sampled
    peak: float  # MiB, VmHWM
    posts: int = 0


class Sampler:
    """Reads a process's VmRSS every 0.2 s from outside it, keeping the largest."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.largest = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            try:
                self.largest = max(self.largest, memory_mib(self.pid)["rss"])
            except (FileNotFoundError, ProcessLookupError, KeyError):
                return

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def baseline() -> Figures:
    """Python with slack_bolt imported, idle."""
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, slack_bolt; print('ready', flush=True); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stdin is not None
    child.stdout.readline()
    now = memory_mib(child.pid)
    child.stdin.close()
    child.wait()
    return Figures("baseline: python + slack_bolt imported", now["rss"], now["rss"], now["peak"])


def week_start(now: datetime) -> datetime:
    """Monday of the program week whose prompt (Monday 09:00 Berlin) has come by `now`."""
    monday = (now - timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0)
    return monday if now >= monday + timedelta(hours=9) else monday - timedelta(days=7)


def seed(url: str, enrollments: int, due: int, now: datetime) -> None:
    """`enrollments` with nothing due, plus `due` in the emulator's workspace whose weekly
    prompt is due now (planned at the next pass: next_due_at left at its default)."""
    db = Database(url)
    try:
        load(db, enrollments, now)
        start = week_start(now)
        with db.engine.begin() as connection:
            connection.execute(
                insert(Workspace.__table__),  # type: ignore[attr-defined]
                [{"team_id": team(0), "created_at": start - timedelta(days=3)}],
            )
            connection.execute(
                insert(Participant.__table__),  # type: ignore[attr-defined]
                [
                    {
                        "team_id": team(0),
                        "user_id": user(0, n),
                        "program_id": "product-engineer",
                        "background": "backend",
                        "start_date": start.date(),
                        "timezone": "Europe/Berlin",
                        "status": "active",
                        "joined_at": start - timedelta(days=3),
                        "updated_at": start - timedelta(days=3),
                    }
                    for n in range(due)
                ],
            )
    finally:
        db.dispose()


def run_bot(what: str, enrollments: int, due: int, directory: Path) -> Figures:
    """Start the bot as an operator would, drive it, and read its memory from outside."""
    url = f"sqlite:///{directory / f'memory-{enrollments}.db'}"
    now = datetime.now(UTC)
    if enrollments:
        seed(url, enrollments, due, now)
    else:
        Database(url).migrate()
    with emulator_process(1, max(1, due), 0.0) as emulator:
        port = free_port()
        log = directory / f"bot-{enrollments}.log"
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "SLACK_BOT_TOKEN": token(0),
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": emulator.base_url,
            "DATABASE_URL": url,
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "SCHEDULER_RATE": "100",
            "LOG_LEVEL": "WARNING",
        }
        with log.open("wb") as out:
            bot = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "run"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        sampler = Sampler(bot.pid)
        try:
            wait_healthy(port, bot, log)
            started = time.monotonic()
            sender = SlackSender(f"http://127.0.0.1:{port}/slack/events", SECRET, team_id=team(0))
            for n in range(50):
                answer = sender.command("status", user_id=user(0, n % max(1, due)))
                if answer.status != 200:
                    raise SystemExit(f"/transition status answered {answer.status}")
            posts = 0
            if due:
                # The scheduler's first pass comes a minute after start; wait for its sends.
                deadline, last, steady_since = started + 300, -1, time.monotonic()
                while time.monotonic() < deadline:
                    posts = emulator.stats()["posts"]
                    if posts != last:
                        last, steady_since = posts, time.monotonic()
                    elif posts >= due and time.monotonic() - steady_since > 3:
                        break
                    time.sleep(0.5)
                else:
                    raise SystemExit(f"the bot sent {posts} of {due} prompts in 5 minutes")
            else:
                time.sleep(2)
            sampler.stop()
            now_mib = memory_mib(bot.pid)
        finally:
            sampler.stop()
            bot.send_signal(signal.SIGTERM)
            try:
                bot.wait(timeout=60)
            except subprocess.TimeoutExpired:
                bot.kill()
    return Figures(
        what, now_mib["rss"], max(sampler.largest, now_mib["rss"]), now_mib["peak"], posts
    )


def main() -> None:
    """Measure the three processes and print them against the baseline."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enrollments", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=2_000, help="prompts due at the first pass")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tc-bench-") as tmp:
        directory = Path(tmp)
        base = baseline()
        idle = run_bot("the bot, empty database, 50 commands", 0, 0, directory)
        busy = run_bot(
            f"the bot, {args.enrollments:,} enrollments, 50 commands, {args.due:,} prompts sent",
            args.enrollments,
            args.due,
            directory,
        )
    print(machine(sqlite_version()))
    print("memory read from outside each process (/proc/<pid>/status); target: RSS <= 120 MiB")
    print(f"{'process':<64}{'RSS MiB':>9}{'max MiB':>9}{'peak MiB':>10}{'x base':>8}")
    for f in (base, idle, busy):
        print(
            f"{f.what:<64}{f.rss:>9.1f}{f.sampled_max:>9.1f}{f.peak:>10.1f}{f.rss / base.rss:>8.2f}"
        )
    verdict = "met" if busy.peak <= 120 else "NOT MET"
    print(
        f"RSS = at the end; max = largest sampled every 0.2 s; peak = VmHWM. With "
        f"{args.enrollments:,} enrollments: peak {busy.peak:.1f} MiB <= 120 MiB {verdict} "
        f"({busy.posts:,} prompts counted at the emulator)"
    )


if __name__ == "__main__":
    main()
