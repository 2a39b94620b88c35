"""The sandbox server's JSON API (no browser needed): it acts through signed requests to the
bot and shows only what the emulator recorded."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
import requests
from sqlmodel import select

from bot.blocks import ids
from bot.progress import week_start
from bot.services.enrollment import join
from sandbox.offline import DEMO_CHANNEL, DEMO_TEAM, OfflineBot
from slack_emulator import message_problems, view_problems
from slack_emulator.slack_requests import date_value, select_value
from storage.models import DueItem
from tests.conftest import move_to


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
    assert answer.json()["status"] == 200
    assert "of 12" in answer.json()["shown"][0]["text"]
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


def test_a_skipped_fortnight_plays_out_as_a_running_bot_would_have(offline):
    # Monday 12:00 UTC: 04:00 or 05:00 for Alex in Los Angeles, before his first prompt.
    monday = move_to(offline, weekday=0, hour=12)
    join(
        offline.services,
        team_id=DEMO_TEAM,
        user_id="U0ALEX",
        program_id="product-engineer",
        background="backend",
        start_date=week_start(monday.date()),
        timezone="America/Los_Angeles",
    )
    call(offline, "/api/advance", {"days": 14})

    # Everything due on the way went out on time; a single pass at the end would have
    # skipped it all as missed (it is Monday 04:00 of week 3 for Alex by then).
    with offline.services.db.session() as session:
        sent = session.exec(
            select(DueItem).where(DueItem.user_id == "U0ALEX", DueItem.status == "sent")
        ).all()
    assert sorted((d.kind, d.period.split(":")[1]) for d in sent) == [
        ("nudge", "nudge-w2"),  # the phase's deliverable, due in its second week
        ("prompt", "week-1"),
        ("prompt", "week-2"),
        ("recap", "recap-w1"),
        ("recap", "recap-w2"),
    ]
    dm = offline.emulator.dm_channel(DEMO_TEAM, "U0ALEX")
    assert len(offline.emulator.messages(dm)) == 5
    # #transition is the demo's team channel: this week's digest (its Monday 09:00 UTC had
    # passed) and the next two Mondays'.
    digests = [m for m in offline.emulator.messages(DEMO_CHANNEL) if "weekly digest" in m["text"]]
    assert len(digests) == 3


def test_the_demo_admin_can_configure_and_the_others_cannot(offline):
    for user, expected in (("U0SAM", "admins"), ("U0PRIYA", "Tuesday")):
        text = "/transition config prompt tuesday 10"
        answer = call(offline, "/api/command", {"user": user, "text": text, "wait": 5}).json()
        assert answer["status"] == 200
        # config answers after its ack (the admin check asks Slack): the page waited for it.
        assert expected in answer["shown"][0]["text"]
        shown = offline.emulator.ephemerals(DEMO_CHANNEL)[-1]
        assert shown["recipient"] == user and expected in shown["text"], shown["text"]
    admin = next(m for m in call(offline, "/api/members").json()["members"] if m["admin"])
    assert admin["id"] == "U0PRIYA"


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


@pytest.mark.parametrize(
    ("button", "answer"),
    [(ids.FORGET_CONFIRM, "deleted"), (ids.FORGET_CANCEL, "Nothing was deleted")],
    ids=["delete", "keep"],
)
def test_the_forget_buttons_answer_in_the_page_without_leaving_this_machine(
    offline, button, answer
):
    """Found from outside: the answer went to https://hooks.slack.com/..., failed, and the page
    never confirmed. Every response_url now comes from the emulator (and the loopback guard
    fails the run on any attempt to leave 127.0.0.1)."""
    call(offline, "/api/command", {"user": "U0SAM", "text": "/transition forget"})
    [question] = state(offline, "U0SAM")["channel"]["messages"]
    assert question["ephemeral"] is True
    clicked = call(
        offline,
        "/api/action",
        {
            "user": "U0SAM",
            "surface": "message",
            "channel": DEMO_CHANNEL,
            "ts": question["ts"],
            "ephemeral": True,
            "action_id": button,
            "block_id": "forget_actions",
            "value": "forget" if button == ids.FORGET_CONFIRM else "",
        },
    )
    assert clicked.json()["status"] == 200
    [reply] = offline.emulator.wait_for("response_url")
    assert reply.ok and reply.params["replace_original"] is True
    [shown] = state(offline, "U0SAM")["channel"]["messages"]
    assert shown["ts"] == question["ts"]  # the question was replaced by the answer
    assert answer in shown["text"]


def test_a_snoozed_prompt_comes_back_in_the_page_the_next_morning(offline):
    """A snooze is queued and sent by the scheduler at 09:00 the next morning on the
    sandbox's clock: it can be seen coming back after "Next day"."""
    move_to(offline, weekday=0, hour=6)  # Monday 07:00 in Berlin, before Sam's prompt
    offline.advance(timedelta(hours=3))  # 09:00 comes and goes: the prompt is sent
    dm = offline.emulator.dm_channel(DEMO_TEAM, "U0SAM")
    [prompt] = [m for m in offline.emulator.messages(dm) if ids.SNOOZE_PROMPT in str(m["blocks"])]
    value = next(
        e["value"]
        for b in prompt["blocks"]
        for e in b.get("elements", [])
        if isinstance(e, dict) and e.get("action_id") == ids.SNOOZE_PROMPT
    )
    click = {
        "user": "U0SAM",
        "surface": "message",
        "channel": dm,
        "ts": prompt["ts"],
        "action_id": ids.SNOOZE_PROMPT,
        "block_id": ids.PROMPT_ACTIONS,
        "value": value,
    }
    assert call(offline, "/api/action", click).json() == {"status": 200}
    offline.emulator.wait_for("chat.update")  # the prompt now says when it comes back
    before = len(state(offline, "U0SAM")["dm"]["messages"])
    assert call(offline, "/api/advance", {"days": 1}).json()["status"] == 200
    after = state(offline, "U0SAM")["dm"]["messages"]
    assert len(after) > before
    assert any(m["ts"] != prompt["ts"] and ids.SNOOZE_PROMPT in str(m["blocks"]) for m in after)


