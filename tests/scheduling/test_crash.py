"""Crash safety: a process killed mid fan-out, then a restart: one prompt per participant."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage import deliveries
from tests.reliability.ledger import LEDGER
from tests.scheduling.conftest import TEAM

ROOT = Path(__file__).resolve().parents[2]
MONDAY_NINE_BERLIN = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)


def per_user(sched) -> Counter[str]:
    return Counter(c.params["channel"] for c in sched.posts())


def test_sigkill_mid_fan_out_then_restart_sends_exactly_one_prompt_each(sched):
    users = sched.enroll_many(500)
    sched.emulator.latency = 0.01  # slow enough that the kill lands mid fan-out
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.scheduling.fanout_child",
            sched.database_url,
            sched.emulator.base_url,
            sched.token,
            MONDAY_NINE_BERLIN.isoformat(),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        sched.emulator.wait_for("chat.postMessage", count=150, timeout=30)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL
    sched.emulator.latency = 0.0
    posted_before = len(sched.posts())
    assert 150 <= posted_before < 500, "the kill must land mid fan-out"
    rows = sched.deliveries("prompt")
    left_claimed = [r for r in rows if r.status == "claimed"]
    assert left_claimed, "the dead process must have left claims behind"

    # Claimed, and already in Slack: the dead process never got to its UPDATE.
    in_slack_unmarked = {r.user_id for r in left_claimed} & set(per_user(sched))
    sent_before = [r for r in rows if r.status == "sent"]

    # Within the lease the claims still belong to the dead process: nothing is resent, and
    # the participants it never reached are served now.
    first = sched.tick(MONDAY_NINE_BERLIN + timedelta(minutes=1))
    stuck = {r.user_id for r in left_claimed}
    assert [o for o in first.outcomes if o.user_id in stuck] == []  # not due: claimed
    assert {o.result for o in first.outcomes if o.user_id not in stuck} == {"sent"}
    assert max(per_user(sched).values()) == 1

    # After the lease the restart recovers: found in the DM -> marked sent, else sent now.
    report = sched.tick(MONDAY_NINE_BERLIN + LEASE + timedelta(minutes=1))
    assert per_user(sched) == dict.fromkeys(users, 1)
    assert len(sched.posts()) == 500
    assert {r.status for r in sched.deliveries("prompt")} == {"sent"}
    assert {o.user_id for o in report.of("recovered")} == in_slack_unmarked
    assert {o.user_id for o in report.of("sent")} == stuck - in_slack_unmarked
    assert len(first.sent) + len(report.sent) == 500 - len(sent_before)
    counts = per_user(sched)
    LEDGER.add("prompts.expected", len(users))
    LEDGER.add("prompts.delivered", sum(1 for u in users if counts[u] >= 1))
    LEDGER.add("prompts.duplicated", sum(1 for u in users if counts[u] > 1))
    with sched.services.db.session() as session:
        assert deliveries.count_by_status(session) == {"sent": 500}


def _stale_claim(sched, user_id: str) -> int:
    """A claim a dead process left behind ten minutes ago."""
    with sched.services.db.session() as session:
        claim = deliveries.claim(
            session,
            team_id=TEAM,
            user_id=user_id,
            kind="prompt",
            period=f"e{int(sched.participant(user_id).joined_at.timestamp())}:week-1",
            instance="dead-host:1:abc",
            now=MONDAY_NINE_BERLIN - timedelta(minutes=10),
            lease=LEASE,
            max_attempts=5,
        )
    assert claim is not None and claim.delivery.id is not None
    return claim.delivery.id


def test_a_stale_claim_whose_message_reached_slack_is_marked_sent_not_resent(sched):
    sched.enroll("U1")
    delivery_id = _stale_claim(sched, "U1")
    # The dead process got Slack's answer but never ran its UPDATE.
    sched.client().post(
        "U1",
        "Week 1",
        [],
        metadata={
            "event_type": "transition_coach_delivery",
            "event_payload": {"delivery_id": delivery_id},
        },
    )
    report = sched.tick(MONDAY_NINE_BERLIN)
    assert [o.result for o in report.outcomes] == ["recovered"]
    assert len(sched.posts("U1")) == 1
    history = sched.emulator.calls_to("conversations.history", ok_only=True)
    assert history[-1].params["include_all_metadata"] in (True, "true", "1", 1)
    [row] = sched.deliveries("prompt")
    assert row.status == "sent" and row.message_ts and row.attempts == 2


def test_a_stale_claim_that_never_reached_slack_is_sent_once(sched):
    sched.enroll("U1")
    _stale_claim(sched, "U1")
    report = sched.tick(MONDAY_NINE_BERLIN)
    assert [o.result for o in report.outcomes] == ["sent"]
    assert len(sched.prompts("U1")) == 1
    assert sched.tick(MONDAY_NINE_BERLIN + timedelta(minutes=1)).outcomes == []
