"""`/transition status` and the App Home tab."""

from __future__ import annotations

from datetime import date, timedelta

from bot.services.enrollment import join
from bot.services.journal import log_entry
from slack_emulator import message_problems, view_problems


def enroll(slack, start: date) -> None:
    join(
        slack.services,
        team_id="T1",
        user_id="U1",
        program_id="product-engineer",
        background="backend",
        start_date=start,
        timezone="Europe/Berlin",
    )


def test_status_before_joining_offers_to_join(slack):
    body = slack.command("status").json()
    assert "haven't joined" in body["text"]
    assert "open_join" in str(body["blocks"])


def test_status_shows_week_phase_deliverable_and_streak(slack):
    enroll(slack, date(2026, 11, 9))
    for days_ago in (2, 1, 0):
        slack.clock.set(slack.clock.now() - timedelta(days=days_ago))
        log_entry(slack.services, team_id="T1", user_id="U1", kind="decision", text="x")
        slack.clock.set(slack.clock.now() + timedelta(days=days_ago))
    body = slack.command("status").json()
    program = slack.services.programs["product-engineer"]
    phase = program.phase_for_week(3)
    rendered = str(body["blocks"])
    assert body["text"].startswith(f"{program.title}: week 3 of 12")
    # What notifications and screen readers read: the whole status, not its first line.
    assert phase.deliverable.title[:40] in body["text"]
    assert "3-day journal streak" in body["text"]
    assert phase.deliverable.title[:40] in rendered
    assert "3-day journal streak" in rendered
    assert message_problems(body["text"], body["blocks"]) == []


def test_status_before_week_one(slack):
    enroll(slack, date(2026, 11, 30))
    body = slack.command("status").json()
    assert "starts Monday 30 November" in body["text"]


def test_status_after_the_last_week_says_finished(slack):
    enroll(slack, date(2026, 11, 9))
    slack.clock.advance(timedelta(weeks=10))  # week 13 of a 12-week program
    body = slack.command("status").json()
    assert "finished" in body["text"]


def test_app_home_publishes_the_dashboard(slack):
    enroll(slack, date(2026, 11, 9))
    response = slack.sender.event(
        {"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"}
    )
    assert response.status == 200
    publish = slack.emulator.wait_for("views.publish")[0]
    assert publish.ok
    assert publish.params["user_id"] == "U1"
    assert "Week 3 of 12" in str(publish.params["view"])
    assert view_problems(publish.params["view"]) == []


def test_home_is_refreshed_after_a_new_entry(slack):
    """The Home tab's "Log a decision" button opens the modal; saving it refreshes Home."""
    from bot.blocks import ids
    from slack_emulator.slack_requests import text_value

    enroll(slack, date(2026, 11, 9))
    slack.sender.block_action(ids.OPEN_JOURNAL, user_id="U1")
    view = slack.opened_view()
    values = {
        ids.JOURNAL_DECISION[0]: {
            ids.JOURNAL_DECISION[1]: text_value("Picked the cheaper vendor without a trial")
        }
    }
    slack.sender.view_submission(view, values, user_id="U1")
    publish = slack.emulator.wait_for("views.publish")[0]
    assert publish.params["user_id"] == "U1"
    home = str(publish.params["view"])
    assert "*Logged so far:* 1 decision" in home
    assert "Picked the cheaper vendor" not in home  # the dashboard counts, it doesn't quote
    assert view_problems(publish.params["view"]) == []