def entries_of(offline: OfflineBot, user: str) -> list[Any]:
    from storage.models import Entry

    with offline.services.db.session() as session:
        return list(session.exec(select(Entry).where(Entry.user_id == user)).all())


def test_typing_in_the_dm_saves_an_entry_and_the_app_answers_there(offline):
    """Issue 14: the Messages tab invited typing and nothing answered."""
    said = call(
        offline,
        "/api/say",
        {"user": "U0SAM", "text": "We ship the CSV export first", "where": "dm"},
    )
    assert said.json()["status"] == 200
    offline.emulator.wait_until(
        lambda: any(
            "Saved as a decision" in m["text"] for m in state(offline, "U0SAM")["dm"]["messages"]
        )
    )
    [entry] = [e for e in entries_of(offline, "U0SAM") if e.text == "We ship the CSV export first"]
    assert entry.kind == "decision"
    dm = state(offline, "U0SAM")["dm"]["messages"]
    assert [m["text"] for m in dm if m.get("user") == "U0SAM"] == ["We ship the CSV export first"]
    assert "CSV" not in str(state(offline, "U0ALEX")["dm"]["messages"])  # Sam's DM only


def test_a_channel_message_can_be_saved_with_the_shortcut(offline):
    said = call(
        offline,
        "/api/say",
        {"user": "U0ALEX", "text": "Customers keep asking for SSO", "where": "channel"},
    )
    ts = said.json()["ts"]
    shortcut = call(offline, "/api/shortcut", {"user": "U0SAM", "channel": DEMO_CHANNEL, "ts": ts})
    assert shortcut.json()["status"] == 200
    offline.emulator.wait_until(
        lambda: any(e.text == "Customers keep asking for SSO" for e in entries_of(offline, "U0SAM"))
    )
    [entry] = [e for e in entries_of(offline, "U0SAM") if e.text == "Customers keep asking for SSO"]
    assert entry.kind == "customer_insight" and entry.fields["source_user"] == "U0ALEX"
    assert "SSO" not in str([e.text for e in entries_of(offline, "U0ALEX")])  # Sam's entry
    offline.emulator.wait_until(
        lambda: any(
            m["ephemeral"] and "customer insight" in m["text"]
            for m in state(offline, "U0SAM")["channel"]["messages"]
        )
    )


@pytest.mark.parametrize(
    "body",
    [
        {"user": "U0SAM", "text": "", "where": "dm"},
        {"user": "U0NOBODY", "text": "hi", "where": "dm"},
    ],
)
def test_say_refuses_nothing_and_strangers(offline, body):
    assert call(offline, "/api/say", body).status_code == 400


def test_the_shortcut_needs_a_message_that_is_there(offline):
    body = {"user": "U0SAM", "channel": DEMO_CHANNEL, "ts": "1.000001"}
    assert call(offline, "/api/shortcut", body).status_code == 400
    body = {"user": "U0SAM", "channel": "C0ELSEWHERE", "ts": "1.000001"}
    assert call(offline, "/api/shortcut", body).status_code == 400


def test_the_portfolio_canvas_shows_for_its_owner_only(offline):
    call(offline, "/api/command", {"user": "U0SAM", "text": "/transition portfolio"})
    offline.emulator.wait_for("canvases.access.set", predicate=lambda c: c.ok)
    [canvas] = state(offline, "U0SAM")["canvases"]
    assert canvas["title"] == "Transition portfolio"
    assert canvas["markdown"].startswith("# Transition portfolio")
    assert state(offline, "U0ALEX")["canvases"] == []


def _element(view: dict[str, Any], action_id: str) -> dict[str, Any]:
    return next(
        e
        for b in view["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"].startswith(action_id)
    )


