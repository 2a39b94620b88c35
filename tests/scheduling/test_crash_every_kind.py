"""Exactly once across a SIGKILL mid-pass, for every kind of scheduled message: the process
dies while sending, a restart after the lease sends what was left, and nobody gets a kind
twice or not at all.

Found from outside: killed mid-pass while sending follow-ups, 1 of 12 was never sent
(prompts survived the same kill): follow-ups had a mechanism of their own.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from bot.scheduling.due import (
    COMPLETION,
    DIGEST,
    FOLLOWUP,
    MILESTONE,
    NUDGE,
    PROMPT,
    RECAP,
    REVISIT,
    SNOOZE,
    WELCOME,
)
from bot.scheduling.pipeline import EVENT_TYPE
from storage import due_items, entries, workspaces
from storage.due_items import Planned
from storage.models import Participant
from tests.reliability.ledger import LEDGER

ROOT = Path(__file__).resolve().parents[2]
AT = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # Monday 09:00 in Berlin
N = 120


def _enrolled(sched) -> list[str]:
    users = sched.enroll_many(N)
    with sched.services.db.session() as session:
        from storage import participants

        for p in participants.list_in_team(session, team_id="T1"):
            # Planned already: only the items this test makes are due.
            participants.set_next_due(session, [(p.id, AT + timedelta(days=365))])
    return users


def _items(sched, kind: str) -> tuple[list[Planned], dict[str, str] | None]:
    """N due items of `kind` (and a token per team where there are several workspaces)."""
    if kind == DIGEST:
        tokens = {}
        for i in range(N):
            team = f"TD{i:03d}"
            tokens[team] = sched.emulator.add_workspace(team)
            sched.emulator.add_channel(team, f"CD{i:03d}", name="transition")
            with sched.services.db.session() as session:
                workspaces.update_settings(
                    session, team_id=team, now=AT, team_channel_id=f"CD{i:03d}"
                )
                workspaces.set_next_digest(session, [(team, AT + timedelta(days=7))])
        planned = [Planned(team, "", DIGEST, "2026-W48", AT) for team in tokens]
        return planned, tokens
    users = _enrolled(sched)
    if kind in (FOLLOWUP, REVISIT):
        planned = []
        with sched.services.db.session() as session:
            for user in users:
                entry, _ = entries.add_entry(
                    session.connection(),
                    team_id="T1",
                    user_id=user,
                    kind="ship" if kind == FOLLOWUP else "decision",
                    text="We shipped the export email",
                    fields={"built": "The export email"},
                    program_week=1,
                    client_key=None,
                    now=AT - timedelta(days=30),
                )
                planned.append(
                    Planned(
                        "T1", user, kind, f"entry-{entry.id}", AT, payload={"entry_id": entry.id}
                    )
                )
        return planned, None
    if kind == MILESTONE:  # the PM program's day-30 check-in
        with sched.services.db.session() as session:
            session.execute(update(Participant).values(program_id="engineer-to-pm"))
        return [Planned("T1", u, kind, "e1:day-30", AT) for u in users], None
    payload: dict[str, object] = {"week": 2, "program_id": "product-engineer"}
    if kind == NUDGE:
        payload["phase_key"] = "observe"
    if kind == SNOOZE:
        payload.update(channel="D1", ts="1.1")
    return [Planned("T1", u, kind, f"{kind}-test", AT, payload=payload) for u in users], None


@pytest.mark.parametrize(
    "kind",
    [PROMPT, NUDGE, RECAP, COMPLETION, DIGEST, FOLLOWUP, REVISIT, SNOOZE, MILESTONE, WELCOME],
)
def test_every_kind_is_sent_exactly_once_across_a_sigkill_mid_pass(sched, kind):
    planned, tokens = _items(sched, kind)
    with sched.services.db.session() as session:
        due_items.plan(session, planned, now=AT)
    sched.tokens.update(tokens or {})
    sched.emulator.latency = 0.01  # slow enough that the kill lands mid-pass
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.scheduling.fanout_child",
            sched.database_url,
            sched.emulator.base_url,
            json.dumps(tokens) if tokens else sched.token,
            AT.isoformat(),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        sched.emulator.wait_for("chat.postMessage", count=N // 3, timeout=60)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL
    sched.emulator.latency = 0.0
    sched.emulator.wait_idle()
    before = len(sched.posts())
    assert N // 3 <= before < N, "the kill must land mid-pass"

    report = sched.tick(AT + timedelta(minutes=6))  # past the dead process's lease
    ours = [c for c in sched.posts() if c.params["metadata"]["event_type"] == EVENT_TYPE]
    targets = Counter(c.params["channel"] for c in ours)
    assert len(targets) == N and set(targets.values()) == {1}, report.summary()
    assert {i.status for i in sched.deliveries(kind)} == {"sent"}
    LEDGER.add("prompts.expected", N)
    LEDGER.add("prompts.delivered", len(targets))
    LEDGER.add("prompts.duplicated", sum(1 for n in targets.values() if n > 1))
