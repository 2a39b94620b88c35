"""The main scenarios over both transports: signed HTTP to /slack/events, and Socket Mode
through Bolt's SocketModeHandler connected to the emulator.

Each test runs twice (`slack_transport` is parametrized) and asserts on what the user sees or
what is stored: the command's answer, the emulator's messages, ephemerals, open modals and
Home tabs, and the database. Which Web API method carried a reply is left out on purpose.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlmodel import select

from bot.blocks import ids
from bot.services.config import update
from bot.services.enrollment import join
from slack_emulator.slack_requests import date_value, select_value, text_value
from storage.models import Participant
from tests.handlers.evidence_helpers import entries, form_values

SHIP = {
    "problem": "Admins lost exported files",
    "who": "About 300 team admins a week",
    "built": "An email with the download link",
    "before": "40 export tickets a month",
    "after": "12 export tickets a month",
    "feedback": "Dana: finally!",
    "learned": "Support already had the data",
}


def enroll(h, user_id: str = "U1") -> None:
    join(
        h.services,
        team_id="T1",
        user_id=user_id,
        program_id="product-engineer",
        background="backend",
        start_date=date(2026, 11, 9),  # week 3 on the fixed test clock
        timezone="Europe/Berlin",
    )


def participants(h) -> list[Participant]:
    with h.services.db.session() as session:
        return list(session.exec(select(Participant)).all())


def seen_by(h, user: str, channel: str, answer: Any = None) -> str:
    """Everything `user` was shown in `channel`: the command's own answer (Slack shows an
    acknowledgement's message to whoever typed the command) and the ephemerals sent there."""
    shown = [answer.body] if answer is not None else []
    shown += [json.dumps(m) for m in h.emulator.ephemerals(channel) if m["recipient"] == user]
    return "\n".join(shown)


def bot_posts(h, channel: str) -> list[dict[str, Any]]:
    return [m for m in h.emulator.messages(channel) if m.get("bot_id")]


def open_modal(h, view_id: str) -> dict[str, Any]:
    """The modal as Slack holds it now (after any views.update)."""
    return h.emulator.open_views[view_id]


def join_values(background: str | None = "backend") -> dict[str, Any]:
    values = {
        ids.JOIN_PROGRAM[0]: {ids.JOIN_PROGRAM[1]: select_value("product-engineer")},
        ids.JOIN_START[0]: {ids.JOIN_START[1]: date_value("2026-11-30")},
    }
    if background is not None:
        values[ids.JOIN_BACKGROUND[0]] = {ids.JOIN_BACKGROUND[1]: select_value(background)}
    return values


def opened_join_modal(h) -> dict[str, Any]:
    response = h.command("join", channel_id="C1")
    assert response.status == 200 and response.body == ""  # the modal is the answer
    opened = h.opened_view()
    assert opened["callback_id"] == ids.JOIN_VIEW
    # The modal is filled in with the profile's time zone once it has been read.
    h.emulator.wait_until(
        lambda: "Europe/Berlin" in json.dumps(open_modal(h, opened["id"])["blocks"])
    )
    return open_modal(h, opened["id"])


def test_requests_travel_over_the_transport_under_test(slack_transport):
    h = slack_transport
    response = h.command("help", channel_id="C1")
    assert response.status == 200
    over_socket = h.sender.socket is not None
    assert len(h.emulator.socket_envelopes) == (1 if over_socket else 0)
    if over_socket:
        [ack] = h.emulator.socket_acks
        assert ack.on_time and json.loads(response.body) == ack.payload


def test_help_lists_what_you_can_do(slack_transport):
    h = slack_transport
    response = h.command("help", channel_id="C1")
    assert response.status == 200
    assert response.elapsed < 3.0
    shown = seen_by(h, "U1", "C1", response)
    for word in ("/transition join", "/transition log", "/transition ship"):
        assert word in shown


def test_join_opens_a_modal_and_submitting_it_enrolls(slack_transport):
    h = slack_transport
    modal = opened_join_modal(h)

    response = h.sender.view_submission(modal, join_values(), user_id="U1")

    assert response.status == 200 and response.body == ""  # accepted: the modal closes
    [participant] = participants(h)
    assert (participant.team_id, participant.user_id) == ("T1", "U1")
    assert participant.program_id == "product-engineer"
    assert participant.timezone == "Europe/Berlin"
    assert participant.start_date == date(2026, 11, 30)
    dm = h.emulator.dm_channel("T1", "U1")
    h.emulator.wait_until(lambda: bool(bot_posts(h, dm)))
    assert "Week 1 starts on" in json.dumps(bot_posts(h, dm))


