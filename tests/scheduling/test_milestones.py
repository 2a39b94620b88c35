"""The PM program's day-30/60/90 check-ins: through the one pipeline, once each, on time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.scheduling.due import MILESTONE
from slack_emulator import message_problems
from tests.scheduling.conftest import all_text

START = date(2026, 11, 23)  # a Monday: program day 1
DAY30 = datetime(2026, 12, 22, 8, tzinfo=UTC)  # 09:00 in Berlin on day 30


def checkins(sched, user: str) -> list:
    return [c for c in sched.posts(user) if "check-in" in c.params["text"]]


def test_each_check_in_goes_out_once_on_its_day(sched):
    sched.enroll("U1", program="engineer-to-pm", start=START)
    sched.enroll("U2", program="product-engineer", start=START)  # no check-ins in this one
    assert sched.tick(DAY30 - timedelta(minutes=1)).of("sent", MILESTONE) == []
    sent = sched.tick(DAY30).of("sent", MILESTONE)
    assert [o.user_id for o in sent] == ["U1"]
    assert sched.tick(DAY30 + timedelta(hours=3)).of("sent", MILESTONE) == []
    [day30] = checkins(sched, "U1")
    text = all_text(day30)
    assert "Day 30 check-in" in text and "first proof project" in text
    assert message_problems(day30.params["text"], day30.params["blocks"]) == []
    for day in (60, 90):
        at = DAY30 + timedelta(days=day - 30)
        assert [o.user_id for o in sched.tick(at).of("sent", MILESTONE)] == ["U1"]
    assert [all_text(c).split("\n")[0][:15] for c in checkins(sched, "U1")] == [
        "Day 30 check-in",
        "Day 60 check-in",
        "Day 90 check-in",
    ]
    assert checkins(sched, "U2") == []


def test_a_check_in_missed_for_more_than_a_week_is_not_sent_late(sched):
    sched.enroll("U1", program="engineer-to-pm", start=START)
    sched.tick(DAY30 - timedelta(days=1))
    assert sched.tick(DAY30 + timedelta(days=8)).of("sent", MILESTONE) == []
    assert checkins(sched, "U1") == []


def test_a_check_in_a_few_days_late_still_goes_out_once(sched):
    sched.enroll("U1", program="engineer-to-pm", start=START)
    sched.tick(DAY30 - timedelta(days=1))
    late = sched.tick(DAY30 + timedelta(days=2)).of("sent", MILESTONE)
    assert [o.user_id for o in late] == ["U1"]
    assert sched.tick(DAY30 + timedelta(days=2, hours=1)).of("sent", MILESTONE) == []
