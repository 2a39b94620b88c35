"""`/transition pause`, `resume` and `leave`, and profile time zone changes, over real HTTP."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from slack_emulator import message_problems
from storage import entries
from tests.scheduling.conftest import header_text

WEEK1 = datetime(2026, 11, 23, 8, tzinfo=UTC)  # Monday 09:00 in Berlin


def reply(slack, text: str, user_id: str = "U1") -> dict:
    response = slack.command(text, user_id=user_id)
    assert response.status == 200
    body = response.json()
    assert body.get("response_type", "ephemeral") == "ephemeral"
    assert message_problems(body.get("text"), body.get("blocks")) == []
    return body


def test_pause_stops_prompts_and_resume_continues_in_the_same_week(slack, sched):
    sched.enroll("U1")
    sched.tick(WEEK1)
    slack.clock.set(WEEK1 + timedelta(days=2))  # Wednesday of week 1
    assert "Paused in week 1" in reply(slack, "pause")["text"]
    assert "already paused" in reply(slack, "pause")["text"]
    for weeks in (1, 2):
        assert sched.tick(WEEK1 + timedelta(weeks=weeks, hours=1)).outcomes == []
    # Back on Tuesday of the fourth calendar week: three Mondays crossed, three weeks shifted.
    slack.clock.set(WEEK1 + timedelta(weeks=3, days=1))
    body = reply(slack, "resume")
    assert "you're in week 1" in body["text"]
    assert "moved 3 weeks later" in str(body["blocks"])
    assert sched.participant("U1").start_date == date(2026, 12, 14)
    assert sched.participant("U1").paused_at is None
    # Week 1's prompt was already sent: nothing now, week 2 next Monday, no "missed" note.
    assert sched.tick(WEEK1 + timedelta(weeks=3, days=1, minutes=1)).outcomes == []
    report = sched.tick(WEEK1 + timedelta(weeks=4))
    assert [(o.kind, o.result) for o in report.outcomes] == [("prompt", "sent")]
    prompts = sched.prompts("U1")
    assert [header_text(p)[:14] for p in prompts] == ["Week 1 of 12 ·", "Week 2 of 12 ·"]
    assert "missed" not in prompts[-1].params["text"]
    assert "not paused" in reply(slack, "resume")["text"]


def test_leave_ends_the_prompts_and_keeps_the_data(slack, sched):
    sched.enroll("U1")
    sched.tick(WEEK1)
    with sched.services.db.session() as session:
        entries.add_entry(
            session.connection(),
            team_id="T1", user_id="U1", kind="decision", text="kept", fields={},
            program_week=1, client_key=None, now=WEEK1,
        )  # fmt: skip
    slack.clock.set(WEEK1 + timedelta(days=1))
    assert "left the program" in reply(slack, "leave")["text"]
    assert sched.participant("U1").status == "left"
    assert sched.tick(WEEK1 + timedelta(weeks=1)).outcomes == []
    assert len(sched.prompts("U1")) == 1
    with sched.services.db.session() as session:
        assert entries.count_by_kind(session, team_id="T1", user_id="U1") == {"decision": 1}
    assert "haven't joined" in reply(slack, "leave")["text"]
    assert "haven't joined" in reply(slack, "pause")["text"]


def test_pause_without_joining_says_how_to_join(slack):
    for word in ("pause", "resume", "leave"):
        assert "/transition join" in reply(slack, word, user_id="U2")["text"]


def test_help_lists_pause_resume_and_leave(slack):
    body = reply(slack, "help")
    for word in ("pause", "resume", "leave"):
        assert f"/transition {word}" in str(body["blocks"])


def test_a_profile_time_zone_change_moves_the_next_prompt(slack, sched, log_watcher):
    sched.enroll("U1", tz="Europe/Berlin")
    sched.tick(WEEK1)
    response = slack.sender.event(
        {"type": "user_change", "user": {"id": "U1", "team_id": "T1", "tz": "Asia/Kolkata"}}
    )
    assert response.status == 200
    # The listener runs after the ack: wait for its log line.
    assert log_watcher.wait_for("time zone of T1/U1 is now Asia/Kolkata")
    assert sched.participant("U1").timezone == "Asia/Kolkata"
    # 09:00 in Kolkata on Monday of week 2 is 03:30 UTC (Berlin's would be 08:00).
    assert sched.tick(WEEK1 + timedelta(weeks=1) - timedelta(hours=4, minutes=31)).sent == []
    assert len(sched.tick(WEEK1 + timedelta(weeks=1) - timedelta(hours=4, minutes=30)).sent) == 1
