"""The nudge, the team digest and the completion message: each once, when it is due."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from slack_emulator import message_problems
from storage import deliverables, entries, participants
from tests.scheduling.conftest import all_text, header_text

WEEK1 = datetime(2026, 11, 23, 8, tzinfo=UTC)  # Monday 09:00 in Berlin
SECRET = "SECRET-entry-text-nobody-else-may-see"


def test_one_nudge_midweek_in_the_phase_last_week_unless_done(sched):
    sched.enroll("U1")
    sched.enroll("U2", tz="Europe/Berlin")
    with sched.services.db.session() as session:
        deliverables.mark_done(
            session,
            team_id="T1",
            user_id="U2",
            program_id="product-engineer",
            phase_key=sched.programs["product-engineer"].phases[0].key,
            evidence="done",
            now=WEEK1,
        )
    wednesday1 = WEEK1 + timedelta(days=2)
    sched.tick(WEEK1)
    assert sched.tick(wednesday1).of("sent", "nudge") == []  # week 1 is not the phase's last
    sched.tick(WEEK1 + timedelta(weeks=1))
    assert sched.tick(wednesday1 + timedelta(weeks=1, minutes=-1)).of("sent", "nudge") == []
    report = sched.tick(wednesday1 + timedelta(weeks=1))
    assert [o.user_id for o in report.of("sent", "nudge")] == ["U1"]
    assert sched.tick(wednesday1 + timedelta(weeks=1, hours=5)).outcomes == []
    nudges = [c for c in sched.prompts("U1") if "due" in c.params["text"]]
    assert len(nudges) == 1
    assert sched.programs["product-engineer"].phases[0].deliverable.title in all_text(nudges[0])
    assert len(sched.prompts("U2")) == 2  # the two weekly prompts, no nudge


def test_the_digest_posts_counts_once_a_week_and_never_entry_text(sched):
    sched.set_workspace(team_channel_id="C1")
    sched.enroll("U1", start=date(2026, 11, 16))
    sched.enroll("U2", tz="America/Los_Angeles", start=date(2026, 11, 16))
    sched.enroll("U3", start=date(2026, 11, 23))
    sched.enroll("U4", start=date(2026, 12, 7))  # not started yet
    sched.enroll("U5", start=date(2026, 11, 16))  # same start and zone as U1: counted together
    sched.enroll("U6", start=date(2026, 11, 16))  # paused: not counted
    digest_at = datetime(2026, 11, 30, 9, tzinfo=UTC)  # Monday 09:00 UTC
    with sched.services.db.session() as session:
        participants.set_status(
            session, team_id="T1", user_id="U6", status="paused", now=digest_at - timedelta(days=3)
        )
        for user, kind, when in [
            ("U1", "decision", digest_at - timedelta(days=1)),
            ("U1", "decision", digest_at - timedelta(days=6)),
            ("U2", "customer_insight", digest_at - timedelta(hours=1)),
            ("U3", "decision", digest_at - timedelta(days=8)),  # the week before: not counted
            ("U3", "proposal", digest_at + timedelta(minutes=1)),  # after: not counted
        ]:
            entries.add_entry(
                session.connection(),
                team_id="T1", user_id=user, kind=kind, text=SECRET, fields={"x": SECRET},
                program_week=1, client_key=None, now=when,
            )  # fmt: skip
        deliverables.mark_done(
            session, team_id="T1", user_id="U1", program_id="product-engineer",
            phase_key="observe", evidence=SECRET, now=digest_at - timedelta(days=2),
        )  # fmt: skip
    assert sched.tick(digest_at - timedelta(minutes=1)).of("sent", "digest") == []
    report = sched.tick(digest_at + timedelta(minutes=1))
    assert [(o.team_id, o.period) for o in report.of("sent", "digest")] == [("T1", "2026-W49")]
    assert sched.tick(digest_at + timedelta(hours=3)).of("sent", "digest") == []
    [digest] = sched.posts("C1")
    assert message_problems(digest.params["text"], digest.params["blocks"]) == []
    body = all_text(digest)
    assert SECRET not in body
    assert "Weekly digest · 2026-W49" in header_text(digest)
    # U1, U2 and U5 are in week 3 (local), U3 in week 2, U4 not started, U6 paused: each
    # apart, bars of the program's four active members.
    assert "Not started: 1 · Active: 4 · Paused: 1 · Finished: 0" in body
    assert "`▰▰▱▱▱▱▱▱▱▱` 1  week 2 of 12\n`▰▰▰▰▰▰▰▰▱▱` 3  week 3 of 12" in body
    assert "*Logged in the last 7 days:* 2 decisions, 1 customer insight" in body
    assert "Proposal" not in body and "proposal" not in body
    assert "1 in the last 7 days, 1 in all" in body
    # U1 journaled on 2 of the 7 days: not yet "keeping the journal" (3+ days).
    assert "*Keeping the journal:* 0 of 4 active journaled on 3+ days" in body
    # The next ISO week gets its own digest.
    sched.tick(digest_at + timedelta(weeks=1))
    assert len(sched.posts("C1")) == 2


def test_no_team_channel_no_digest(sched):
    sched.enroll("U1")
    assert sched.tick(datetime(2026, 11, 30, 9, 5, tzinfo=UTC)).of("sent", "digest") == []


def test_after_the_last_week_one_completion_message_then_nothing(sched):
    start = date(2026, 11, 23) - timedelta(weeks=12)
    sched.enroll("U1", start=start)
    sched.tick(WEEK1 - timedelta(weeks=1))  # week 12's prompt
    assert header_text(sched.prompts("U1")[-1]).startswith("Week 12 of 12")
    assert sched.tick(WEEK1 - timedelta(minutes=1)).outcomes == []
    report = sched.tick(WEEK1)
    assert [(o.kind, o.result) for o in report.outcomes] == [("completion", "sent")]
    assert "You finished" in sched.prompts("U1")[-1].params["text"]
    for later in (timedelta(hours=1), timedelta(weeks=1), timedelta(weeks=5)):
        assert sched.tick(WEEK1 + later).outcomes == []
    assert len(sched.prompts("U1")) == 2


def test_the_weekly_recap_closes_each_program_week_once(sched):
    sched.enroll("U1")  # week 1 starts Monday 23 November, Berlin
    sched.enroll("U2", tz="America/Los_Angeles")
    with sched.services.db.session() as session:
        entries.add_entry(
            session.connection(),
            team_id="T1", user_id="U1", kind="decision", text=SECRET, fields={},
            program_week=1, client_key=None, now=WEEK1 + timedelta(days=1),
        )  # fmt: skip
    friday_berlin = datetime(2026, 11, 27, 15, tzinfo=UTC)  # 16:00 in Berlin
    sched.tick(WEEK1)
    assert sched.tick(friday_berlin - timedelta(minutes=1)).of("sent", "recap") == []
    report = sched.tick(friday_berlin)
    assert [o.user_id for o in report.of("sent", "recap")] == ["U1"]  # 07:00 in Los Angeles
    assert sched.tick(friday_berlin + timedelta(hours=1)).of("sent", "recap") == []
    report = sched.tick(datetime(2026, 11, 28, 0, tzinfo=UTC))  # Friday 16:00 in Los Angeles
    assert [o.user_id for o in report.of("sent", "recap")] == ["U2"]
    recap = [c for c in sched.prompts("U1") if "Your recap" in c.params["text"]]
    assert len(recap) == 1
    body = all_text(recap[0])
    assert "*This week:* 1 decision" in body
    assert SECRET not in body  # the recap counts; it doesn't quote


def test_a_recap_missed_over_the_weekend_is_not_sent_late(sched):
    sched.enroll("U1")
    sched.tick(WEEK1)
    # Down from Friday morning to Monday: week 1's recap is skipped, week 2's prompt goes out.
    report = sched.tick(WEEK1 + timedelta(weeks=1))
    assert report.of("sent", "recap") == []
    assert [o.kind for o in report.of("sent")] == ["prompt"]


def test_the_completion_message_shows_the_run_and_offers_portfolio_and_skills(slack, sched):
    from bot.blocks import ids

    sched.enroll("U1", start=date(2026, 11, 23) - timedelta(weeks=12))
    with sched.services.db.session() as session:
        for kind, week in [("decision", 1), ("decision", 3), ("customer_insight", 3)]:
            entries.add_entry(
                session.connection(),
                team_id="T1", user_id="U1", kind=kind, text=SECRET, fields={},
                program_week=week, client_key=None, now=WEEK1 - timedelta(weeks=10),
            )  # fmt: skip
        deliverables.mark_done(
            session, team_id="T1", user_id="U1", program_id="product-engineer",
            phase_key="observe", evidence=SECRET, now=WEEK1 - timedelta(weeks=10),
        )  # fmt: skip
    assert len(sched.tick(WEEK1).of("sent", "completion")) == 1
    [message] = [c for c in sched.prompts("U1") if "You finished" in c.params["text"]]
    body = all_text(message)
    assert "*Your run in numbers*" in body
    assert "• 3 entries: 2 decisions, 1 customer insight" in body
    assert "• Entries in 2 of 12 weeks" in body
    assert "• 1 of 6 deliverables marked done" in body
    assert SECRET not in body
    [row] = [b for b in message.params["blocks"] if b.get("block_id") == ids.COMPLETION_ACTIONS]
    assert [e["action_id"] for e in row["elements"]] == [ids.OPEN_PORTFOLIO, ids.OPEN_SKILLS]

    response = slack.sender.block_action(
        ids.OPEN_PORTFOLIO, user_id="U1", value="portfolio", block_id=ids.COMPLETION_ACTIONS,
        channel_id=message.response["channel"], message_ts=message.response["ts"],
    )  # fmt: skip
    assert response.status == 200
    summary = slack.emulator.wait_for("response_url")[0].params
    assert "artifacts strong" in summary["text"]
    # The portfolio itself: a private canvas the member owns (issue 16).
    slack.emulator.wait_for("canvases.create")
    [owner] = slack.emulator.wait_for("canvases.access.set")
    assert (owner.params["access_level"], owner.params["user_ids"]) == ("owner", "U1")
