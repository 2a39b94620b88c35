"""`/transition join`: modal, time zone from the profile, enrollment, idempotence."""

from __future__ import annotations

from datetime import date

from sqlalchemy import update
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

    # The same form submitted again (a double click, a second tab): nothing changes.
    slack.sender.view_submission(
        view, join_values(program="engineer-to-pm", background="frontend"), user_id="U1"
    )
    [participant] = participants(slack)
    assert participant.program_id == "product-engineer"
    assert participant.background == "backend"
    dm = slack.emulator.wait_for("chat.postMessage")[0]
    assert "already in" in dm.params["text"]


def test_join_while_enrolled_shows_where_you_are_and_offers_to_switch(slack):
    slack.command("join")
    slack.sender.view_submission(current_view(slack), join_values(), user_id="U1")
    slack.emulator.wait_for("chat.postMessage")
    opened = len(slack.emulator.calls_to("views.open"))

    body = slack.command("join").json()
    assert body["text"].startswith("You're in Software engineer to product engineer;")
    assert "week 1 hasn't started yet" in body["text"]
    assert "Switching starts another program at week 1. " in str(body["blocks"])
    assert ids.SWITCH_PROGRAM in str(body["blocks"])
    assert len(slack.emulator.calls_to("views.open")) == opened  # no form this time


def test_switch_program_keeps_entries_and_drops_the_old_runs_messages(slack_transport):
    from bot.services.journal import log_entry
    from storage.models import DueItem

    slack = slack_transport
    slack.command("join")
    slack.opened_view()
    slack.sender.view_submission(current_view(slack), join_values(start="2026-11-23"),
                                 user_id="U1")  # fmt: skip
    slack.emulator.wait_for("chat.postMessage")
    log_entry(slack.services, team_id="T1", user_id="U1", kind="decision", text="kept")
    with slack.services.db.session() as session:  # week 1's prompt, planned and not sent yet
        session.add(DueItem(team_id="T1", user_id="U1", kind="prompt", period="old-w1",
                            due_at=slack.clock.now(), ready_at=slack.clock.now(),
                            status="pending", payload={"week": 1},
                            created_at=slack.clock.now()))  # fmt: skip
    before = participants(slack)[0].joined_at
    with slack.services.db.session() as session:  # as if they had joined through a cohort
        session.execute(update(Participant).values(cohort_id=7))

    body = slack.command("join").json()
    [row] = [b for b in body["blocks"] if b["type"] == "actions"]
    [switch] = row["elements"]
    response = slack.sender.block_action(
        ids.SWITCH_PROGRAM, user_id="U1", value=switch["value"], block_id=row["block_id"],
        channel_id="D0DM", ephemeral=True,
    )  # fmt: skip
    assert response.status == 200
    view = slack.opened_view()
    assert view["title"]["text"] == "Switch program" and view["submit"]["text"] == "Switch"
    assert "You're leaving *Software engineer to product engineer*" in str(view["blocks"])
    program = next(b for b in view["blocks"] if b.get("block_id") == ids.JOIN_PROGRAM[0])
    assert program["element"]["initial_option"]["value"] == "engineer-to-pm"

    response = slack.sender.view_submission(
        view, join_values(program="engineer-to-pm", background="frontend", start="2026-11-30"),
        user_id="U1",
    )  # fmt: skip
    assert response.status == 200
    [participant] = participants(slack)
    assert (participant.program_id, participant.background, participant.status) == (
        "engineer-to-pm", "frontend", "active")  # fmt: skip
    assert participant.start_date == date(2026, 11, 30) and participant.joined_at != before
    assert participant.cohort_id is None  # switched on their own: out of the old cohort
    with slack.services.db.session() as session:
        [old] = session.exec(select(DueItem).where(DueItem.period == "old-w1")).all()
        assert old.status == "dropped"
        from storage import entries

        assert entries.count_by_kind(session, team_id="T1", user_id="U1") == {"decision": 1}
    dm = slack.emulator.wait_for("chat.postMessage", count=2)[-1]
    assert dm.params["text"].startswith("You switched from Software engineer to product engineer")


def test_the_background_hint_promises_tips_only_where_there_are_some(slack):
    slack.command("join product-engineer")
    view = slack.opened_view()
    background = next(b for b in view["blocks"] if b.get("block_id") == ids.JOIN_BACKGROUND[0])
    assert background["hint"]["text"] == "This program's prompts are the same for every background."
    slack.command("join engineer-to-pm")
    view = slack.opened_view()
    background = next(b for b in view["blocks"] if b.get("block_id") == ids.JOIN_BACKGROUND[0])
    assert background["hint"]["text"] == "Its weekly tips are tailored to your background."
    slack.command("join")
    view = slack.opened_view()
    background = next(b for b in view["blocks"] if b.get("block_id") == ids.JOIN_BACKGROUND[0])
    assert "tailors its weekly tips to it" in background["hint"]["text"]


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
