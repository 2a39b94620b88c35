"""Ack first: every command, button, form and event is acknowledged within Slack's 3 seconds
even when each Web API call takes 5 s, because nothing calls Slack before the ack.

Found from outside: config, preview and summary team asked users.info (admin rights)
before acknowledging, and missed the deadline behind a slow Slack.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.blocks import ids
from bot.config import Settings
from bot.services.enrollment import join
from tests.conftest import serve_app
from tests.handlers.test_log import journal_values

SLOW_SLACK = 5.0  # seconds per Web API call: anything before the ack would show
COMMANDS = [
    "help",
    "join",
    "join product-engineer",
    "log",
    "log We chose annual billing first",
    "log insight: Three customers asked for exports",
    "ship",
    "entries",
    "status",
    "summary",
    "summary team",
    "skills",
    "portfolio",
    "export",
    "forget",
    "config",
    "config channel <#C1|transition>",
    "config prompt monday 9",
    "preview product-engineer 3",
    "pause",
    "resume",
    "leave",
    "no-such-word",
]


@pytest.fixture
def slow(emulator_and_token, database_url, clock, programs):
    """The app as deployed (SLACK_TIMEOUT's default 10 s per call, so a slow answer is
    waited for), a workspace admin, an enrolled member, and a Slack that takes 5 s."""
    emulator, token = emulator_and_token
    with serve_app(
        emulator, token, database_url, clock, programs, slack_timeout=Settings().slack_timeout
    ) as slack:
        yield from _slowed(slack)


def _slowed(slack):
    slack.emulator.add_user("T1", "U3", name="ada", is_admin=True)
    for user in ("U1", "U3"):
        join(
            slack.services,
            team_id="T1",
            user_id=user,
            program_id="product-engineer",
            background="backend",
            start_date=date(2026, 11, 9),
            timezone="Europe/Berlin",
        )
    slack.emulator.latency = SLOW_SLACK
    yield slack
    slack.emulator.latency = 0.0  # what is still queued after the acks finishes quickly


def test_every_command_acks_in_under_three_seconds_behind_a_slow_slack(slow):
    late = {}
    for text in COMMANDS:
        response = slow.command(text, user_id="U3")
        assert response.status == 200, text
        if response.elapsed >= 3.0:
            late[text] = round(response.elapsed, 1)
    assert late == {}


def test_buttons_forms_and_events_ack_in_under_three_seconds_behind_a_slow_slack(slow):
    sender = slow.sender
    answers = [
        sender.block_action(ids.OPEN_JOURNAL, user_id="U1", channel_id="C1"),
        sender.block_action(ids.OPEN_JOIN, user_id="U1", channel_id="C1"),
        sender.block_action(ids.FORGET_CANCEL, user_id="U1", channel_id="C1", ephemeral=True),
        sender.view_submission(
            {"type": "modal", "callback_id": ids.JOURNAL_VIEW, "private_metadata": "{}"},
            journal_values("Decided behind a slow Slack"),
            user_id="U1",
        ),
        sender.event({"type": "app_home_opened", "user": "U1", "tab": "home", "channel": "D1"}),
        sender.event(
            {"type": "user_change", "user": {"id": "U1", "team_id": "T1", "tz": "Asia/Tokyo"}}
        ),
    ]
    assert [a.status for a in answers] == [200] * len(answers)
    assert max(a.elapsed for a in answers) < 3.0


def test_acked_in_logs_the_real_time_to_the_ack(slack, log_watcher, monkeypatch):
    """Found from outside: acked_in always read 0.0 ms, because it was timed before the
    listener ran. A listener that takes 300 ms to store its entry now logs >= 300 ms."""
    import time

    from handlers.commands import log

    real = log.log_evidence

    def slow_store(*args, **kwargs):
        time.sleep(0.3)
        return real(*args, **kwargs)

    monkeypatch.setattr(log, "log_evidence", slow_store)
    slack.command("log Stored slowly")
    assert log_watcher.wait_for("command /transition log team=T1 user=U1 acked_in=")
    [line] = [m for m in log_watcher.messages() if "command /transition log" in m]
    acked_in = float(line.rsplit("acked_in=", 1)[1].removesuffix("ms"))
    assert acked_in >= 300
