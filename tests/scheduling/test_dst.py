"""Prompts at 09:00 local across daylight-saving changes: the pure function and real passes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.scheduling.due import prompt_slot, week_slot
from tests.scheduling.conftest import header_text

MINUTE = timedelta(minutes=1)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# (zone, Monday of the week before the change, its 09:00 in UTC, the next Monday's 09:00 in UTC)
CASES = [
    ("America/Los_Angeles", date(2026, 3, 2), utc(2026, 3, 2, 17), utc(2026, 3, 9, 16)),
    ("America/Los_Angeles", date(2026, 10, 26), utc(2026, 10, 26, 16), utc(2026, 11, 2, 17)),
    ("Europe/Berlin", date(2026, 3, 23), utc(2026, 3, 23, 8), utc(2026, 3, 30, 7)),
    ("Europe/Berlin", date(2026, 10, 19), utc(2026, 10, 19, 7), utc(2026, 10, 26, 8)),
    ("Pacific/Auckland", date(2026, 3, 30), utc(2026, 3, 29, 20), utc(2026, 4, 5, 21)),
    ("Pacific/Auckland", date(2026, 9, 21), utc(2026, 9, 20, 21), utc(2026, 9, 27, 20)),
    ("Asia/Kolkata", date(2026, 3, 2), utc(2026, 3, 2, 3, 30), utc(2026, 3, 9, 3, 30)),
    # Odd offsets: +5:45 all year, and +13:45 / +12:45 across the Chatham Islands' changes.
    ("Asia/Kathmandu", date(2026, 3, 2), utc(2026, 3, 2, 3, 15), utc(2026, 3, 9, 3, 15)),
    ("Pacific/Chatham", date(2026, 3, 30), utc(2026, 3, 29, 19, 15), utc(2026, 4, 5, 20, 15)),
    ("Pacific/Chatham", date(2026, 9, 21), utc(2026, 9, 20, 20, 15), utc(2026, 9, 27, 19, 15)),
]
IDS = [f"{tz}-{monday:%b}" for tz, monday, _, _ in CASES]


@pytest.mark.parametrize(("tz", "monday", "first", "second"), CASES, ids=IDS)
def test_prompt_slot_is_nine_local_on_both_sides_of_the_change(tz, monday, first, second):
    assert week_slot(tz, monday, 0, 9, 1) == first
    assert week_slot(tz, monday, 0, 9, 2) == second
    # Asked at any moment of the week, the slot is that week's Monday 09:00 local.
    assert prompt_slot(tz, monday, 0, 9, first - MINUTE) == first
    assert prompt_slot(tz, monday, 0, 9, first + timedelta(days=3)) == first
    assert prompt_slot(tz, monday, 0, 9, second) == second
    assert prompt_slot(tz, monday, 0, 9, second + timedelta(days=6)) == second


def test_prompt_slot_follows_the_workspace_weekday_and_hour():
    # Thursday 14:00 in Kolkata is 08:30 UTC.
    assert prompt_slot("Asia/Kolkata", date(2026, 3, 2), 3, 14, utc(2026, 3, 6)) == utc(
        2026, 3, 5, 8, 30
    )


@pytest.mark.parametrize(("tz", "monday", "first", "second"), CASES, ids=IDS)
def test_passes_send_each_prompt_at_nine_local_not_a_minute_before(
    sched, tz, monday, first, second
):
    sched.enroll("U7", tz=tz, start=monday, joined_at=first - timedelta(days=5))
    for slot, week in ((first, 1), (second, 2)):
        before = len(sched.prompts("U7"))
        assert sched.tick(slot - MINUTE).sent == []
        report = sched.tick(slot)
        assert [o.kind for o in report.sent] == ["prompt"]
        assert sched.tick(slot + MINUTE).sent == []
        prompts = sched.prompts("U7")
        assert len(prompts) == before + 1
        assert header_text(prompts[-1]).startswith(f"Week {week} of 12")
    rows = sched.deliveries("prompt", "U7")
    assert [r.status for r in rows] == ["sent", "sent"]
    assert [r.period.split(":")[1] for r in rows] == ["week-1", "week-2"]


def test_a_time_zone_change_moves_the_next_prompt(sched):
    sched.enroll("U7", tz="Europe/Berlin", start=date(2026, 11, 23))
    assert len(sched.tick(utc(2026, 11, 23, 8)).sent) == 1  # 09:00 in Berlin
    # The person moves to Los Angeles before week 2: 09:00 there is 17:00 UTC.
    from bot.services.enrollment import update_timezone

    update_timezone(sched.services, team_id="T1", user_id="U7", timezone="America/Los_Angeles")
    assert sched.tick(utc(2026, 11, 30, 8)).sent == []
    assert sched.tick(utc(2026, 11, 30, 16, 59)).sent == []
    assert len(sched.tick(utc(2026, 11, 30, 17)).sent) == 1
    assert header_text(sched.prompts("U7")[-1]).startswith("Week 2 of 12")
