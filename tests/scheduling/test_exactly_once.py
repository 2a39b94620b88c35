"""Exactly once: repeated passes, restarts, racing threads and racing processes."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from bot.scheduling.pipeline import TickReport, run_due_work
from bot.services import Services
from storage.db import Database
from tests.scheduling.conftest import config, header_text

MONDAY_NINE_BERLIN = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]


def enroll_many(sched, n: int) -> list[str]:
    users = [f"UX{i:04d}" for i in range(n)]
    for user in users:
        sched.enroll(user)
    return users


def per_user(sched) -> Counter[str]:
    return Counter(c.params["channel"] for c in sched.posts())


def test_the_same_pass_twice_sends_once(sched):
    users = enroll_many(sched, 5)
    first = sched.tick(MONDAY_NINE_BERLIN)
    second = sched.tick(MONDAY_NINE_BERLIN)
    assert len(first.sent) == 5
    assert second.outcomes == []
    assert per_user(sched) == dict.fromkeys(users, 1)
    assert all(r.status == "sent" and r.message_ts for r in sched.deliveries("prompt"))
    assert "5 sent" in str(first)


def test_a_restart_on_the_same_database_sends_nothing_again(sched, programs):
    users = enroll_many(sched, 3)
    sched.tick(MONDAY_NINE_BERLIN)
    restarted = Services(db=Database(sched.database_url), programs=programs, clock=sched.clock)
    try:
        report = run_due_work(
            restarted, sched.client_for_team(), MONDAY_NINE_BERLIN, config=config()
        )
    finally:
        restarted.db.dispose()
    assert report.sent == []
    assert per_user(sched) == dict.fromkeys(users, 1)


def test_racing_runners_in_threads_send_each_prompt_once(sched, programs):
    users = enroll_many(sched, 40)
    reports: list[TickReport] = []
    barrier = threading.Barrier(4)

    def runner() -> None:
        services = Services(db=Database(sched.database_url), programs=programs, clock=sched.clock)
        try:
            barrier.wait()
            reports.append(
                run_due_work(services, sched.client_for_team(), MONDAY_NINE_BERLIN, config=config())
            )
        finally:
            services.db.dispose()

    threads = [threading.Thread(target=runner) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(reports) == 4
    assert sum(len(r.sent) for r in reports) == 40
    assert per_user(sched) == dict.fromkeys(users, 1)
    assert all(header_text(c).startswith("Week 1 of 12") for c in sched.posts())


def tick_process(sched, at: str, **extra_env: str) -> subprocess.Popen[str]:
    """`transition-coach tick --at` in its own process, against the test's emulator and DB."""
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": sched.token,
        "SLACK_SIGNING_SECRET": "test-signing-secret",
        "SLACK_API_URL": sched.emulator.base_url,
        "DATABASE_URL": sched.database_url,
        "SCHEDULER_RATE": "100",
        "LOG_LEVEL": "WARNING",
        **extra_env,
    }
    env.pop("SLACK_APP_TOKEN", None)
    return subprocess.Popen(
        [sys.executable, "-m", "sandbox.cli", "tick", "--at", at],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_scheduler_processes_on_one_database_send_each_prompt_once(sched):
    users = enroll_many(sched, 60)
    processes = [tick_process(sched, "2026-11-23T08:00:00Z") for _ in range(2)]
    outputs = [p.communicate(timeout=60) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    assert per_user(sched) == dict.fromkeys(users, 1)
    sent_lines = sum(out.count("\nsent ") for out, _ in outputs)
    assert sent_lines == 60
    assert len(sched.deliveries("prompt")) == 60


def test_tick_through_the_cli_prints_what_it_sent(sched):
    sched.enroll("U1", tz="America/Los_Angeles", start=sched.clock.now().date())
    early = tick_process(sched, "2026-11-23T16:59:00Z")
    out, err = early.communicate(timeout=60)
    assert early.returncode == 0, err
    assert "nothing due" in out
    assert sched.posts("U1") == []
    on_time = tick_process(sched, "2026-11-23T17:00:00Z")  # 09:00 in Los Angeles
    out, err = on_time.communicate(timeout=60)
    assert on_time.returncode == 0, err
    assert "1 sent" in out
    assert "prompt" in out and "T1/U1" in out and "week-1" in out
    assert len(sched.prompts("U1")) == 1


def test_tick_refuses_a_malformed_time(sched):
    process = tick_process(sched, "next monday")
    _, err = process.communicate(timeout=60)
    assert process.returncode == 2
    assert "not an ISO 8601 time" in err


def test_people_who_get_the_same_prompt_share_one_encoding(sched, monkeypatch):
    """Five identical prompts: their blocks are encoded once and reach Slack whole, each
    message with its own recipient and items."""
    from bot.slack_http import Encoded

    encoded: list[str] = []
    real = Encoded.of.__func__  # type: ignore[attr-defined]

    def counting(cls, value):
        made = real(cls, value)
        encoded.append(made.text)
        return made

    monkeypatch.setattr(Encoded, "of", classmethod(counting))
    users = enroll_many(sched, 5)
    sched.enroll("UY0001", background="design")  # another background: another prompt
    report = sched.tick(MONDAY_NINE_BERLIN)
    assert len(report.sent) == 6
    assert len(encoded) == 2
    posts = sched.posts()
    assert sorted(c.params["channel"] for c in posts) == sorted([*users, "UY0001"])
    same = [c for c in posts if c.params["channel"] in users]
    assert all(c.params["blocks"] == same[0].params["blocks"] for c in same)
    assert same[0].params["blocks"][0]["type"] == "header"
    items = [c.params["metadata"]["event_payload"]["items"] for c in posts]
    assert len({tuple(i) for i in items}) == 6
