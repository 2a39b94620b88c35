"""The admin's Home tab: settings with Slack's select menus, cohorts with counts, and a
"Create a cohort" form; members who are not admins see none of it."""

from __future__ import annotations

from bot.blocks import ids
from slack_emulator import view_problems
from slack_emulator.slack_requests import date_value, select_value, text_value
from storage import workspaces
from tests.handlers.test_team_digest import make_admin


def open_home(slack, user: str) -> dict:
    slack.sender.event({"type": "app_home_opened", "user": user, "channel": "D1", "tab": "home"})
    publish = slack.emulator.wait_for(
        "views.publish", predicate=lambda c: c.params["user_id"] == user
    )[-1]
    assert publish.ok and view_problems(publish.params["view"]) == []
    return publish.params["view"]


def element(view: dict, action_id: str) -> dict:
    return next(
        e
        for b in view["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == action_id
    )


def select(slack, user: str, action_id: str, extra: dict) -> None:
    slack.sender.block_action(
        action_id, user_id=user, view={"id": "VHOME", "type": "home"},
        element={"type": "x", **extra},
    )  # fmt: skip


def settings(slack):
    with slack.services.db.session() as session:
        return workspaces.ensure_workspace(session, team_id="T1", now=slack.clock.now())


def test_admins_change_settings_with_menus_and_members_see_no_controls(slack):
    make_admin(slack)
    view = open_home(slack, "U1")
    assert "Workspace settings (admins)" in str(view)
    assert element(view, ids.ADMIN_CHANNEL_SELECT)["type"] == "conversations_select"
    assert element(view, ids.ADMIN_ADD_SELECT)["type"] == "users_select"
    select(slack, "U1", ids.ADMIN_CHANNEL_SELECT, {"selected_conversation": "C1"})
    slack.emulator.wait_for(
        "views.publish", predicate=lambda c: "initial_conversation" in str(c.params["view"])
    )
    assert settings(slack).team_channel_id == "C1"
    select(
        slack, "U1", ids.ADMIN_PROMPT_DAY, {"selected_option": select_value("2")["selected_option"]}
    )
    select(
        slack,
        "U1",
        ids.ADMIN_PROMPT_HOUR,
        {"selected_option": select_value("10")["selected_option"]},
    )
    select(slack, "U1", ids.ADMIN_ADD_SELECT, {"selected_user": "U2"})
    # The three changes run after their acks, side by side: wait for each one's own answer.
    for said in ("on Wednesdays", "at 10:00 local time", "<@U2> is now a bot admin"):
        slack.emulator.wait_for(
            "chat.postMessage", predicate=lambda c, said=said: said in str(c.params), timeout=5
        )
    stored = settings(slack)
    assert (stored.prompt_weekday, stored.prompt_hour) == (2, 10)
    # U2 is a bot admin now; a member who is not sees no controls, and a forged click is refused.
    slack.emulator.add_user("T1", "U3", tz="Europe/Berlin")
    member = open_home(slack, "U3")
    assert "Workspace settings" not in str(member)
    select(slack, "U3", ids.ADMIN_CHANNEL_SELECT, {"selected_conversation": "C9"})
    refusal = slack.emulator.wait_for(
        "chat.postMessage", predicate=lambda c: "Only workspace admins" in str(c.params)
    )[0]
    assert refusal.params["channel"] == "U3"
    assert settings(slack).team_channel_id == "C1"


def test_an_admin_creates_a_cohort_from_home_and_sees_it_with_its_count(slack):
    make_admin(slack)
    slack.emulator.add_channel("T1", "C2", name="pe-cohort")
    view = open_home(slack, "U1")
    assert "*Cohorts:* none yet." in str(view)
    slack.sender.block_action(
        ids.OPEN_COHORT_FORM, user_id="U1", value="", view={"id": "VHOME", "type": "home"}
    )
    form = slack.opened_view()
    assert view_problems(form) == []
    missing = slack.sender.view_submission(form, {}, user_id="U1")
    assert missing.json()["response_action"] == "errors"
    values = {
        ids.COHORT_NAME[0]: {ids.COHORT_NAME[1]: text_value("Spring PE cohort")},
        ids.COHORT_PROGRAM[0]: {ids.COHORT_PROGRAM[1]: select_value("product-engineer")},
        ids.COHORT_START[0]: {ids.COHORT_START[1]: date_value("2026-11-30")},
        ids.COHORT_CHANNEL[0]: {
            ids.COHORT_CHANNEL[1]: {"type": "conversations_select", "selected_conversation": "C2"}
        },
    }
    assert slack.sender.view_submission(form, values, user_id="U1").status == 200
    intro = slack.emulator.wait_for(
        "chat.postMessage", predicate=lambda c: c.params["channel"] == "C2"
    )[0]
    assert intro.ok and ids.COHORT_JOIN in str(intro.params["blocks"])
    home = slack.emulator.wait_for(
        "views.publish", predicate=lambda c: "Spring PE cohort" in str(c.params["view"])
    )[-1]
    assert "0 members" in str(home.params["view"])


def test_an_admins_home_asks_slack_for_their_rights_once_a_minute(slack):
    """Each publish of an admin's Home needs their admin rights: read with users.info at
    most once a minute, not per publish; a change Slack tells us about (user_change) shows
    at once."""
    from datetime import timedelta

    make_admin(slack)

    def rights_checks() -> int:
        return len([c for c in slack.emulator.calls_to("users.info") if c.params["user"] == "U1"])

    def published() -> int:
        return len(slack.emulator.calls_to("views.publish"))

    for n in range(1, 4):
        slack.sender.event(
            {"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"}
        )
        slack.emulator.wait_for("views.publish", count=n)
        slack.settle()
    assert published() == 3 and rights_checks() == 1
    # A menu change checks afresh (it changes settings), and its Home refresh reuses that.
    select(slack, "U1", ids.ADMIN_CHANNEL_SELECT, {"selected_conversation": "C1"})
    slack.emulator.wait_for("views.publish", count=4)
    slack.settle()
    assert rights_checks() == 2
    slack.clock.advance(timedelta(seconds=61))
    assert "Workspace settings (admins)" in str(open_home(slack, "U1"))
    slack.settle()
    assert rights_checks() == 3
    # Slack says U1 is no longer an admin: their next Home has no settings, no users.info.
    slack.emulator.add_user("T1", "U1", name="alex", tz="Europe/Berlin", is_admin=False)
    user = {"id": "U1", "team_id": "T1", "tz": "Europe/Berlin", "is_admin": False}
    slack.sender.event({"type": "user_change", "user": user})
    slack.settle()
    slack.sender.event({"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"})
    last = slack.emulator.wait_for("views.publish", count=6)[-1]
    assert "Workspace settings (admins)" not in str(last.params["view"])
    slack.settle()
    assert rights_checks() == 3
