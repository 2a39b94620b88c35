"""Resident memory, idle and with 100,000 participants: `.venv/bin/python -m bench.memory`.

Each figure comes from a fresh process (so one measurement can't inflate the next):
  1. baseline: Python with slack_bolt imported, nothing else;
  2. idle: the whole bot built (settings, programs, migrated SQLite database, Bolt app);
  3. busy: the same bot after 100,000 enrollments were written, with one scheduler pass's
     due-work query over all of them and a status lookup.
Prints VmRSS (current) and the peak (VmHWM) in MiB. Not part of pytest.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def rss_mib() -> dict[str, float]:
    """Current and peak resident size of this process, from /proc."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return {"rss": fields["VmRSS"], "peak": fields["VmHWM"]}


def measure(stage: str, db_path: str, participants: int) -> dict[str, float]:
    """Run inside the child process: build what `stage` asks for, then report memory."""
    import slack_bolt  # noqa: F401  (the baseline includes the framework)

    if stage == "baseline":
        return rss_mib()
    from bot.app import create_app
    from bot.clock import MovableClock
    from bot.config import Settings
    from bot.programs import load_programs
    from bot.services import Services
    from slack_emulator import SlackEmulator
    from storage.db import Database

    emulator = SlackEmulator().start()
    token = emulator.add_workspace("T1", name="Bench", domain="bench")
    url = f"sqlite:///{db_path}"
    db = Database(url)
    db.migrate()
    clock = MovableClock(datetime(2026, 11, 23, 8, 0, tzinfo=UTC))
    services = Services(db=db, programs=load_programs(), clock=clock)
    settings = Settings(
        bot_token=token, signing_secret="s", database_url=url, slack_api_url=emulator.base_url
    )
    create_app(settings, services=services)
    if stage == "idle":
        return rss_mib()

    from sqlalchemy import insert

    from bot.services.status import status
    from storage.models import Participant

    rows = [
        {
            "team_id": f"T{n % 10}",
            "user_id": f"U{n:07d}",
            "program_id": "product-engineer" if n % 2 else "engineer-to-pm",
            "background": "backend",
            "start_date": date(2026, 11, 16),
            "timezone": "Europe/Berlin",
            "status": "active",
            "joined_at": clock.now(),
            "updated_at": clock.now(),
        }
        for n in range(participants)
    ]
    with db.engine.begin() as connection:
        for start in range(0, len(rows), 10_000):
            connection.execute(insert(Participant), rows[start : start + 10_000])
    del rows
    from bot.scheduling.plan import plan_enrollments

    due = 0  # one planning round per 500 enrollments, as passes do at a prompt hour
    while (round_ := plan_enrollments(services, clock.now())).seen:
        due += len(round_.planned)
    status(services, team_id="T1", user_id="U0000001")
    result = rss_mib()
    result["due"] = due
    return result


def child(stage: str, participants: int) -> dict[str, float]:
    """Measure one stage in a fresh interpreter."""
    with tempfile.TemporaryDirectory() as tmp:
        code = (
            "import json, sys; from bench.memory import measure; "
            f"print(json.dumps(measure({stage!r}, {str(Path(tmp) / 'm.db')!r}, {participants})))"
        )
        out = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            check=True,
        )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    """Measure the three stages and print them against the baseline."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=100_000)
    args = parser.parse_args()
    base = child("baseline", 0)
    idle = child("idle", 0)
    busy = child("busy", args.participants)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"{'process':<52}{'RSS MiB':>9}{'peak MiB':>10}{'x base':>8}")
    for name, r in (
        ("baseline: python + slack_bolt imported", base),
        ("idle: the bot built, database migrated", idle),
        (f"busy: {args.participants:,} participants, due query + status", busy),
    ):
        print(f"{name:<52}{r['rss']:>9.1f}{r['peak']:>10.1f}{r['rss'] / base['rss']:>8.2f}")
    if busy.get("due", -1) >= 0:
        print(f"(the due-work query found {int(busy['due']):,} prompts due)")


if __name__ == "__main__":
    main()
