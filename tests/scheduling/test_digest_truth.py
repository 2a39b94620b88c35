"""The digest tells the truth: per program, finished apart from active, the silent counted.

The bug (issue 15): after everyone finished, the digest said "(3 active): 2 week 14 · 1 week
20": two programs merged into one set of bars, finished members counted as active in weeks past
their program's end, one person drawn as a full bar, and a member who had logged nothing for
13 weeks appeared nowhere.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from slack_emulator import message_problems
from storage import cohorts, deliverables, entries, participants
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


PE, PM = "*Software engineer to product engineer*", "*Engineer to product manager*"


def parts(body: str) -> dict[str, str]:
    """Each program's part of the digest text, by program title."""
    starts = sorted((body.index(title), title) for title in (PE, PM))
    ends = [i for i, _ in starts[1:]] + [len(body)]
    return {title: body[i:end] for (i, title), end in zip(starts, ends, strict=True)}


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
    found = parts(body)
    assert "Finished: 2" in found[PE] and "Active: 0" in found[PE]
    assert "Finished: 1" in found[PM] and "Active: 0" in found[PM]
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
    found = parts(body)
    pm_part, pe_part = found[PM], found[PE]
    # The one PM member in week 13: an honest bar of 1 of 1, and counted as silent.
    assert "Active: 1" in pm_part and "1  week 13 of 13" in pm_part
    assert "No entry in 14 days: 1" in pm_part
    # U4 logged 16 days ago; U5 is silent too, but only in week 1: not counted yet.
    assert "No entry in 14 days: 1" in pe_part
    # Week 3 holds 3 of the 4 active members (U2-U4; U5 is in week 1): bars are of the
    # program, not of the widest week.
    assert "`▰▰▰▰▰▰▰▰▱▱` 3  week 3 of 12" in pe_part
    assert "`▰▰▱▱▱▱▱▱▱▱` 1  week 1 of 12" in pe_part
    # Nobody chose to share: counts only, no names.
    for user in ("U1", "U2", "U3", "U4", "U5"):
        assert user not in body


def share(sched, user: str) -> None:
    with sched.services.db.session() as session:
        assert participants.set_share_progress(
            session, team_id="T1", user_id=user, share=True, now=DIGEST_AT
        )


def mark_done(sched, user: str, phase: str, when: datetime) -> None:
    with sched.services.db.session() as session:
        deliverables.mark_done(
            session, team_id="T1", user_id=user, program_id="product-engineer",
            phase_key=phase, evidence=SECRET, now=when,
        )  # fmt: skip


def test_needs_attention_counts_everyone_and_names_only_who_shares(sched):
    sched.set_workspace(team_channel_id="C1")
    for user in ("S1", "S2", "S3"):
        sched.enroll(user, start=weeks_before(5))
    sched.enroll("S4", start=weeks_before(1), program="engineer-to-pm")
    share(sched, "S1")  # S1 shares and logged nothing at all
    # S2 is on track: logged under last week's prompt, both ended phases' deliverables done.
    log(sched, "S2", DIGEST_AT - timedelta(days=2), week=4)
    log(sched, "S2", DIGEST_AT - timedelta(days=3), week=4)
    mark_done(sched, "S2", "observe", DIGEST_AT - timedelta(days=20))
    mark_done(sched, "S2", "customer-contact", DIGEST_AT - timedelta(days=1))
    # S3 replied 10 days ago, but under week 2's prompt: not silent, yet weeks 3 and 4 went
    # unanswered, and no deliverable is done.
    log(sched, "S3", DIGEST_AT - timedelta(days=10), week=2)
    log(sched, "S4", DIGEST_AT - timedelta(days=1), kind="customer_insight", week=1)
    body = digest_body(sched)
    pe, pm = parts(body)[PE], parts(body)[PM]
    assert "• No entry in 14 days: 1 (<@S1>)" in pe
    assert "• A deliverable past due: 2 (<@S1>, and 1 more)" in pe
    assert "• Prompts unanswered 2 weeks running: 2 (<@S1>, and 1 more)" in pe
    # Entries and deliverables are counted in their author's program.
    assert "*Logged in the last 7 days:* 2 decisions\n" in pe
    assert "*Logged in the last 7 days:* 1 customer insight\n" in pm
    assert "1 in the last 7 days, 2 in all" in pe
    # Participation over six weeks, newest last: S3 two weeks ago, S2 in the last one.
    assert "`▁▁▁▁▃▃` 0 → 0 → 0 → 0 → 1 → 1" in pe
    assert "*Needs attention:* nobody right now" in pm
    # Privacy: no entry text, no evidence, no name of anyone who did not choose to share.
    assert SECRET not in body
    for user in ("S2", "S3", "S4"):
        assert user not in body


def test_each_cohort_gets_its_own_digest_in_its_own_channel(sched):
    sched.set_workspace(team_channel_id="C1")
    sched.emulator.add_channel("T1", "C2", name="pe-spring")
    with sched.services.db.session() as session:
        spring = cohorts.create(
            session, team_id="T1", name="Spring PE", program_id="product-engineer",
            start_date=weeks_before(3), channel_id="C2", created_by="U9", now=DIGEST_AT,
        )  # fmt: skip
        spring_id = spring.id
    for user in ("C1A", "C1B"):
        sched.enroll(user, start=weeks_before(3))
        with sched.services.db.session() as session:
            cohorts.add_member(session, team_id="T1", user_id=user, cohort_id=spring_id)
    sched.enroll("SOLO", start=weeks_before(5))  # joined on their own: not in the cohort's
    log(sched, "C1A", DIGEST_AT - timedelta(days=1), week=3)
    log(sched, "SOLO", DIGEST_AT - timedelta(days=1), kind="customer_insight", week=5)
    sched.tick(DIGEST_AT + timedelta(minutes=1))
    [cohort_digest] = sched.posts("C2")
    [team_digest] = sched.posts("C1")
    body = all_text(cohort_digest)
    assert message_problems(cohort_digest.params["text"], cohort_digest.params["blocks"]) == []
    assert "Weekly digest · Spring PE · 2026-W49" in body
    assert "· 2 members" in body and "`▰▰▰▰▰▰▰▰▰▰` 2  week 3 of 12" in body
    assert "*Logged in the last 7 days:* 1 decision\n" in body
    assert "customer insight" not in body  # SOLO's entry is not the cohort's
    assert "· 3 members" in all_text(team_digest)  # the workspace's digest counts everyone
    assert SECRET not in body and SECRET not in all_text(team_digest)
    # Once a week, like the workspace's.
    sched.tick(DIGEST_AT + timedelta(hours=2))
    assert len(sched.posts("C2")) == 1
