"""Check-ins: a ship post's one-week follow-up and a decision's revisit are queue items,
due at the author's prompt hour, sent exactly once by the same pipeline as every
scheduled message, and the ones due together for one person go out as one message."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

from bot.blocks import ids
from bot.services.config import update
from bot.services.enrollment import join
from slack_emulator.slack_requests import text_value
from storage.models import DueItem
from tests.handlers.evidence_helpers import assert_valid_message, entries
from tests.handlers.prompts_helpers import enroll
from tests.pipeline_helpers import run_pass

# The harness clock starts Monday 23 November 2026, 09:30 UTC.
NINE = timedelta(hours=9)


def dms_to(slack, user: str) -> list:
    return [c for c in slack.emulator.calls_to("chat.postMessage") if c.params["channel"] == user]


def items(slack, kind: str) -> list[DueItem]:
    from sqlmodel import select

    with slack.services.db.session() as session:
        return list(session.exec(select(DueItem).where(DueItem.kind == kind)).all())


def morning(days: int) -> datetime:
    """09:00 UTC, `days` after the harness's first day."""
    return datetime(2026, 11, 23, tzinfo=UTC) + timedelta(days=days) + NINE


def test_a_decision_is_revisited_at_the_prompt_hour_once_and_the_answer_stored(slack):
    slack.command("log We chose annual billing first")
    slack.command("log insight: Not a decision, never revisited")
    [decision] = entries(slack, "decision")
    [item] = items(slack, "revisit")
    # Logged Monday 09:30 UTC; 28 days on is 09:30, past the prompt hour: the next morning.
    assert item.due_at == morning(29)
    assert run_pass(slack, morning(29) - timedelta(minutes=1)).outcomes == []
    report = run_pass(slack, morning(29))
    assert [(o.kind, o.period, o.result) for o in report.outcomes] == [
        ("revisit", f"entry-{decision.id}", "sent")
    ]
    assert run_pass(slack).outcomes == []
    assert run_pass(slack, morning(90)).outcomes == []
    [dm] = dms_to(slack, "U1")
    shown = str(dm.params["blocks"])
    assert "We chose annual billing first" in shown and "How did it turn out?" in shown
    assert_valid_message(dm.params)
    assert len(slack.emulator.calls_to("chat.postMessage")) == 1  # private: the author only

    slack.sender.block_action(
        ids.REVISIT_ANSWERS["didnt"], user_id="U1", value=f"{decision.id}:didnt"
    )
    view = slack.opened_view()
    assert view["callback_id"] == ids.REVISIT_VIEW
    assert entries(slack, "decision")[0].fields["revisit"]["outcome"] == "didnt"
    note = {ids.REVISIT_NOTE[0]: {ids.REVISIT_NOTE[1]: text_value("Churn went up")}}
    assert slack.sender.view_submission(view, note, user_id="U1").status == 200
    revisit = entries(slack, "decision")[0].fields["revisit"]
    assert revisit["outcome"] == "didnt" and revisit["note"] == "Churn went up"


def test_thirteen_revisits_due_together_go_out_as_one_message_in_the_morning(slack):
    """Found from outside: 13 decision-revisit DMs to one person within 22 ms, at 00:05
    their local time. Check-ins now wait for the prompt hour and travel together."""
    join(
        slack.services,
        team_id="T1",
        user_id="U1",
        program_id="product-engineer",
        background="backend",
        start_date=date(2026, 11, 23),
        timezone="Asia/Tokyo",
    )
    for n in range(13):
        slack.command(f"log Decision number {n}")
    # Logged at 18:30 in Tokyo (09:30 UTC); 28 days on is 18:30 again, past 09:00 there: the
    # next Tokyo morning, 09:00 = 00:00 UTC. Nothing goes out in the Tokyo night.
    first = datetime(2026, 12, 22, tzinfo=UTC)
    report = run_pass(slack, first + timedelta(hours=-1))
    assert report.of("sent", "revisit") == []
    report = run_pass(slack, first + timedelta(hours=1))
    revisits = report.of("sent", "revisit")
    assert len(revisits) == 13
    messages = [c for c in dms_to(slack, "U1") if "turn out" in str(c.params["blocks"])]
    assert len(messages) == 2  # 12 in one, and the 13th in a second (Block Kit's 50 blocks)
    for message in messages:
        assert_valid_message(message.params)
    sent_at = {datetime.fromtimestamp(float(c.response["ts"]), UTC) for c in messages}
    assert len({r.message_ts for r in items(slack, "revisit")}) == 2
    assert sent_at  # and every item records the message it went out in


def test_revisit_delay_is_per_workspace(slack):
    update(slack.services, team_id="T1", revisit_days=7)
    slack.command("log Short loop decision")
    assert len(run_pass(slack, morning(8)).of("sent", "revisit")) == 1


