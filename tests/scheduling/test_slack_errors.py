"""When Slack says no: rate limits, server errors, and people who can no longer be reached."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

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


def test_a_500_is_never_resent_blindly_a_later_pass_looks_first_then_sends_once(sched):
    # Slack documents that a 5xx can follow a message it stored: nothing resends on its own;
    # the item waits (30 s, then longer) and the next attempt first looks in the DM.
    sched.enroll("U1")
    sched.emulator.server_error("chat.postMessage", status=500, times=1)
    assert [o.result for o in sched.tick(WEEK1).outcomes] == ["retry"]
    assert [c.status for c in sched.emulator.calls_to("chat.postMessage")] == [500]
    [row] = sched.deliveries("prompt")
    assert (row.status, row.error) == ("uncertain", "internal_error")
    assert sched.tick(WEEK1 + timedelta(seconds=10)).outcomes == []  # backing off
    assert [o.result for o in sched.tick(WEEK1 + timedelta(minutes=1)).outcomes] == ["sent"]
    assert len(sched.emulator.calls_to("conversations.history")) == 1  # looked first
    assert [c.status for c in sched.emulator.calls_to("chat.postMessage")] == [500, 200]
    assert len(sched.prompts("U1")) == 1


def test_a_message_slack_stored_before_answering_500_is_found_not_sent_twice(sched):
    """Found from outside: Slack stores the message, then answers 500 or drops the
    connection, and the SDK's retry handlers sent it again."""
    sched.enroll("U1")
    sched.emulator.store_then_fail("chat.postMessage", status=500)
    assert [o.result for o in sched.tick(WEEK1).outcomes] == ["retry"]
    assert len(sched.emulator.messages(sched.emulator.dm_channel("T1", "U1"))) == 1
    report = sched.tick(WEEK1 + timedelta(minutes=1))
    assert [o.result for o in report.outcomes] == ["recovered"]
    assert len(sched.emulator.messages(sched.emulator.dm_channel("T1", "U1"))) == 1
    [row] = sched.deliveries("prompt")
    assert row.status == "sent" and row.message_ts


def test_an_outage_is_retried_with_backoff_while_the_prompt_is_still_timely(sched):
    """Found from outside: a 6-minute run of 503s lost 8 of 8 prompts (5 attempts a minute
    apart). Retries now back off and go on for as long as the week lasts."""
    users = sched.enroll_many(8)
    sched.emulator.server_error("chat.postMessage", status=503, times=10_000)
    minute = timedelta(minutes=1)
    for n in range(0, 7):  # six minutes of 503s, a pass a minute
        sched.tick(WEEK1 + n * minute)
    attempts = [r.attempts for r in sched.deliveries("prompt")]
    assert 1 <= max(attempts) <= 4  # backing off: 30 s, 1 min, 2 min, 4 min...
    assert {r.status for r in sched.deliveries("prompt")} == {"uncertain"}
    sched.emulator.clear_faults()  # Slack is back
    sched.tick(WEEK1 + timedelta(minutes=30))
    assert all(len(sched.posts(u)) == 1 for u in users)
    assert {r.status for r in sched.deliveries("prompt")} == {"sent"}


def test_a_prompt_that_could_not_go_out_all_week_is_skipped_not_sent_late(sched):
    sched.enroll("U1")
    sched.emulator.server_error("chat.postMessage", status=503, times=10_000)
    sched.tick(WEEK1)
    report = sched.tick(WEEK1 + timedelta(days=7))  # the week is over
    assert ("prompt", "skipped") in [(o.kind, o.result) for o in report.outcomes]
    assert sched.posts("U1") == []


def test_unreachable_people_become_inactive_and_never_block_the_others(sched, log_watcher):
    users = sched.enroll_many(6)
    sched.emulator.add_user("T1", "UGONE", tz="UTC", deleted=True)
    sched.enroll("UGONE", tz="Europe/Berlin")
    report = sched.tick(WEEK1)
    [inactive] = report.of("inactive")
    assert (inactive.user_id, inactive.detail) == ("UGONE", "user_disabled")
    assert {o.user_id for o in report.of("sent")} == set(users)
    assert sched.participant("UGONE").status == "inactive"
    assert log_watcher.wait_for("marked inactive: Slack said user_disabled")
    # Inactive people get nothing more, and nobody gets a second prompt.
    assert sched.tick(WEEK1 + timedelta(weeks=1)).of("inactive") == []
    assert all(len(sched.posts(u)) == 2 for u in users)
