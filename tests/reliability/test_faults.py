"""Slack misbehaves while we confirm an entry: the entry is stored and the reply still lands."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.blocks import ids
from slack_emulator.slack_requests import text_value
from storage.models import Entry
from tests.reliability.ledger import LEDGER


def submit_journal(slack, text: str):
    slack.command("log", channel_id="C1")
    view = slack.opened_view()
    values = {ids.JOURNAL_DECISION[0]: {ids.JOURNAL_DECISION[1]: text_value(text)}}
    response = slack.sender.view_submission(view, values, user_id="U1")
    assert response.status == 200
    LEDGER.add("entries.acknowledged")
    return response


def stored(slack, text: str) -> bool:
    with slack.services.db.session() as session:
        found = session.exec(select(Entry).where(Entry.text == text)).first() is not None
    if found:
        LEDGER.add("entries.found")
    return found


def delivered(calls) -> bool:
    return any(c.ok for c in calls)


# (how to break Slack, what should deliver the confirmation in the end)
FAULTS = {
    "429 storm": (
        lambda emu: emu.rate_limit("chat.postEphemeral", retry_after=1, times=2),
        "chat.postEphemeral",
    ),
    # A 5xx may follow a message Slack stored (its docs say so): never resent, the DM
    # carries the confirmation instead.
    "5xx burst": (
        lambda emu: emu.server_error("chat.postEphemeral", status=503, times=2),
        "chat.postMessage",
    ),
    "not_in_channel": (
        lambda emu: emu.fail("chat.postEphemeral", "not_in_channel"),
        "chat.postMessage",
    ),
    "channel_not_found": (
        lambda emu: emu.fail("chat.postEphemeral", "channel_not_found"),
        "chat.postMessage",
    ),
    "invalid_blocks": (
        lambda emu: emu.fail("chat.postEphemeral", "invalid_blocks"),
        "chat.postMessage",
    ),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_confirmation_survives_the_fault_and_the_entry_is_stored(slack, fault):
    inject, route = FAULTS[fault]
    inject(slack.emulator)
    LEDGER.add("faults.injected")
    text = f"decision under {fault}"
    submit_journal(slack, text)
    calls = slack.emulator.wait_for(route, timeout=15, predicate=lambda c: c.ok)
    assert delivered(calls)
    assert text in str(calls[-1].params["blocks"])
    assert stored(slack, text)
    LEDGER.add("faults.survived")


def test_every_route_failing_keeps_the_entry_and_logs_each_reason(slack, log_watcher):
    slack.emulator.fail("chat.postEphemeral", "channel_not_found")
    slack.emulator.fail("chat.postMessage", "account_inactive")
    LEDGER.add("faults.injected", 2)
    submit_journal(slack, "nobody hears this, but it is kept")
    assert log_watcher.wait_for("could not reply to U1 by any route")
    reasons = " ".join(log_watcher.messages())
    assert "channel_not_found" in reasons and "account_inactive" in reasons
    assert stored(slack, "nobody hears this, but it is kept")
    LEDGER.add("faults.survived", 2)


def test_views_open_rate_limited_still_opens_the_modal(slack):
    slack.emulator.rate_limit("views.open", retry_after=1, times=1)
    LEDGER.add("faults.injected")
    response = slack.command("log", channel_id="C1")
    assert response.status == 200 and response.elapsed < 3.0  # acked before the retry
    opened = slack.emulator.wait_for("views.open", count=2, timeout=10)
    assert opened[0].status == 429 and opened[1].ok
    LEDGER.add("faults.survived")


def test_slack_too_slow_to_answer_keeps_the_entry_and_logs_the_timeouts(slack, log_watcher):
    """Slack takes longer than the client waits (2 s here): both reply routes time out."""
    slack.command("log", channel_id="C1")
    view = slack.opened_view()
    slack.emulator.latency = 3.0
    LEDGER.add("faults.injected")
    try:
        values = {ids.JOURNAL_DECISION[0]: {ids.JOURNAL_DECISION[1]: text_value("slow Slack")}}
        response = slack.sender.view_submission(view, values, user_id="U1")
        assert response.status == 200  # acknowledged at once: no Slack call before the ack
        LEDGER.add("entries.acknowledged")
        assert log_watcher.wait_for("could not reply to U1 by any route", timeout=15)
    finally:
        slack.emulator.latency = 0.0
    assert any("TimeoutError" in m for m in log_watcher.messages())
    assert stored(slack, "slow Slack")
    LEDGER.add("faults.survived")