def test_someone_else_cannot_answer_your_revisit(slack):
    slack.command("log Mine")
    [decision] = entries(slack)
    slack.sender.block_action(
        ids.REVISIT_ANSWERS["worked"], user_id="U2", value=f"{decision.id}:worked"
    )
    slack.emulator.wait_for("response_url")  # "gone" notice to U2, nothing stored
    assert "revisit" not in entries(slack)[0].fields
    assert slack.emulator.calls_to("views.open") == []


def test_concurrent_passes_send_each_check_in_once(slack):
    for n in range(5):
        slack.command(f"log Choice {n}")
    slack.clock.set(morning(29))
    results = []

    def one_pass() -> None:
        results.append(run_pass(slack))

    threads = [threading.Thread(target=one_pass) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sent = [o.period for r in results for o in r.of("sent", "revisit")]
    assert len(sent) == len(set(sent)) == 5
    assert len(dms_to(slack, "U1")) == 1  # five check-ins, one message
    assert {i.status for i in items(slack, "revisit")} == {"sent"}


def test_a_rate_limited_check_in_waits_and_goes_out_once(slack):
    slack.command("log Retry me")
    slack.emulator.rate_limit("chat.postMessage", retry_after=1, times=1)
    report = run_pass(slack, morning(29))
    assert len(report.of("sent", "revisit")) == 1
    assert [c.status for c in slack.emulator.calls_to("chat.postMessage")] == [429, 200]


def test_a_stale_revisit_is_skipped_once_not_sent(slack):
    slack.command("log Logged long before the bot came back")
    report = run_pass(slack, morning(50))  # 28 days + the 14-day grace are over
    assert report.of("skipped", "revisit")
    assert dms_to(slack, "U1") == []
    assert {i.status for i in items(slack, "revisit")} == {"skipped"}
    assert run_pass(slack, morning(51)).outcomes == []


def test_a_follow_up_and_a_revisit_due_together_go_out_as_one_message(slack):
    """A ship post's follow-up and a decision's revisit, due the same morning for one
    person, travel in one DM. (The pipeline once rendered each kind on its own, so the
    two check-ins went out as two messages a few milliseconds apart.)"""
    from tests.handlers.test_ship import ship

    update(slack.services, team_id="T1", revisit_days=7)
    ship(slack)
    slack.command("log We chose to ship the export email first")
    report = run_pass(slack, morning(8))
    assert len(report.of("sent", "followup")) == 1
    assert len(report.of("sent", "revisit")) == 1
    checkins = [
        c
        for c in dms_to(slack, "U1")
        if "What does the data say now?" in str(c.params["blocks"])
        or "turn out" in str(c.params["blocks"])
    ]
    assert len(checkins) == 1, [c.params["text"] for c in checkins]
    shown = str(checkins[0].params["blocks"])
    assert "What does the data say now?" in shown and "turn out" in shown
    assert_valid_message(checkins[0].params)
    stamps = {i.message_ts for i in items(slack, "followup") + items(slack, "revisit")}
    assert stamps == {checkins[0].response["ts"]}


def test_nothing_is_checked_in_on_while_paused_or_after_leaving(slack):
    """Found from outside: a paused member got their decision's revisit and their ship
    post's follow-up ("No prompts or reminders until you resume"), and one who had left
    got revisits, even for a decision logged after leaving."""
    from bot.services.participation import leave, pause, resume

    for user in ("U1", "U2"):
        enroll(slack, user, timezone="UTC", start=date(2026, 11, 23))
    slack.command("log Paused member's decision", user_id="U1")
    slack.command("log Leaving member's decision", user_id="U2")
    pause(slack.services, team_id="T1", user_id="U1")
    leave(slack.services, team_id="T1", user_id="U2")
    slack.command("log Logged after leaving", user_id="U2")
    assert len(items(slack, "revisit")) == 2  # nothing planned for the one who left
    report = run_pass(slack, morning(29))
    assert sorted(o.result for o in report.outcomes) == ["dropped", "dropped"]
    assert dms_to(slack, "U1") == [] and dms_to(slack, "U2") == []
    # A member who resumes gets check-ins again.
    resume(slack.services, team_id="T1", user_id="U1")
    slack.command("log A decision after resuming", user_id="U1")
    report = run_pass(slack, morning(60))
    assert [o.result for o in report.outcomes if o.kind == "revisit"] == ["sent"]
    shown = [str(dm.params["blocks"]) for dm in dms_to(slack, "U1")]
    assert sum("A decision after resuming" in b for b in shown) == 1
    assert not any("Paused member's decision" in b for b in shown)
