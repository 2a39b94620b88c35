"""Slack retries an event it thinks we missed (X-Slack-Retry-Num): answering twice changes
nothing twice."""

from __future__ import annotations

from datetime import date

from bot.services.enrollment import join
from storage import participants
from tests.reliability.ledger import LEDGER


def test_a_retried_event_is_answered_and_applied_once(slack, log_watcher):
    join(
        slack.services,
        team_id="T1",
        user_id="U1",
        program_id="product-engineer",
        background="backend",
        start_date=date(2026, 11, 23),
        timezone="Europe/Berlin",
    )
    event = {"type": "user_change", "user": {"id": "U1", "team_id": "T1", "tz": "Asia/Kolkata"}}
    first = slack.sender.event(event, event_id="Ev0RETRY1")
    LEDGER.add("faults.injected", 2)
    retries = [slack.sender.event(event, event_id="Ev0RETRY1", retry_num=n) for n in (1, 2)]
    assert first.status == 200 and all(r.status == 200 for r in retries)
    assert log_watcher.wait_for("event user_change team=T1")
    with slack.services.db.session() as session:
        participant = participants.get_participant(session, team_id="T1", user_id="U1")
    assert participant is not None and participant.timezone == "Asia/Kolkata"
    assert participant.status == "active"
    LEDGER.add("faults.survived", 2)


def test_a_retried_home_open_publishes_the_same_view(slack):
    event = {"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"}
    slack.sender.event(event, event_id="Ev0HOME")
    slack.sender.event(event, event_id="Ev0HOME", retry_num=1)
    first, second = slack.emulator.wait_for("views.publish", count=2)
    assert first.params["view"] == second.params["view"]  # idempotent: the same dashboard
