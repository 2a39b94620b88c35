"""The sandbox server's JSON API (no browser needed): it acts through signed requests to the
bot and shows only what the emulator recorded."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from bot.blocks import ids
from bot.config import Settings
from bot.emulator import message_problems, view_problems
from bot.emulator.slack_requests import date_value, select_value
from bot.offline import DEMO_CHANNEL, DEMO_TEAM, OfflineBot


@pytest.fixture
def offline(tmp_path: Path) -> Iterator[OfflineBot]:
    bot = OfflineBot.start(Settings(database_url=f"sqlite:///{tmp_path / 'sandbox.db'}", port=0))
    yield bot
    bot.stop()


def call(offline: OfflineBot, path: str, body: dict[str, Any] | None = None) -> Any:
    url = offline.sandbox.url + path
    if body is None:
        return requests.get(url, timeout=10)
    return requests.post(url, json=body, timeout=10)


def state(offline: OfflineBot, user: str) -> dict[str, Any]:
    response = call(offline, f"/api/state?user={user}")
    assert response.status_code == 200
    return response.json()


def test_a_command_answer_is_an_ephemeral_recorded_at_the_emulator(offline):
    answer = call(offline, "/api/command", {"user": "U0SAM", "text": "/transition status"})
    assert answer.json() == {"status": 200}
    [shown] = offline.emulator.ephemerals(DEMO_CHANNEL)
    assert shown["recipient"] == "U0SAM"
    assert message_problems(shown["text"], shown["blocks"]) == []
    assert state(offline, "U0SAM")["channel"]["messages"] == [dict(shown, ephemeral=True)]
    assert state(offline, "U0ALEX")["channel"]["messages"] == []  # only Sam sees it


def test_join_modal_errors_come_back_inline_then_submit_closes_it(offline):
    call(offline, "/api/command", {"user": "U0ALEX", "text": "/transition join"})
    offline.emulator.wait_for("views.open")
    modal = state(offline, "U0ALEX")["modal"]
    assert modal["callback_id"] == ids.JOIN_VIEW and view_problems(modal) == []
    assert state(offline, "U0SAM")["modal"] is None  # the modal is Alex's

    too_far = (offline.clock.now() + timedelta(days=120)).date().isoformat()
    values = {
        ids.JOIN_PROGRAM[0]: {ids.JOIN_PROGRAM[1]: select_value("product-engineer")},
        ids.JOIN_BACKGROUND[0]: {ids.JOIN_BACKGROUND[1]: select_value("backend")},
        ids.JOIN_START[0]: {ids.JOIN_START[1]: date_value(too_far)},
    }
    body = {"user": "U0ALEX", "view_id": modal["id"], "values": values}
    refused = call(offline, "/api/submit", body).json()
    assert refused["errors"] == {
        ids.JOIN_START[0]: "Pick a start date within the next eight weeks."
    }
    assert state(offline, "U0ALEX")["modal"]["id"] == modal["id"]  # still open

    values[ids.JOIN_START[0]] = {
        ids.JOIN_START[1]: date_value(offline.clock.now().date().isoformat())
    }
    assert call(offline, "/api/submit", body).json() == {"status": 200}
    offline.emulator.wait_for("chat.postMessage")
    after = state(offline, "U0ALEX")
    assert after["modal"] is None
    dm = offline.emulator.dm_channel(DEMO_TEAM, "U0ALEX")
    assert after["dm"]["id"] == dm
    assert "You're in" in after["dm"]["messages"][0]["text"]


def test_buttons_and_home_go_through_the_app(offline):
    call(offline, "/api/home", {"user": "U0SAM"})
    offline.emulator.wait_for("views.publish")
    home = state(offline, "U0SAM")["home"]
    assert home is not None and view_problems(home) == []

    call(offline, "/api/command", {"user": "U0SAM", "text": "/transition status", "where": "dm"})
    dm = offline.emulator.dm_channel(DEMO_TEAM, "U0SAM")
    [status] = offline.emulator.ephemerals(dm)
    click = {
        "user": "U0SAM",
        "surface": "message",
        "channel": dm,
        "ts": status["ts"],
        "action_id": ids.OPEN_JOURNAL,
        "block_id": "status_actions",
    }
    assert call(offline, "/api/action", click).json() == {"status": 200}
    offline.emulator.wait_for("views.open")
    assert state(offline, "U0SAM")["modal"]["callback_id"] == ids.JOURNAL_VIEW

    modal_id = state(offline, "U0SAM")["modal"]["id"]
    assert call(offline, "/api/close", {"user": "U0SAM", "view_id": modal_id}).status_code == 200
    assert state(offline, "U0SAM")["modal"] is None


def test_advance_moves_only_the_simulated_clock(offline):
    before = offline.clock.offset
    answer = call(offline, "/api/advance", {"days": 7}).json()
    # The sandbox clock runs with real time plus an offset; the button adds exactly a week.
    assert offline.clock.offset - before == timedelta(days=7)
    for shown in (answer["now"], state(offline, "U0SAM")["now"]):
        lag = offline.clock.now() - datetime.fromisoformat(shown)
        assert timedelta(0) <= lag < timedelta(seconds=5)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/command", {"user": "U0NOBODY", "text": "/transition help"}),
        ("/api/command", {"user": "U0SAM", "text": "/other thing"}),
        ("/api/advance", {"days": 0}),
        ("/api/advance", {"days": "7"}),
        ("/api/advance", {"days": 400}),
        ("/api/submit", {"user": "U0SAM", "view_id": "V404", "values": {}}),
        ("/api/action", {"user": "U0SAM", "surface": "elsewhere", "action_id": "x"}),
    ],
)
def test_bad_requests_are_refused_with_a_reason(offline, path, body):
    offline.emulator.reset_calls()  # forget the start-up auth.test
    response = call(offline, path, body)
    assert response.status_code == 400
    assert response.json()["error"]
    assert offline.emulator.calls == []  # nothing reached Slack's side


def test_only_the_page_and_its_two_files_are_served(offline):
    page = call(offline, "/")
    assert page.status_code == 200 and "offline sandbox" in page.text
    assert call(offline, "/static/sandbox.js").status_code == 200
    assert call(offline, "/static/..%2Fsandbox.py").status_code == 404
    assert call(offline, "/static/index.html").status_code == 404
    assert call(offline, "/api/state?user=U0NOBODY").status_code == 400