def test_a_modal_with_a_missing_choice_answers_with_errors_in_place(slack_transport):
    h = slack_transport
    modal = opened_join_modal(h)

    response = h.sender.view_submission(modal, join_values(background=None), user_id="U1")

    assert response.status == 200
    answer = response.json()
    assert answer["response_action"] == "errors"
    assert ids.JOIN_BACKGROUND[0] in answer["errors"]
    assert participants(h) == []


def test_log_stores_the_entry_and_confirms_it(slack_transport):
    h = slack_transport
    enroll(h)
    text = "We chose annual billing first"

    response = h.command(f"log {text}", channel_id="C1")

    assert response.status == 200 and response.elapsed < 3.0
    shown = seen_by(h, "U1", "C1", response)
    assert "Saved" in shown and text in shown
    [entry] = entries(h)
    assert (entry.team_id, entry.user_id, entry.kind, entry.text) == ("T1", "U1", "decision", text)
    assert entry.program_week == 3


def test_ship_opens_a_modal_and_the_post_lands_in_the_team_channel(slack_transport):
    h = slack_transport
    update(h.services, team_id="T1", team_channel_id="C1")
    response = h.command("ship", channel_id="C1")
    assert response.status == 200 and response.body == ""
    modal = h.opened_view()
    assert modal["callback_id"] == ids.SHIP_VIEW

    submitted = h.sender.view_submission(modal, form_values("ship", **SHIP), user_id="U1")

    assert submitted.status == 200 and submitted.body == ""
    h.emulator.wait_until(lambda: bool(bot_posts(h, "C1")))
    [post] = bot_posts(h, "C1")
    shown = json.dumps(post["blocks"])
    assert "<@U1> shipped something" in shown
    for value in ("Admins lost exported files", "12 export tickets a month"):
        assert value in shown
    # The author is then shown the post's link privately, with Edit: by then it is stored.
    h.emulator.wait_until(lambda: ids.SHIP_EDIT in seen_by(h, "U1", "C1"))
    [entry] = entries(h)
    assert entry.kind == "ship" and (entry.post_channel_id, entry.post_ts) == ("C1", post["ts"])


def test_a_prompt_button_opens_the_journal_and_saving_confirms_and_refreshes_home(
    slack_transport,
):
    h = slack_transport
    enroll(h)
    dm = h.emulator.dm_channel("T1", "U1")

    # "Log an entry" under the weekly prompt in the app's DM.
    clicked = h.sender.block_action(ids.OPEN_JOURNAL, user_id="U1", channel_id=dm)

    assert clicked.status == 200 and clicked.body == ""  # block_actions acks carry nothing
    modal = h.opened_view()
    assert modal["callback_id"] == ids.JOURNAL_VIEW
    assert modal["id"] in h.emulator.open_views
    decision = {ids.JOURNAL_DECISION[0]: {ids.JOURNAL_DECISION[1]: text_value("Cheaper vendor")}}
    saved = h.sender.view_submission(modal, decision, user_id="U1")
    assert saved.status == 200 and saved.body == ""
    [entry] = entries(h)
    assert entry.text == "Cheaper vendor"
    h.emulator.wait_until(lambda: "Saved" in seen_by(h, "U1", dm))
    h.emulator.wait_until(
        lambda: "Logged so far:* 1 decision" in json.dumps(h.emulator.home_view("T1", "U1") or {})
    )


def test_opening_app_home_publishes_the_dashboard(slack_transport):
    h = slack_transport
    enroll(h)
    dm = h.emulator.dm_channel("T1", "U1")

    response = h.sender.event(
        {"type": "app_home_opened", "user": "U1", "channel": dm, "tab": "home"}
    )

    assert response.status == 200 and response.body == ""
    h.emulator.wait_until(lambda: h.emulator.home_view("T1", "U1") is not None)
    home = h.emulator.home_view("T1", "U1")
    assert home is not None and home["type"] == "home"
    assert "Week 3 of 12" in json.dumps(home["blocks"])


def test_a_profile_time_zone_change_is_stored(slack_transport, log_watcher):
    h = slack_transport
    enroll(h)

    response = h.sender.event(
        {"type": "user_change", "user": {"id": "U1", "team_id": "T1", "tz": "Asia/Kolkata"}}
    )

    assert response.status == 200
    # The listener runs after the ack and calls no Slack method: wait for its log line.
    assert log_watcher.wait_for("time zone of T1/U1 is now Asia/Kolkata")
    [participant] = participants(h)
    assert participant.timezone == "Asia/Kolkata"
