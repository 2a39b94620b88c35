"""`/transition join`: modal, time zone from the profile, enrollment, idempotence."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from bot.blocks import ids
from slack_emulator.slack_requests import date_value, select_value
from storage.models import Participant


def join_values(
    program: str = "product-engineer", background: str = "backend", start: str = "2026-11-30"
):
    return {
        ids.JOIN_PROGRAM[0]: {ids.JOIN_PROGRAM[1]: select_value(program)},
        ids.JOIN_BACKGROUND[0]: {ids.JOIN_BACKGROUND[1]: select_value(background)},
        ids.JOIN_START[0]: {ids.JOIN_START[1]: date_value(start)},
    }


def participants(slack) -> list[Participant]:
    with slack.services.db.session() as session:
        return list(session.exec(select(Participant)).all())


def current_view(slack) -> dict:
    """The join modal as Slack holds it after the app's views.update."""
    update = slack.emulator.wait_for("views.update")[-1]
    assert update.ok, update.response
    return update.response["view"]


def test_join_opens_modal_with_timezone_from_profile(slack):
    response = slack.command("join")
    assert response.status == 200
    assert response.body == ""  # a bare ack: the modal is the answer

    opened = slack.opened_view()
    assert opened["callback_id"] == ids.JOIN_VIEW
    info = slack.emulator.wait_for("users.info")[0]
    assert info.params["user"] == "U1"
    view = current_view(slack)
    note = next(b for b in view["blocks"] if b.get("block_id") == ids.JOIN_TIMEZONE_NOTE)
    assert "Europe/Berlin" in note["elements"][0]["text"]
    start = next(b for b in view["blocks"] if b.get("block_id") == ids.JOIN_START[0])
    assert start["element"]["initial_date"] == "2026-11-23"  # it is Monday: week 1 is this week


def test_join_submission_enrolls_and_welcomes_by_dm(slack):
    slack.command("join product-engineer")
    view = current_view(slack)
    response = slack.sender.view_submission(view, join_values(start="2026-12-02"), user_id="U1")
    assert response.status == 200
    assert response.body == ""  # closes the modal

    [participant] = participants(slack)
    assert (participant.team_id, participant.user_id) == ("T1", "U1")
    assert participant.program_id == "product-engineer"
    assert participant.background == "backend"
    assert participant.timezone == "Europe/Berlin"
    assert participant.start_date == date(2026, 11, 30)  # snapped to that week's Monday
    assert participant.status == "active"

    dm = slack.emulator.wait_for("chat.postMessage")[0]
    assert dm.params["channel"] == "U1"
    assert "Week 1 starts on" in str(dm.params["blocks"])
    assert dm.ok
    # Found from outside: the usage hint went out as raw <...> (Slack reads it as markup).
    shown = str(dm.params["blocks"])
    assert "&lt;what was decided, by whom, on what data&gt;" in shown
    assert "<what was decided" not in shown and "<what was decided" not in dm.params["text"]


def test_join_preselects_the_program_named_in_the_command(slack):
    slack.command("join engineer-to-pm")
    view = slack.opened_view()
    select = next(b for b in view["blocks"] if b.get("block_id") == ids.JOIN_PROGRAM[0])
    assert select["element"]["initial_option"]["value"] == "engineer-to-pm"


def test_joining_twice_is_friendly_and_changes_nothing(slack):
    slack.command("join")
    view = current_view(slack)
    slack.sender.view_submission(view, join_values(), user_id="U1")
    slack.emulator.wait_for("chat.postMessage")
    slack.emulator.reset_calls()

    slack.command("join")
    view = current_view(slack)
    slack.sender.view_submission(
        view, join_values(program="engineer-to-pm", background="frontend"), user_id="U1"
    )
    [participant] = participants(slack)
    assert participant.program_id == "product-engineer"
    assert participant.background == "backend"
    dm = slack.emulator.wait_for("chat.postMessage")[0]
    assert "already in" in dm.params["text"]


def test_unknown_program_in_command_lists_the_programs(slack):
    response = slack.command("join basket-weaving")
    body = response.json()
    assert "product-engineer" in body["text"] and "engineer-to-pm" in body["text"]
    assert slack.emulator.calls_to("views.open") == []


def test_missing_choices_are_reported_inside_the_modal(slack):
    slack.command("join")
    view = current_view(slack)
    values = join_values()
    del values[ids.JOIN_BACKGROUND[0]]
    response = slack.sender.view_submission(view, values, user_id="U1")
    body = response.json()
    assert body["response_action"] == "errors"
    assert ids.JOIN_BACKGROUND[0] in body["errors"]
    assert participants(slack) == []


def test_start_date_too_far_ahead_is_refused_in_the_modal(slack):
    slack.command("join")
    view = current_view(slack)
    response = slack.sender.view_submission(view, join_values(start="2027-06-07"), user_id="U1")
    body = response.json()
    assert body["response_action"] == "errors"
    assert "eight weeks" in body["errors"][ids.JOIN_START[0]]
    assert participants(slack) == []


def test_profile_unreadable_then_timezone_filled_in_after_joining(slack):
    slack.emulator.fail("users.info", "user_not_found", times=1)
    slack.command("join")
    view = current_view(slack)
    note = next(b for b in view["blocks"] if b.get("block_id") == ids.JOIN_TIMEZONE_NOTE)
    assert "Reading your time zone" in note["elements"][0]["text"]
    slack.sender.view_submission(view, join_values(), user_id="U1")
    slack.emulator.wait_for("chat.postMessage")
    # The second users.info (after the ack) succeeded and the zone was stored.
    assert len(slack.emulator.calls_to("users.info")) == 2
    [participant] = participants(slack)
    assert participant.timezone == "Europe/Berlin"


def test_welcome_falls_back_to_ephemeral_when_the_dm_fails(slack):
    slack.emulator.fail("chat.postMessage", "messages_tab_disabled", times=1)
    slack.command("join", channel_id="C1")
    view = current_view(slack)
    slack.sender.view_submission(view, join_values(), user_id="U1")
    ephemeral = slack.emulator.wait_for("chat.postEphemeral")[0]
    assert ephemeral.params["channel"] == "C1" and ephemeral.params["user"] == "U1"
    assert len(participants(slack)) == 1
