"""Snoozing the weekly prompt: tomorrow 09:00 in the participant's zone, scheduled once."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from bot.blocks import ids
from slack_emulator import message_problems
from storage.models import DueItem
from tests.handlers.prompts_helpers import button_value, deliver_prompt, enroll, message
from tests.services.test_checkins import run_pass


def click_snooze(slack, channel: str, ts: str, user_id: str = "U1", *, ephemeral: bool = False):
    value = button_value(message(slack, channel, ts)["blocks"], ids.SNOOZE_PROMPT)
    response = slack.sender.block_action(
        ids.SNOOZE_PROMPT,
        user_id=user_id,
        value=value,
        block_id=ids.PROMPT_ACTIONS,
        channel_id=channel,
        ephemeral=ephemeral,
        message_ts=ts,
    )
    assert response.status == 200 and response.elapsed < 3.0
    return response


def snoozes(slack) -> list[DueItem]:
    with slack.services.db.session() as session:
        return list(session.exec(select(DueItem).where(DueItem.kind == "snooze")).all())


@pytest.mark.parametrize(
    ("user_id", "timezone", "expected"),
    [
        # Monday 23 November 09:30 UTC is 10:30 in Berlin: tomorrow 09:00 CET is 08:00 UTC.
        ("U1", "Europe/Berlin", datetime(2026, 11, 24, 8, 0, tzinfo=UTC)),
        # ...and 01:30 in Los Angeles: tomorrow 09:00 PST is 17:00 UTC.
        ("U2", "America/Los_Angeles", datetime(2026, 11, 24, 17, 0, tzinfo=UTC)),
    ],
)
def test_snooze_queues_tomorrow_nine_local_and_marks_the_message(
    slack, user_id, timezone, expected
):
    enroll(slack, user_id, timezone=timezone)
    channel, ts = deliver_prompt(slack, user_id)
    original = message(slack, channel, ts)
    click_snooze(slack, channel, ts, user_id)

    slack.emulator.wait_for("chat.update")
    updated = message(slack, channel, ts)
    note = updated["blocks"][0]["elements"][0]["text"]
    assert note.startswith(f":zzz: Snoozed until <!date^{int(expected.timestamp())}^")
    assert ids.SNOOZE_PROMPT not in str(updated["blocks"])
    assert updated["blocks"][1:][:3] == original["blocks"][:3]
    assert message_problems(updated["text"], updated["blocks"]) == []

    [row] = snoozes(slack)
    assert (row.status, row.due_at, row.payload["ts"]) == ("pending", expected, ts)
    # Not a minute early...
    assert run_pass(slack, expected - timedelta(minutes=1)).of("sent", "snooze") == []
    # ...and tomorrow at nine the prompt comes back as a new message, by the same pipeline.
    assert len(run_pass(slack, expected).of("sent", "snooze")) == 1
    back = slack.emulator.messages(channel)[-1]
    assert back["ts"] != ts and back["blocks"] == original["blocks"]
    assert [r.status for r in snoozes(slack)] == ["sent"]
    assert run_pass(slack, expected + timedelta(hours=1)).of("sent", "snooze") == []


def test_double_click_snoozes_once(slack):
    enroll(slack)
    channel, ts = deliver_prompt(slack)
    value = button_value(message(slack, channel, ts)["blocks"], ids.SNOOZE_PROMPT)

    def click() -> None:
        slack.sender.block_action(
            ids.SNOOZE_PROMPT, user_id="U1", value=value, channel_id=channel, message_ts=ts
        )

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    click()  # and a third, late click
    # The later clicks are answered "already snoozed"; wait for both answers.
    replies = slack.emulator.wait_for("response_url", count=2)
    assert all("Already snoozed" in r.params["text"] for r in replies)
    slack.emulator.wait_for("chat.update")  # the one winning click has finished its work
    assert len(snoozes(slack)) == 1


def test_snooze_across_the_spring_dst_change(slack):
    # Saturday 27 March 2027, 12:00 UTC: Berlin springs forward that night.
    slack.clock.set(datetime(2027, 3, 27, 12, 0, tzinfo=UTC))
    enroll(slack, start=date(2027, 3, 15))
    channel, ts = deliver_prompt(slack)
    click_snooze(slack, channel, ts)
    slack.emulator.wait_for("chat.update")
    # Sunday 09:00 CEST is 07:00 UTC, not 08:00.
    [row] = snoozes(slack)
    assert row.due_at == datetime(2027, 3, 28, 7, 0, tzinfo=UTC)


def test_ephemeral_copy_cannot_be_snoozed(slack):
    enroll(slack)
    channel, ts = deliver_prompt(slack)
    response = click_snooze(slack, channel, ts, ephemeral=True)
    assert response.status == 200
    assert "cannot be snoozed" in response.shown()["text"]
    assert snoozes(slack) == []


def test_marking_done_after_snoozing_keeps_the_snooze_note(slack):
    from slack_emulator.slack_requests import text_value

    enroll(slack)
    from tests.handlers.test_deliverables import log_problem

    log_problem(slack)  # what its definition of done needs
    channel, ts = deliver_prompt(slack)
    click_snooze(slack, channel, ts)
    slack.emulator.wait_for("chat.update")
    slack.sender.block_action(
        ids.MARK_DELIVERABLE_DONE,
        user_id="U1",
        value=button_value(message(slack, channel, ts)["blocks"], ids.MARK_DELIVERABLE_DONE),
        channel_id=channel,
        message_ts=ts,
    )
    view = slack.opened_view()
    block, action = ids.DELIVERABLE_EVIDENCE
    slack.sender.view_submission(view, {block: {action: text_value("doc")}}, user_id="U1")
    slack.emulator.wait_for("chat.update", count=2)
    redrawn = message(slack, channel, ts)
    assert "Snoozed until" in str(redrawn["blocks"][0])
    assert "Deliverable done" in str(redrawn["blocks"])
