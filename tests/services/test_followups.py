"""Scheduled follow-ups: the due logic as plain functions, and `run_followups` sending each
ship follow-up and decision revisit exactly once, on a moved MovableClock."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from bot.blocks import ids
from bot.services.config import update
from bot.services.followups import (
    due_revisits,
    due_ship_followups,
    run_followups,
    stale_revisits,
)
from slack_emulator.slack_requests import text_value
from storage.models import Entry
from tests.handlers.evidence_helpers import assert_valid_message, entries

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def entry(kind: str, age: timedelta, **extra) -> Entry:
    return Entry(
        id=1,
        team_id="T1",
        user_id="U1",
        kind=kind,
        text="x",
        fields={},
        created_at=NOW - age,
        **extra,
    )


def test_ship_follow_up_is_due_after_a_week_once_published():
    week = timedelta(days=7)
    assert due_ship_followups(NOW, [entry("ship", week, post_ts="1.1")])
    assert not due_ship_followups(NOW, [entry("ship", week - timedelta(seconds=1), post_ts="1.1")])
    assert not due_ship_followups(NOW, [entry("ship", week)])  # never published
    assert not due_ship_followups(NOW, [entry("ship", week, post_ts="1.1", followup_sent_at=NOW)])
    assert not due_ship_followups(NOW, [entry("decision", week, post_ts="1.1")])


def test_revisit_is_due_after_the_workspace_delay():
    assert due_revisits(NOW, [entry("decision", timedelta(days=28))], revisit_days=28)
    assert not due_revisits(NOW, [entry("decision", timedelta(days=27))], revisit_days=28)
    assert due_revisits(NOW, [entry("decision", timedelta(days=7))], revisit_days=7)
    assert not due_revisits(
        NOW, [entry("decision", timedelta(days=40), revisit_sent_at=NOW)], revisit_days=28
    )
    assert not due_revisits(NOW, [entry("proposal", timedelta(days=40))], revisit_days=28)


def test_revisit_far_past_its_date_is_stale_not_due():
    late = [entry("decision", timedelta(days=28 + 14))]
    assert not due_revisits(NOW, late, revisit_days=28)
    assert stale_revisits(NOW, late, revisit_days=28) == late
    assert not stale_revisits(NOW, [entry("decision", timedelta(days=41))], revisit_days=28)


def clients(slack):
    return slack.outbound


def dms_to(slack, user: str) -> list:
    return [c for c in slack.emulator.calls_to("chat.postMessage") if c.params["channel"] == user]


def test_decision_revisit_after_four_weeks_exactly_once_and_answer_stored(slack):
    slack.command("log We chose annual billing first")
    slack.command("log insight Not a decision: never revisited")
    [decision] = entries(slack, "decision")
    slack.clock.advance(timedelta(days=27, hours=23))
    assert run_followups(slack.services, clients(slack), slack.clock.now()) == []
    slack.clock.advance(timedelta(hours=1))
    assert run_followups(slack.services, clients(slack), slack.clock.now()) == [
        f"revisit:T1:{decision.id}"
    ]
    assert run_followups(slack.services, clients(slack), slack.clock.now()) == []
    slack.clock.advance(timedelta(days=60))
    assert run_followups(slack.services, clients(slack), slack.clock.now()) == []
    [dm] = dms_to(slack, "U1")
    shown = str(dm.params["blocks"])
    assert "We chose annual billing first" in shown and "How did it turn out?" in shown
    assert_valid_message(dm.params)
    assert len(slack.emulator.calls_to("chat.postMessage")) == 1  # private: the author only

    slack.sender.block_action(
        ids.REVISIT_ANSWERS["didnt"], user_id="U1", value=f"{decision.id}:didnt"
    )
    view = slack.opened_view()
    assert view["callback_id"] == ids.REVISIT_VIEW
    assert entries(slack, "decision")[0].fields["revisit"]["outcome"] == "didnt"
    note = {ids.REVISIT_NOTE[0]: {ids.REVISIT_NOTE[1]: text_value("Churn went up")}}
    response = slack.sender.view_submission(view, note, user_id="U1")
    assert response.status == 200
    revisit = entries(slack, "decision")[0].fields["revisit"]
    assert revisit["outcome"] == "didnt" and revisit["note"] == "Churn went up"
    assert entries(slack, "decision")[0].fields["decision"] == "We chose annual billing first"


def test_revisit_delay_is_per_workspace(slack):
    update(slack.services, team_id="T1", revisit_days=7)
    slack.command("log Short loop decision")
    slack.clock.advance(timedelta(days=7))
    assert len(run_followups(slack.services, clients(slack), slack.clock.now())) == 1


def test_someone_else_cannot_answer_your_revisit(slack):
    slack.command("log Mine")
    [decision] = entries(slack)
    slack.sender.block_action(
        ids.REVISIT_ANSWERS["worked"], user_id="U2", value=f"{decision.id}:worked"
    )
    slack.emulator.wait_for("response_url")  # "gone" notice to U2, nothing stored
    assert "revisit" not in entries(slack)[0].fields
    assert slack.emulator.calls_to("views.open") == []


def test_concurrent_runs_send_each_item_once(slack):
    for n in range(5):
        slack.command(f"log Choice {n}")
    slack.clock.advance(timedelta(days=29))
    results: list[list[str]] = []

    def run() -> None:
        results.append(run_followups(slack.services, clients(slack), slack.clock.now()))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sent = [label for result in results for label in result]
    assert len(sent) == len(set(sent)) == 5
    assert len(dms_to(slack, "U1")) == 5
    assert all(e.revisit_sent_at == slack.clock.now() for e in entries(slack))


def test_rate_limited_revisit_is_retried_next_tick(slack):
    slack.command("log Retry me")
    slack.clock.advance(timedelta(days=28))
    # More 429s in a row than the client waits out (3 retries): left for the next tick.
    slack.emulator.rate_limit("chat.postMessage", retry_after=0, times=4)
    assert run_followups(slack.services, clients(slack), slack.clock.now()) == []
    assert entries(slack)[0].revisit_sent_at is None
    assert len(run_followups(slack.services, clients(slack), slack.clock.now())) == 1


def test_stale_revisit_is_skipped_once_not_sent(slack):
    slack.command("log Logged long before the bot came back")
    slack.clock.advance(timedelta(days=50))
    assert run_followups(slack.services, clients(slack), slack.clock.now()) == []
    assert dms_to(slack, "U1") == []
    assert entries(slack)[0].revisit_sent_at == slack.clock.now()  # never considered again


def test_the_scheduler_pass_sends_revisits_too(slack):
    """The every-minute scheduler pass runs the follow-ups: nothing else has to call them."""
    from bot.scheduling.runner import run_due_work

    slack.command("log We moved the launch to January")
    [decision] = entries(slack, "decision")
    slack.clock.advance(timedelta(days=28))
    report = run_due_work(slack.services, clients(slack), slack.clock.now())
    assert [(o.kind, o.period, o.result) for o in report.outcomes] == [
        ("revisit", f"entry-{decision.id}", "sent")
    ]
    assert run_due_work(slack.services, clients(slack), slack.clock.now()).outcomes == []
    assert len(dms_to(slack, "U1")) == 1
