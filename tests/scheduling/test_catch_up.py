"""A prompt missed while the bot was down: sent late in the same week, else skipped with a note."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.blocks.reminders import MISSED_NOTE
from tests.scheduling.conftest import all_text, header_text


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# Program week 1 starts Monday 23 November 2026; 09:00 in Berlin is 08:00 UTC.
WEEK1 = utc(2026, 11, 23, 8)
WEEK2 = WEEK1 + timedelta(weeks=1)


def test_down_during_the_prompt_back_on_tuesday_sends_it_once(sched):
    sched.enroll("U1")
    assert sched.tick(WEEK1 - timedelta(hours=12)).outcomes == []  # went down Sunday night
    report = sched.tick(WEEK1 + timedelta(days=1, hours=2))  # back Tuesday
    assert [(o.kind, o.result) for o in report.outcomes] == [("prompt", "sent")]
    assert sched.tick(WEEK1 + timedelta(days=1, hours=3)).outcomes == []
    [prompt] = sched.prompts("U1")
    assert header_text(prompt).startswith("Week 1 of 12")
    assert MISSED_NOTE not in all_text(prompt)


def test_back_the_next_week_skips_the_old_prompt_and_says_so(sched):
    sched.enroll("U1")
    # Down for all of week 1; back Monday of week 2 before 09:00: nothing yet, no burst.
    assert sched.tick(WEEK2 - timedelta(hours=1)).outcomes == []
    report = sched.tick(WEEK2 + timedelta(minutes=5))
    assert [(o.kind, o.period.split(":")[1], o.result) for o in report.outcomes] == [
        ("prompt", "week-1", "skipped"),
        ("prompt", "week-2", "sent"),
    ]
    [prompt] = sched.prompts("U1")
    assert header_text(prompt).startswith("Week 2 of 12")
    assert MISSED_NOTE in all_text(prompt)
    statuses = {r.period.split(":")[1]: r.status for r in sched.deliveries("prompt")}
    assert statuses == {"week-1": "skipped", "week-2": "sent"}
    assert sched.tick(WEEK2 + timedelta(hours=1)).outcomes == []
    # Week 3 goes out normally, without the note.
    sched.tick(WEEK2 + timedelta(weeks=1))
    assert MISSED_NOTE not in all_text(sched.prompts("U1")[-1])


def test_down_for_weeks_never_bursts_old_prompts(sched):
    sched.enroll("U1")
    sched.tick(WEEK1)
    report = sched.tick(WEEK1 + timedelta(weeks=3, hours=2))  # back in week 4
    assert len(report.sent) == 1
    assert len(sched.prompts("U1")) == 2
    assert header_text(sched.prompts("U1")[-1]).startswith("Week 4 of 12")


def test_joining_mid_program_is_not_a_missed_prompt(sched):
    # Joined on Tuesday of week 3 with week 1 in the past: week 2 was never theirs to miss.
    sched.enroll("U1", joined_at=WEEK1 + timedelta(weeks=2, days=1))
    report = sched.tick(WEEK1 + timedelta(weeks=2, days=1, minutes=1))
    assert [(o.kind, o.result) for o in report.outcomes] == [("prompt", "sent")]
    assert MISSED_NOTE not in all_text(sched.prompts("U1")[0])
    assert [r.status for r in sched.deliveries()] == ["sent"]
