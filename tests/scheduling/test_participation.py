"""`/transition pause`, `resume` and `leave`, and profile time zone changes, over real HTTP."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.blocks import ids
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


def click(slack, message: dict, action_id: str) -> None:
    [row] = [b for b in message["blocks"] if b["type"] == "actions"]
    [element] = [e for e in row["elements"] if e["action_id"] == action_id]
    response = slack.sender.block_action(
        action_id,
        user_id="U1",
        value=element["value"],
        block_id=row["block_id"],
        channel_id="D0DM",
        ephemeral=True,
    )
    assert response.status == 200


def test_pause_before_the_start_says_so_and_moves_only_the_weeks_it_covers(slack, sched):
    sched.enroll("U1", start=date(2026, 12, 7))
    slack.clock.set(WEEK1 + timedelta(days=2))  # Wednesday 25 November, before the start
    body = reply(slack, "pause")
    assert body["text"].startswith("Paused before your start (week 1 starts Monday 7 December)")
    assert "week 0" not in str(body)
    slack.clock.set(WEEK1 + timedelta(days=7))  # resumed before the start: nothing moves
    assert reply(slack, "resume")["text"] == "Welcome back: week 1 starts Monday 7 December."
    assert sched.participant("U1").start_date == date(2026, 12, 7)
    assert reply(slack, "resume")["text"] == "You're not paused: week 1 starts Monday 7 December."
    reply(slack, "pause")
    slack.clock.set(datetime(2026, 12, 15, 10, tzinfo=UTC))  # into week 2: one week moves
    body = reply(slack, "resume")
    assert "moved 1 week later" in str(body["blocks"])
    assert sched.participant("U1").start_date == date(2026, 12, 14)


def test_pause_after_the_end_says_the_program_is_over(slack, sched):
    sched.enroll("U1", start=date(2026, 8, 3))  # 12 weeks: over by 23 November
    slack.clock.set(WEEK1)
    assert "program is over" in reply(slack, "pause")["text"]
    assert sched.participant("U1").status == "active"
    assert reply(slack, "resume")["text"] == "You're not paused: your program is over."


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
    question = reply(slack, "leave")
    assert question["text"].startswith("Leave Software engineer to product engineer?")
    assert "Your 1 entry, deliverables and skills ratings are kept" in str(question["blocks"])
    assert sched.participant("U1").status == "active"  # nothing changes before the answer
    click(slack, question, ids.LEAVE_CANCEL)
    assert "still in" in slack.emulator.wait_for("response_url")[-1].params["text"]
    assert sched.participant("U1").status == "active"
    click(slack, reply(slack, "leave"), ids.LEAVE_CONFIRM)
    assert sched.participant("U1").status == "left"
    answer = slack.emulator.wait_for("response_url", count=2)[-1].params
    assert "left the program" in answer["text"] and answer["replace_original"] is True
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
