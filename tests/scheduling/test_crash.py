"""Crash safety: a process killed mid fan-out, then a restart: one prompt per participant."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import update
from sqlmodel import col, select

from bot.scheduling.pipeline import EVENT_TYPE
from storage import due_items, participants
from storage.due_items import Planned
from storage.models import DueItem
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
    sched.emulator.wait_idle()  # what the dead process had already sent is handled now
    posted_before = len(sched.posts())
    assert 150 <= posted_before < 500, "the kill must land mid fan-out"
    rows = sched.deliveries("prompt")
    in_flight = [r for r in rows if r.status == "sending"]
    waiting = [r for r in rows if r.status == "claimed"]
    assert in_flight or waiting, "the dead process must have left claims behind"
    # Only the chunk it was sending can be in Slack unrecorded (8 workers, chunks of 16).
    assert len(in_flight) <= 16
    in_slack_unmarked = {r.user_id for r in in_flight} & set(per_user(sched))
    sent_before = [r for r in rows if r.status == "sent"]

    # Within the lease the claims still belong to the dead process: nothing is resent.
    first = sched.tick(MONDAY_NINE_BERLIN + timedelta(minutes=1))
    assert first.outcomes == []
    assert max(per_user(sched).values()) == 1

    # After the lease the restart recovers: what was in flight is looked for in the DM
    # (found -> marked sent, else sent now); what was never tried is just sent.
    history_before = len(sched.emulator.calls_to("conversations.history"))
    report = sched.tick(MONDAY_NINE_BERLIN + LEASE + timedelta(minutes=1))
    assert per_user(sched) == dict.fromkeys(users, 1)
    assert {r.status for r in sched.deliveries("prompt")} == {"sent"}
    assert {o.user_id for o in report.of("recovered")} == in_slack_unmarked
    assert {o.user_id for o in report.of("sent")} == {r.user_id for r in waiting + in_flight} - (
        in_slack_unmarked
    )
    assert len(report.sent) == 500 - len(sent_before)
    # Slack's history is read only for what was in flight: a rare last resort.
    history = len(sched.emulator.calls_to("conversations.history")) - history_before
    assert history == len(in_flight)
    counts = per_user(sched)
    LEDGER.add("prompts.expected", len(users))
    LEDGER.add("prompts.delivered", sum(1 for u in users if counts[u] >= 1))
    LEDGER.add("prompts.duplicated", sum(1 for u in users if counts[u] > 1))
    assert Counter(r.status for r in sched.deliveries()) == {"sent": 500}


def _stale_claim(sched, user_id: str) -> int:
    """A claim a dead process left behind ten minutes ago (its lease ran out 5 minutes ago):
    the prompt planned and claimed, its send's outcome unknown."""
    period = f"e{int(sched.participant(user_id).joined_at.timestamp())}:week-1"
    claimed_at = MONDAY_NINE_BERLIN - timedelta(minutes=10)
    with sched.services.db.session() as session:
        due_items.plan(
            session,
            [Planned(TEAM, user_id, "prompt", period, claimed_at, payload={"week": 1})],
            now=claimed_at,
        )
        session.execute(
            update(DueItem)
            .where(col(DueItem.user_id) == user_id, col(DueItem.kind) == "prompt")
            .values(
                status="sending",
                claimed_by="dead-host:1:abc",
                ready_at=claimed_at + LEASE,
                attempts=1,
            )
        )
        [item] = session.exec(select(DueItem).where(DueItem.user_id == user_id)).all()
        participants.set_next_due(session, [(sched.participant(user_id).id, claimed_at)])
    assert item.id is not None
    return item.id


def test_a_stale_claim_whose_message_reached_slack_is_marked_sent_not_resent(sched):
    sched.enroll("U1")
    delivery_id = _stale_claim(sched, "U1")
    # The dead process got Slack's answer but never ran its UPDATE.
    sched.client().post(
        "U1",
        "Week 1",
        [],
        metadata={"event_type": EVENT_TYPE, "event_payload": {"items": [delivery_id]}},
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
