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


def log_days_ago(slack, *days_ago: int, kind: str = "decision") -> None:
    for n in days_ago:
        slack.clock.set(slack.clock.now() - timedelta(days=n))
        log_entry(slack.services, team_id="T1", user_id="U1", kind=kind, text="x")
        slack.clock.set(slack.clock.now() + timedelta(days=n))


def test_a_tuesday_to_friday_streak_still_stands_on_monday_morning(slack):
    """Weekends neither count nor break a streak, and every kind of entry counts."""
    enroll(slack, date(2026, 11, 9))
    # Monday 23 November 09:30 UTC; Tuesday to Friday of last week are 6 to 3 days ago.
    log_days_ago(slack, 6, 5, 3)
    log_days_ago(slack, 4, kind="customer_insight")
    body = slack.command("status").json()
    assert "4-workday journal streak" in body["text"]
    log_days_ago(slack, 0)  # and today's entry makes it five
    assert "5-workday journal streak" in slack.command("status").json()["text"]


def test_weekend_entries_alone_make_no_streak_and_a_missed_workday_breaks_it(slack):
    enroll(slack, date(2026, 11, 9))
    log_days_ago(slack, 2, 1)  # Saturday and Sunday
    assert "No journal streak yet" in slack.command("status").json()["text"]
    log_days_ago(slack, 6, 5, 3)  # Tuesday, Wednesday and Friday: Thursday is missing
    assert "1-workday journal streak" in slack.command("status").json()["text"]


def test_the_streak_counts_days_in_the_members_zone(slack):
    # 23:30 UTC on Friday 20 November is already Saturday in Berlin: not a workday there.
    enroll(slack, date(2026, 11, 9))
    slack.clock.set(slack.clock.now() - timedelta(days=2, hours=10))
    log_entry(slack.services, team_id="T1", user_id="U1", kind="decision", text="x")
    slack.clock.set(slack.clock.now() + timedelta(days=2, hours=10))
    assert "No journal streak yet" in slack.command("status").json()["text"]


def test_status_shows_week_phase_deliverable_and_streak(slack):
    enroll(slack, date(2026, 11, 9))
    log_days_ago(slack, 2, 1, 0)
    body = slack.command("status").json()
    program = slack.services.programs["product-engineer"]
    phase = program.phase_for_week(3)
    rendered = str(body["blocks"])
    assert body["text"].startswith(f"{program.title}: week 3 of 12")
    # What notifications and screen readers read: the whole status, not its first line.
    assert phase.deliverable.title[:40] in body["text"]
    assert "1-workday journal streak" in body["text"]  # Saturday and Sunday don't count
    assert phase.deliverable.title[:40] in rendered
    assert "1-workday journal streak" in rendered
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
    """The Home tab's "Log a decision" button opens the modal; saving it refreshes Home,
    with the new entry among the latest."""
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
    # The Home tab is seen by its owner only: it lists their latest entries, to edit.
    assert "Your latest entries" in home and "Picked the cheaper vendor" in home
    assert "entry_edit" in home
    assert view_problems(publish.params["view"]) == []


def test_status_and_home_after_leaving_say_so_not_the_week_and_deliverable(slack):
    """Found from outside: after leaving, status and Home still showed "Week 3 of 12" and
    the phase's deliverable "due by the end of the week", as if nothing had changed."""
    from bot.services.participation import leave

    enroll(slack, date(2026, 11, 9))
    log_days_ago(slack, 0)
    leave(slack.services, team_id="T1", user_id="U1")
    body = slack.command("status").json()
    assert "You left" in body["text"] and "join" in body["text"]
    shown = str(body["blocks"])
    assert "Week 3" not in shown and "Deliverable" not in shown
    assert "1 entry in all" in shown  # what they logged is kept, and said so
    assert message_problems(body["text"], body["blocks"]) == []
    slack.sender.event({"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"})
    view = str(slack.emulator.wait_for("views.publish")[0].params["view"])
    assert "You left" in view
    assert "Week 3" not in view and "This phase's deliverable" not in view


def test_status_with_nothing_logged_this_phase_says_so_in_words(slack):
    """Found from outside: "Logged toward it this phase: " with nothing after it."""
    enroll(slack, date(2026, 11, 9))
    shown = str(slack.command("status").json()["blocks"])
    assert "Logged toward it this phase: '" not in shown
    assert "Nothing logged toward it yet this phase." in shown
