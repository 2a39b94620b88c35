"""One scheduler pass in a process of its own: the bot side of `bench.fanout`.

`python -m bench.scheduler_process DATABASE_URL API_URL AT [options]`

Builds what `transition-coach run` builds for its scheduler in OAuth mode, where each
workspace's bot token is read from the installation store (the services over the database,
`client_for_team`, a RunnerConfig), prints `ready`, waits for a line on stdin (so
several processes start their pass together and imports are not timed), runs
`run_due_work` at AT after another, as the minute job would (with the service's one rate
limiter), until the queue holds nothing open, and prints one JSON line: the wall time, this
process's CPU (/proc/self/stat) over those passes, its peak RSS, and the outcome counts.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import sys
import threading
import time
from collections import Counter
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import col

from bench.support import cpu_seconds, memory_mib
from bot.app import client_for_team
from bot.clock import MovableClock
from bot.config import Settings
from bot.programs import load_programs
from bot.scheduling.pipeline import RateLimiter, RunnerConfig, run_due_work
from bot.services import Services
from storage.db import Database
from storage.due_items import OPEN
from storage.models import DueItem

CLIENT_ID = "1111.2222"


def open_items(services: Services) -> int:
    """How many queue items are not done with yet (the benchmark's own check)."""
    with services.db.session() as session:
        found = session.execute(
            select(func.count()).select_from(DueItem).where(col(DueItem.status).in_(OPEN))
        ).scalar_one()
    return int(found)


class ThreadProfiles:
    """cProfile in every thread (the sending threads are where most of the time goes), timed
    by each thread's own CPU clock: waiting for Slack or for the GIL costs nothing here."""

    def __init__(self) -> None:
        self.profiles: list[cProfile.Profile] = []
        self.lock = threading.Lock()

    def _new(self) -> cProfile.Profile:
        profile = cProfile.Profile(time.thread_time)
        with self.lock:
            self.profiles.append(profile)
        return profile

    def _in_thread(self, *_: object) -> None:
        # Called once by each thread started from now on; cProfile then takes over its hook.
        sys.setprofile(None)
        self._new().enable()

    def start(self) -> None:
        """Profile this thread and every thread started after this call."""
        threading.setprofile(self._in_thread)
        self._new().enable()

    def dump(self, path: str) -> None:
        """Stop profiling and write the merged statistics."""
        threading.setprofile(None)
        for profile in self.profiles:
            profile.disable()  # stops this thread's; the sending threads have ended
        stats = pstats.Stats(self.profiles[0])
        for profile in self.profiles[1:]:
            profile.create_stats()
            if profile.stats:
                stats.add(profile)
        stats.dump_stats(path)


def main(argv: list[str] | None = None) -> int:
    """Run one pass when told to; print its figures as JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench.scheduler_process")
    parser.add_argument("database_url")
    parser.add_argument("api_url")
    parser.add_argument("at", help="ISO time of the pass")
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--rate", type=float, default=5.0)
    parser.add_argument("--lanes", type=int, default=RunnerConfig.lanes)
    parser.add_argument("--instance", default="bench")
    parser.add_argument(
        "--profile", help="write a CPU-time cProfile of the passes, every thread, to this file"
    )
    parser.add_argument("--give-up", type=float, default=300.0, help="seconds (300)")
    args = parser.parse_args(argv)

    now = datetime.fromisoformat(args.at)
    services = Services(Database(args.database_url), load_programs(), MovableClock(now))
    settings = Settings(
        client_id=CLIENT_ID,
        client_secret="bench-client-secret",
        signing_secret="bench-signing-secret",
        database_url=args.database_url,
        slack_api_url=args.api_url,
    )
    slack_for = client_for_team(settings, services)
    config = RunnerConfig(
        workers=args.workers,
        per_workspace_rate=args.rate,
        lanes=args.lanes,
        instance=args.instance,
    )
    print("ready", flush=True)
    sys.stdin.readline()
    limiter = RateLimiter(config.per_workspace_rate, config.burst)
    profiles = ThreadProfiles() if args.profile else None
    outcomes: Counter[str] = Counter()
    passes = 0
    cpu, started, wall = cpu_seconds(), time.time(), time.perf_counter()
    if profiles is not None:
        profiles.start()
    while True:
        report = run_due_work(services, slack_for, now, config=config, limiter=limiter)
        passes += 1
        outcomes.update(o.result for o in report.outcomes)
        if not report.outcomes:
            if not open_items(services) or time.perf_counter() - wall > args.give_up:
                break
            time.sleep(0.2)  # another instance holds the lanes that are left
    if profiles is not None:
        profiles.dump(args.profile)
    elapsed, used = time.perf_counter() - wall, cpu_seconds() - cpu
    services.db.dispose()
    print(
        json.dumps(
            {
                "started": started,
                "wall": elapsed,
                "cpu": used,
                "passes": passes,
                "sent": outcomes["sent"] + outcomes["recovered"],
                "outcomes": dict(outcomes),
                "rss": memory_mib()["peak"],
            }
        ),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
