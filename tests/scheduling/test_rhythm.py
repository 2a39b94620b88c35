"""A member's own rhythm: their prompt day and hour, and `away <date>`, end to end."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.blocks import ids
from slack_emulator import message_problems, view_problems
from tests.scheduling.conftest import header_text

MONDAY = datetime(2026, 11, 23, 8, tzinfo=UTC)  # 09:00 in Berlin, week 1 of a 23 Nov start


def reply(slack, text: str, user_id: str = "U1") -> dict:
    response = slack.command(text, user_id=user_id)
    assert response.status == 200
    body = response.json()
    assert message_problems(body.get("text"), body.get("blocks")) == []
    return body


def test_own_prompt_day_and_hour_move_the_prompt(slack_transport, sched):
    slack = slack_transport
    sched.enroll("U1")
    sched.enroll("U2")
    slack.clock.set(MONDAY - timedelta(days=3))
    body = reply(slack, "prompts tue 7")
    assert body["text"].startswith(
        "Your prompts now come on Tuesdays at 07:00, your time (your choice)."
    )
    # Monday 09:00: U2 gets week 1 (the workspace's rhythm), U1 does not.
    sent = sched.tick(MONDAY).of("sent", "prompt")
    assert [o.user_id for o in sent] == ["U2"]
    # Tuesday 06:59 in Berlin: not yet; 07:00: there it is, week 1.
    tuesday_seven = datetime(2026, 11, 24, 6, tzinfo=UTC)
    assert sched.tick(tuesday_seven - timedelta(minutes=1)).of("sent", "prompt") == []
    assert [o.user_id for o in sched.tick(tuesday_seven).of("sent", "prompt")] == ["U1"]
    assert header_text(sched.prompts("U1")[0]).startswith("Week 1 of 12")

    assert "the workspace's" in reply(slack, "prompts default")["text"]
    assert sched.participant("U1").prompt_weekday is None
    assert sched.participant("U1").prompt_hour is None
    assert "now come on Mondays at 09:00" in reply(slack, "prompts default")["text"]


def test_bad_rhythm_words_get_the_usage_and_change_nothing(slack, sched):
    sched.enroll("U1")
    for bad in ("prompts tu 7", "prompts tuesday 25", "prompts tuesday", "prompts 7 tuesday"):
        assert "e.g. /transition prompts tuesday 8" in reply(slack, bad)["text"]
    assert sched.participant("U1").prompt_weekday is None
    assert "Mondays at 09:00, your time (the workspace's)" in reply(slack, "prompts")["text"]
    assert "haven't joined" in reply(slack, "prompts tue 8", user_id="U9")["text"]


def test_a_revisit_comes_at_the_members_own_hour(slack, sched):
    sched.enroll("U1")
    slack.clock.set(MONDAY)
    reply(slack, "prompts monday 14")
    reply(slack, "log We moved the export to a nightly job because support asked")
    [revisit] = sched.deliveries("revisit", "U1")
    # 28 days later at 14:00 Berlin (13:00 UTC in December).
    assert revisit.due_at == datetime(2026, 12, 21, 13, tzinfo=UTC)


def test_away_pauses_until_the_date_and_resumes_by_itself(slack_transport, sched):
    slack = slack_transport
    sched.enroll("U1")
    sched.tick(MONDAY)  # week 1's prompt
    slack.clock.set(MONDAY + timedelta(days=2))  # Wednesday of week 1
    body = reply(slack, "away 2026-12-14")
    assert body["text"].startswith("Away until Monday 14 December.")
    assert sched.participant("U1").status == "paused"
    status = reply(slack, "status")
    assert "Away until Monday 14 December" in str(status["blocks"])
    for week in (1, 2):  # nothing while away
        assert sched.tick(MONDAY + timedelta(weeks=week, hours=1)).outcomes == []
    # 14 December 00:00 in Berlin: back, the program moved three weeks, week 1 continues.
    sched.tick(datetime(2026, 12, 13, 23, 1, tzinfo=UTC))
    back = sched.participant("U1")
    assert (back.status, back.away_until, back.start_date) == ("active", None, date(2026, 12, 14))
    # Week 1's prompt was sent already: the next one is week 2, on 21 December.
    assert sched.tick(datetime(2026, 12, 14, 8, 1, tzinfo=UTC)).of("sent", "prompt") == []
    sched.tick(datetime(2026, 12, 21, 8, 1, tzinfo=UTC))
    assert [header_text(p)[:12] for p in sched.prompts("U1")] == ["Week 1 of 12", "Week 2 of 12"]


def test_away_dates_that_cannot_be_used_are_explained(slack, sched):
    sched.enroll("U1")
    slack.clock.set(MONDAY)
    assert "Pick a date after today" in reply(slack, "away 2026-11-23")["text"]
    assert "more than six months" in reply(slack, "away 2027-12-01")["text"]
    assert "YYYY-MM-DD" in reply(slack, "away next week")["text"]
    assert "haven't joined" in reply(slack, "away 2026-12-01", user_id="U9")["text"]
    assert sched.participant("U1").status == "active"


def test_resume_before_the_away_date_ends_it(slack, sched):
    sched.enroll("U1")
    slack.clock.set(MONDAY)
    reply(slack, "away 2026-12-14")
    assert "Welcome back" in reply(slack, "resume")["text"]
    back = sched.participant("U1")
    assert (back.status, back.away_until) == ("active", None)
    # The wake-up is gone with it: on the 14th nothing moves the program again.
    sched.tick(datetime(2026, 12, 14, 0, 1, tzinfo=UTC))
    assert sched.participant("U1").start_date == date(2026, 11, 23)


def home(slack) -> dict:
    call = slack.emulator.wait_for("views.publish")[-1]
    return call.params["view"]


def home_action(slack, action_id: str, element: dict) -> None:
    view = home(slack)
    response = slack.sender.block_action(
        action_id, user_id="U1", block_id=ids.RHYTHM_BLOCK, view=view, element=element
    )
    assert response.status == 200


def test_the_home_tab_sets_day_hour_away_and_back(slack_transport, sched):
    slack = slack_transport
    sched.enroll("U1")
    slack.clock.set(MONDAY)
    slack.sender.event({"type": "app_home_opened", "user": "U1", "tab": "home"})
    # Published at once, then again with the member's progress picture once it is drawn.
    slack.emulator.wait_for("views.publish", count=2, timeout=30)
    view = home(slack)
    assert view_problems(view) == []
    assert "Weekly prompts: Mondays at 09:00, your time (the workspace's)" in str(view)

    def option(value: str) -> dict:
        return {"text": {"type": "plain_text", "text": value}, "value": value}

    published = len(slack.emulator.calls_to("views.publish"))
    home_action(slack, ids.RHYTHM_DAY, {"type": "static_select", "selected_option": option("3")})
    slack.emulator.wait_for("views.publish", count=published + 1)
    home_action(slack, ids.RHYTHM_HOUR, {"type": "static_select", "selected_option": option("8")})
    slack.emulator.wait_for("views.publish", count=published + 2)
    assert (sched.participant("U1").prompt_weekday, sched.participant("U1").prompt_hour) == (3, 8)
    assert "Thursdays at 08:00, your time (your choice)" in str(home(slack))

    home_action(slack, ids.AWAY_DATE, {"type": "datepicker", "selected_date": "2026-12-03"})
    slack.emulator.wait_for("views.publish", count=published + 3)
    assert sched.participant("U1").away_until == date(2026, 12, 3)
    view = home(slack)
    assert "Away until Thursday 3 December" in str(view) and ids.BACK_NOW in str(view)

    home_action(slack, ids.BACK_NOW, {"type": "button", "value": "back"})
    slack.emulator.wait_for("views.publish", count=published + 4)
    assert sched.participant("U1").status == "active"
    dm = slack.emulator.wait_for("chat.postMessage")[-1]
    assert dm.params["text"].startswith("Welcome back")

    # A day in the past from the picker: explained by DM, nothing changes.
    home_action(slack, ids.AWAY_DATE, {"type": "datepicker", "selected_date": "2026-11-01"})
    dm = slack.emulator.wait_for("chat.postMessage", count=2)[-1]
    assert "Pick a date after today" in dm.params["text"]
    assert sched.participant("U1").status == "active"
