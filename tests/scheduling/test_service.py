"""The APScheduler wiring: one interval job, started by every run mode; the rate limiter."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import event

from bot.config import Settings
from bot.scheduling.due import Due
from bot.scheduling.pipeline import RateLimiter, interleave_teams, run_due_work
from bot.scheduling.service import JOB_ID, SchedulerService
from sandbox.offline import run_offline
from tests.scheduling.conftest import config

WEEK1 = datetime(2026, 11, 23, 8, tzinfo=UTC)


def test_one_interval_job_that_runs_a_pass_at_the_injected_clock(sched):
    service = SchedulerService(sched.services, sched.client_for_team(), config=config())
    [job] = service.scheduler.get_jobs()
    assert job.id == JOB_ID
    assert job.trigger.interval == timedelta(seconds=60)
    assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, 30)
    sched.enroll("U1")
    sched.clock.set(WEEK1 - timedelta(minutes=1))
    assert service.run_now().outcomes == []
    sched.clock.set(WEEK1)
    assert [o.result for o in service.run_now().outcomes] == ["sent"]
    assert service.run_now().outcomes == []
    service.start()
    try:
        assert service.scheduler.running
        assert service.scheduler.get_job(JOB_ID).next_run_time is not None
    finally:
        service.shutdown()
    assert not service.scheduler.running
    assert len(sched.prompts("U1")) == 1


def _free_port_pair() -> int:
    for _ in range(50):
        with socket.socket() as a, socket.socket() as b:
            try:
                a.bind(("127.0.0.1", 0))
                port = a.getsockname()[1]
                b.bind(("127.0.0.1", port + 1))
                return port
            except OSError:
                continue
    raise RuntimeError("no two adjacent free ports")


def test_offline_mode_starts_the_scheduler(tmp_path, log_watcher):
    settings = replace(
        Settings(database_url=f"sqlite:///{tmp_path / 'offline.db'}"), port=_free_port_pair()
    )
    stop = threading.Event()
    thread = threading.Thread(target=run_offline, args=(settings,), kwargs={"stop": stop})
    thread.start()
    try:
        assert log_watcher.wait_for("scheduler started: due work every 60s", timeout=20)
    finally:
        stop.set()
        thread.join(timeout=20)
    assert not thread.is_alive()


def test_the_workspace_rate_limiter_spaces_messages(sched):
    limiter = RateLimiter(rate=20.0, burst=2)
    started = time.monotonic()
    for _ in range(6):
        limiter.acquire("T1")
    elapsed = time.monotonic() - started
    assert 0.18 <= elapsed < 1.0  # 2 at once, then 4 more at 20/s
    other = time.monotonic()
    limiter.acquire("T2")  # another workspace has its own bucket
    assert time.monotonic() - other < 0.05


class RecordingLimiter(RateLimiter):
    """Notes which thread waited for a workspace's turn, and how long."""

    def __init__(self, rate: float, burst: int) -> None:
        super().__init__(rate, burst)
        self.waits: list[tuple[str, float]] = []

    def reserve(self, team_id: str) -> float:
        wait = super().reserve(team_id)
        self.waits.append((threading.current_thread().name, wait))
        return wait


def test_the_pass_waits_for_each_workspace_s_turn_so_its_workers_only_send(sched):
    """A worker waiting for a workspace's turn is a worker not sending: at Slack's pace
    every message would hold one for its wait as well as its send, and 96 of them sent at
    0.72 of the workspaces' budget (bench.fanout). The pass itself waits for each turn and
    queues the message when it has come."""
    for user in ("U1", "U2", "U3", "U4"):
        sched.enroll(user)
    limiter = RecordingLimiter(rate=20.0, burst=1)
    started = time.monotonic()
    report = run_due_work(
        sched.services,
        sched.client_for_team(),
        WEEK1,
        config=config(workers=4, per_workspace_rate=20.0, burst=1),
        limiter=limiter,
    )
    assert len(report.sent) == 4
    assert time.monotonic() - started >= 3 / 20  # one at once, three more at 20 a second
    me = threading.current_thread().name
    waited = [(thread, wait) for thread, wait in limiter.waits if wait > 0]
    assert len(waited) == 3, limiter.waits
    assert {thread for thread, _ in waited} == {me}


def test_fan_out_alternates_workspaces():
    items = [Due("prompt", t, u, "p") for t, u in [("A", "1"), ("A", "2"), ("A", "3"), ("B", "1")]]
    assert [(d.team_id, d.user_id) for d in interleave_teams(items)] == [
        ("A", "1"),
        ("B", "1"),
        ("A", "2"),
        ("A", "3"),
    ]


def test_a_pass_with_nothing_due_is_one_statement_and_the_next_due_one_still_sends(sched):
    """Every minute, on every instance: nothing due must cost one indexed read, whatever
    is enrolled or queued for later."""
    sched.enroll("U1")
    sched.tick(WEEK1)  # week 1's prompt goes out, the next time is stored
    assert len(sched.prompts("U1")) == 1
    statements: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(sched.services.db.engine, "before_cursor_execute", note)
    try:
        assert sched.tick(WEEK1 + timedelta(hours=1)).outcomes == []
    finally:
        event.remove(sched.services.db.engine, "before_cursor_execute", note)
    assert len(statements) == 1, statements
    assert [o.result for o in sched.tick(WEEK1 + timedelta(days=7)).outcomes] == ["sent"]
    assert len(sched.prompts("U1")) == 2


def test_the_dm_channels_a_pass_sends_to_are_remembered_in_one_statement(sched):
    """Recovery looks a message up in the person's DM: the pass keeps each D… id it learns,
    for all its sends at once (and leaves one already known as it is)."""
    sched.enroll("U1")
    sched.enroll("U2")
    updates: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        if "dm_channel_id" in statement and statement.lstrip().upper().startswith("UPDATE"):
            updates.append(statement)

    event.listen(sched.services.db.engine, "before_cursor_execute", note)
    try:
        assert len(sched.tick(WEEK1).sent) == 2
    finally:
        event.remove(sched.services.db.engine, "before_cursor_execute", note)
    assert len(updates) == 1
    for user in ("U1", "U2"):
        [post] = sched.prompts(user)
        assert sched.participant(user).dm_channel_id == post.response["channel"]
        assert post.response["channel"].startswith("D")


def test_a_pass_looks_up_each_workspace_s_way_out_once(sched):
    """In OAuth mode finding a workspace's client reads its installation: once per pass,
    not once per message."""
    for user in ("U1", "U2", "U3"):
        sched.enroll(user)
    looked_up: list[str] = []
    client_for = sched.client_for_team()

    def counting(team_id: str):
        looked_up.append(team_id)
        return client_for(team_id)

    report = run_due_work(sched.services, counting, WEEK1, config=config())
    assert len(report.sent) == 3
    assert looked_up == ["T1"]
