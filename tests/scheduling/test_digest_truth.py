"""The digest tells the truth: per program, finished apart from active, the silent counted.

The bug (issue 15): after everyone finished, the digest said "(3 active): 2 week 14 · 1 week
20": two programs merged into one set of bars, finished members counted as active in weeks past
their program's end, one person drawn as a full bar, and a member who had logged nothing for
13 weeks appeared nowhere.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from slack_emulator import message_problems
from storage import entries
from tests.scheduling.conftest import all_text

DIGEST_AT = datetime(2026, 11, 30, 9, tzinfo=UTC)  # Monday 09:00 UTC: the digest slot
SECRET = "SECRET-entry-text-nobody-else-may-see"


def weeks_before(week: int) -> date:
    """The start date that puts a member in program `week` on DIGEST_AT (Berlin)."""
    return (DIGEST_AT - timedelta(weeks=week - 1)).date()


def log(sched, user: str, when: datetime, kind: str = "decision", week: int = 1) -> None:
    with sched.services.db.session() as session:
        entries.add_entry(
            session.connection(),
            team_id="T1", user_id=user, kind=kind, text=SECRET, fields={"why": SECRET},
            program_week=week, client_key=None, now=when,
        )  # fmt: skip


def digest_body(sched) -> str:
    sched.tick(DIGEST_AT + timedelta(minutes=1))
    [digest] = sched.posts("C1")
    assert message_problems(digest.params["text"], digest.params["blocks"]) == []
    body = all_text(digest)
    assert SECRET not in body
    return body


def test_after_everyone_finished_the_digest_says_so_per_program(sched):
    sched.set_workspace(team_channel_id="C1")
    sched.enroll("U1", start=weeks_before(14))  # product engineer: 12 weeks, finished
    sched.enroll("U2", start=weeks_before(14))
    sched.enroll("U3", start=weeks_before(20), program="engineer-to-pm")  # 13 weeks, finished
    log(sched, "U1", DIGEST_AT - timedelta(days=2), week=14)
    body = digest_body(sched)
    assert "(3 active)" not in body
    assert "week 14" not in body and "week 20" not in body
    pe = body.index("*Software engineer to product engineer*")
    pm = body.index("*Engineer to product manager*")
    assert "Finished: 2" in body[pe:pm] and "Active: 0" in body[pe:pm]
    assert "Finished: 1" in body[pm:] and "Active: 0" in body[pm:]
    # Finished members are not nagged: nothing needs attention.
    assert "No entry in 14 days" not in body


def test_a_member_silent_for_13_weeks_is_counted_and_bars_are_of_the_program(sched):
    sched.set_workspace(team_channel_id="C1")
    sched.enroll("U1", start=weeks_before(13), program="engineer-to-pm")  # never logged
    sched.enroll("U2", start=weeks_before(3))
    sched.enroll("U3", start=weeks_before(3))
    sched.enroll("U4", start=weeks_before(3))
    sched.enroll("U5", start=weeks_before(1))
    log(sched, "U2", DIGEST_AT - timedelta(days=1), week=3)
    log(sched, "U3", DIGEST_AT - timedelta(days=1), week=3)
    log(sched, "U3", DIGEST_AT - timedelta(days=8), week=2)
    log(sched, "U4", DIGEST_AT - timedelta(days=16), week=1)
    body = digest_body(sched)
    pe = body.index("*Software engineer to product engineer*")
    pm = body.index("*Engineer to product manager*")
    pm_part, pe_part = body[pm:], body[pe:pm]
    # The one PM member in week 13: an honest bar of 1 of 1, and counted as silent.
    assert "Active: 1" in pm_part and "1  week 13" in pm_part
    assert "No entry in 14 days: 1" in pm_part
    # U4 logged 16 days ago; U5 is in week 1 (no prompts missed yet) but silent too.
    assert "No entry in 14 days: 2" in pe_part
    # Week 3 holds 3 of the 4 members: the bar is of the program, not of the widest week.
    assert "`▰▰▰▰▰▰▰▱▱▱` 3  week 3" in pe_part and "`▰▰▰▱▱▱▱▱▱▱` 1  week 1" in pe_part
    # Nobody chose to share: counts only, no names.
    for user in ("U1", "U2", "U3", "U4", "U5"):
        assert user not in body
