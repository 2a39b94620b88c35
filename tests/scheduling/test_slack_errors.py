"""When Slack says no: rate limits, server errors, and people who can no longer be reached."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from bot.scheduling.due import Policy

WEEK1 = datetime(2026, 11, 23, 8, tzinfo=UTC)


def test_429_waits_retry_after_then_sends(sched):
    sched.enroll("U1")
    sched.emulator.rate_limit("chat.postMessage", retry_after=1, times=1)
    started = time.monotonic()
    report = sched.tick(WEEK1)
    assert time.monotonic() - started >= 1.0  # Retry-After honoured, not hammered
    assert [o.result for o in report.outcomes] == ["sent"]
    calls = sched.emulator.calls_to("chat.postMessage")
    assert [c.status for c in calls] == [429, 200]
    assert len(sched.prompts("U1")) == 1


def test_a_500_is_never_resent_in_the_same_pass_and_a_later_pass_sends_once(sched):
    # Slack documents that a 5xx can follow a message it stored: the client never resends
    # on its own; the delivery is left for a later pass.
    sched.enroll("U1")
    sched.emulator.server_error("chat.postMessage", status=500, times=1)
    assert [o.result for o in sched.tick(WEEK1).outcomes] == ["failed"]
    assert [c.status for c in sched.emulator.calls_to("chat.postMessage")] == [500]
    assert [o.result for o in sched.tick(WEEK1 + timedelta(minutes=1)).outcomes] == ["sent"]
    assert [c.status for c in sched.emulator.calls_to("chat.postMessage")] == [500, 200]
    assert len(sched.prompts("U1")) == 1


def test_failures_are_retried_next_pass_then_given_up_with_a_log_line(sched, log_watcher):
    sched.enroll("U1")
    policy = Policy(max_attempts=3)
    sched.emulator.fail("chat.postMessage", "internal_error", times=2)
    assert [o.result for o in sched.tick(WEEK1, policy=policy).outcomes] == ["failed"]
    [row] = sched.deliveries("prompt")
    assert (row.status, row.attempts, row.error) == ("failed", 1, "internal_error")
    # The next pass retries (after checking the DM for the message first), and succeeds.
    assert [o.result for o in sched.tick(WEEK1 + timedelta(minutes=1), policy=policy).outcomes] == [
        "failed"
    ]
    report = sched.tick(WEEK1 + timedelta(minutes=2), policy=policy)
    assert [o.result for o in report.outcomes] == ["sent"]
    [row] = sched.deliveries("prompt")
    assert (row.status, row.attempts) == ("sent", 3)
    assert len(sched.prompts("U1")) == 1

    sched.enroll("U2", tz="Europe/Berlin")
    sched.emulator.fail("chat.postMessage", "internal_error", times=3)
    for minute in range(3, 7):
        sched.tick(WEEK1 + timedelta(minutes=minute), policy=policy)
    [row] = sched.deliveries("prompt", "U2")
    assert (row.status, row.attempts) == ("failed", 3)
    assert log_watcher.wait_for("giving up on prompt")
    assert sched.posts("U2") == []


def test_unreachable_people_become_inactive_and_never_block_the_others(sched, log_watcher):
    users = sched.enroll_many(6)
    sched.emulator.add_user("T1", "UGONE", tz="UTC", deleted=True)
    sched.enroll("UGONE", tz="Europe/Berlin")
    sched.emulator.fail("chat.postMessage", "account_inactive", times=1)
    report = sched.tick(WEEK1)
    inactive = report.of("inactive")
    assert len(inactive) == 2
    assert {o.detail for o in inactive} == {"account_inactive", "user_disabled"}
    served = {o.user_id for o in report.of("sent")}
    assert len(served) == 5 and served | {o.user_id for o in inactive} == {*users, "UGONE"}
    for outcome in inactive:
        assert sched.participant(outcome.user_id).status == "inactive"
    assert log_watcher.wait_for("marked inactive: Slack said account_inactive")
    # Inactive people get nothing more, and nobody gets a second prompt.
    assert sched.tick(WEEK1 + timedelta(weeks=1)).of("inactive") == []
    assert all(len(sched.posts(u)) == 2 for u in served)