def test_an_admin_runs_a_cohort_from_home_in_the_sandbox(offline):
    """Priya (the demo admin) sets the team channel and names a bot admin with Home's
    conversations and users menus, creates a cohort for #pe-cohort, its intro post shows
    there with a Join button, and Alex's click opens the join form filled in."""
    from sandbox.offline import DEMO_COHORT_CHANNEL

    emulator = offline.emulator
    call(offline, "/api/home", {"user": "U0PRIYA"})
    emulator.wait_for("views.publish", predicate=lambda c: c.params["user_id"] == "U0PRIYA")
    page = state(offline, "U0PRIYA")
    assert {"id": DEMO_COHORT_CHANNEL, "name": "pe-cohort"} in page["conversations"]
    assert {"id": "U0SAM", "name": "Sam Okafor"} in page["people"]
    home = page["home"]
    assert _element(home, ids.ADMIN_CHANNEL_SELECT)["initial_conversation"] == DEMO_CHANNEL

    def pick(action_id: str, element: dict[str, Any]) -> None:
        body = {"user": "U0PRIYA", "surface": "home", "action_id": action_id, "element": element}
        assert call(offline, "/api/action", body).json() == {"status": 200}

    publishes = len(emulator.calls_to("views.publish"))
    pick(
        ids.ADMIN_CHANNEL_SELECT,
        {"type": "conversations_select", "selected_conversation": DEMO_COHORT_CHANNEL},
    )
    emulator.wait_for("views.publish", count=publishes + 1)
    home = state(offline, "U0PRIYA")["home"]
    assert _element(home, ids.ADMIN_CHANNEL_SELECT)["initial_conversation"] == DEMO_COHORT_CHANNEL
    pick(ids.ADMIN_ADD_SELECT, {"type": "users_select", "selected_user": "U0SAM"})
    emulator.wait_for("views.publish", count=publishes + 2)
    assert "<@U0SAM>" in str(state(offline, "U0PRIYA")["home"])

    # Create a cohort: the form's channel is a conversations menu.
    body = {"user": "U0PRIYA", "surface": "home", "action_id": ids.OPEN_COHORT_FORM}
    call(offline, "/api/action", body)
    emulator.wait_for("views.open")
    form = state(offline, "U0PRIYA")["modal"]
    assert form["callback_id"] == ids.COHORT_VIEW and view_problems(form) == []
    start = week_start(offline.clock.now().date()).isoformat()
    values = {
        ids.COHORT_NAME[0]: {ids.COHORT_NAME[1]: {"type": "plain_text_input", "value": "Spring"}},
        ids.COHORT_PROGRAM[0]: {ids.COHORT_PROGRAM[1]: select_value("product-engineer")},
        ids.COHORT_START[0]: {ids.COHORT_START[1]: date_value(start)},
        ids.COHORT_CHANNEL[0]: {
            ids.COHORT_CHANNEL[1]: {
                "type": "conversations_select",
                "selected_conversation": DEMO_COHORT_CHANNEL,
            }
        },
    }
    submitted = call(
        offline, "/api/submit", {"user": "U0PRIYA", "view_id": form["id"], "values": values}
    )
    assert submitted.json() == {"status": 200}
    emulator.wait_for(
        "chat.postMessage", predicate=lambda c: c.params["channel"] == DEMO_COHORT_CHANNEL
    )
    [intro] = state(offline, "U0ALEX")["cohort"]["messages"]
    assert "Spring" in intro["text"] and message_problems(intro["text"], intro["blocks"]) == []
    join_button = _element(intro, ids.COHORT_JOIN)

    click = {
        "user": "U0ALEX",
        "surface": "message",
        "channel": DEMO_COHORT_CHANNEL,
        "ts": intro["ts"],
        "action_id": ids.COHORT_JOIN,
        "block_id": ids.COHORT_ACTIONS,
        "value": join_button["value"],
    }
    assert call(offline, "/api/action", click).json() == {"status": 200}
    emulator.wait_for("views.open", count=2)
    joining = state(offline, "U0ALEX")["modal"]
    assert joining["callback_id"] == ids.JOIN_VIEW and view_problems(joining) == []
    program = next(b for b in joining["blocks"] if b.get("block_id") == ids.JOIN_PROGRAM[0])
    assert program["element"]["initial_option"]["value"] == "product-engineer"
    assert json.loads(joining["private_metadata"])["cohort"] == 1  # joins this cohort


def test_the_demo_admin_gets_the_set_up_checklist_once(offline):
    """The sandbox starts as a single-token bot does: Priya, the demo admin, is greeted with
    the set-up checklist at the first scheduler pass, and only once; nobody else is."""
    assert "Set up Transition Coach" not in str(state(offline, "U0PRIYA")["dm"])
    call(offline, "/api/advance", {"days": 1})
    call(offline, "/api/advance", {"days": 1})

    def checklists(user: str) -> list[dict[str, Any]]:
        return [
            m
            for m in state(offline, user)["dm"]["messages"]
            if "Set up Transition Coach" in str(m.get("blocks"))
        ]

    [checklist] = checklists("U0PRIYA")
    assert message_problems(checklist["text"], checklist["blocks"]) == []
    assert "conversations_select" in str(checklist["blocks"])
    assert checklists("U0SAM") == [] and checklists("U0ALEX") == []
