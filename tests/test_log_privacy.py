"""Operators read the logs; participants' entries and Slack credentials must never be there."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from storage.db import Database
from storage.models import DeliverableDone
from tests.conftest import SIGNING_SECRET
from tests.handlers.test_join import join_values
from tests.handlers.test_log import enroll, journal_values

SECRET_DECISION = "Zebra-quartz: we quietly dropped the Acme discount"
SECRET_DETAIL = "Okapi-lantern data from the churn export"


def test_commands_log_one_line_each_without_tokens_secrets_or_entry_text(slack, log_watcher):
    logging.getLogger().setLevel(logging.DEBUG)  # even at the most verbose level
    enroll(slack)
    slack.command(f"log {SECRET_DECISION}", channel_id="C1")
    slack.command("log", channel_id="C1")
    view = slack.opened_view()
    slack.sender.view_submission(
        view, journal_values(SECRET_DECISION, data=SECRET_DETAIL), user_id="U1"
    )
    slack.emulator.wait_for("chat.postEphemeral")
    slack.command("status", channel_id="C1")
    slack.command("join", user_id="U2", channel_id="C1")
    join_view = slack.opened_view()
    slack.sender.view_submission(join_view, join_values(), user_id="U2")
    slack.emulator.wait_for("chat.postMessage")
    assert log_watcher.wait_for("view_submission join_submit team=T1 user=U2")

    lines = log_watcher.messages()
    # The one line per request is there, with team, user and latency...
    assert any(
        line.startswith("command /transition log team=T1 user=U1 acked_in=") for line in lines
    )
    assert any(line.startswith("command /transition status team=T1 user=U1") for line in lines)
    # ...and nothing private anywhere.
    for line in lines:
        assert "xoxb-" not in line
        assert SIGNING_SECRET not in line
        for private in ("Zebra-quartz", "Okapi-lantern", "Acme discount"):
            assert private not in line, line


def test_a_failed_statement_does_not_carry_its_values_into_the_error(database_url):
    db = Database(database_url)

    def done(evidence: str) -> DeliverableDone:
        return DeliverableDone(
            team_id="T1",
            user_id="U1",
            program_id="product-engineer",
            phase_key="observe",
            evidence=evidence,
            done_at=datetime(2026, 11, 23, tzinfo=UTC),
        )

    with db.session() as session:
        session.add(done("first"))
    with pytest.raises(IntegrityError) as error, db.session() as session:
        session.add(done(SECRET_DETAIL))
        session.flush()
    db.dispose()
    assert SECRET_DETAIL not in str(error.value)
    assert "hidden due to hide_parameters" in str(error.value)
