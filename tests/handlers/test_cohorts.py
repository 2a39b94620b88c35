"""Cohorts: an admin creates one, its channel gets an intro with a Join button, the join form
comes filled in, and late joiners choose the cohort's week or their own week 1."""

from __future__ import annotations

from datetime import date, timedelta

from bot.blocks import ids
from bot.blocks.cohorts import CATCH_UP_COHORT, CATCH_UP_OWN
from slack_emulator import message_problems, view_problems
from slack_emulator.slack_requests import select_value
from storage import participants
from tests.handlers.test_join import current_view, join_values
from tests.handlers.test_team_digest import make_admin

NEW = 'cohort new "Spring PE cohort" product-engineer {start} <#C2|pe-cohort>'


def create(slack, start: str = "2026-11-30") -> dict:
    """Create a cohort as the admin U1; returns the intro post's parameters."""
    make_admin(slack)
    slack.emulator.add_channel("T1", "C2", name="pe-cohort")
    shown = slack.command(NEW.format(start=start)).shown()
    assert "Created Spring PE cohort" in shown["text"] and "<#C2>" in shown["text"]
    post = slack.emulator.wait_for(
        "chat.postMessage", predicate=lambda c: c.params["channel"] == "C2"
    )[0]
    assert post.ok
    assert message_problems(post.params["text"], post.params["blocks"]) == []
    return post.params


def join_button(params: dict) -> dict:
    return next(
        e
        for b in params["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == ids.COHORT_JOIN
    )


def click_join(slack, params: dict, user: str) -> dict:
    slack.emulator.add_user("T1", user, tz="Europe/Berlin")
    slack.sender.block_action(
        ids.COHORT_JOIN, user_id=user, value=join_button(params)["value"], channel_id="C2",
        message_ts="1700000000.000200",
    )  # fmt: skip
    view = current_view(slack)
    assert view_problems(view) == []
    return view


def enrolled(slack, user: str):
    with slack.services.db.session() as session:
        found = participants.get_participant(session, team_id="T1", user_id=user)
        assert found is not None
        return found


def test_an_admin_creates_a_cohort_and_its_channel_gets_the_intro(slack):
    params = create(slack)
    body = str(params["blocks"])
    assert "Spring PE cohort" in body and "Monday 30 November 2026" in body
    assert join_button(params)["value"].isdigit()
    listed = slack.command("cohort list").shown()["text"]
    assert "Spring PE cohort" in listed and "0 members" in listed


def test_cohort_commands_are_for_admins_and_bad_input_is_explained(slack):
    slack.emulator.add_channel("T1", "C2", name="pe-cohort")
    refused = slack.command(NEW.format(start="2026-11-30"), user_id="U2").shown()
    assert "Only workspace admins" in refused["text"]
    # Found from outside: the refusal spoke of "these settings" for cohorts.
    assert "run cohorts" in refused["text"] and "settings" not in refused["text"]
    make_admin(slack)
    for text, says in [
        # Found from outside: `export xml` got the whole cohort usage, not what it takes.
        ("cohort export xml", "csv (the default) or json"),
        ("cohort new Spring product-engineer 2026-11-30 <#C2|x>", "a name in quotes"),
        ('cohort new "Spring" product-manager 2026-11-30 <#C2|x>', "I don't know the program"),
        ('cohort new "Spring" product-engineer 30/11/2026 <#C2|x>', "not a date"),
        ('cohort new "Spring" product-engineer 2026-11-30 pe-cohort', "autocomplete"),
    ]:
        assert says in slack.command(text).shown()["text"]
    assert [
        c for c in slack.emulator.calls_to("chat.postMessage") if c.params["channel"] == "C2"
    ] == []


def test_joining_before_the_start_takes_the_cohorts_program_and_week_1(slack):
    params = create(slack, start="2026-12-02")  # a Wednesday: the cohort starts that Monday
    view = click_join(slack, params, "UA")
    program = next(b for b in view["blocks"] if b.get("block_id") == ids.JOIN_PROGRAM[0])
    assert program["element"]["initial_option"]["value"] == "product-engineer"
    start = next(b for b in view["blocks"] if b.get("block_id") == ids.JOIN_START[0])
    assert start["element"]["initial_date"] == "2026-11-30"
    assert not any(b.get("block_id") == ids.JOIN_CATCH_UP[0] for b in view["blocks"])
    slack.sender.view_submission(view, join_values(start="2026-11-30"), user_id="UA")
    slack.emulator.wait_for("views.publish", predicate=lambda c: c.params["user_id"] == "UA")
    member = enrolled(slack, "UA")
    assert member.start_date == date(2026, 11, 30) and member.cohort_id is not None
    assert "1 member" in slack.command("cohort list").shown()["text"]


def test_late_joiners_choose_the_cohorts_week_or_their_own_week_1(slack):
    started = slack.clock.now().date() - timedelta(weeks=2)  # the cohort is in week 3
    params = create(slack, start=started.isoformat())
    for user, choice in (("UA", CATCH_UP_COHORT), ("UB", CATCH_UP_OWN)):
        view = click_join(slack, params, user)
        [choose] = [b for b in view["blocks"] if b.get("block_id") == ids.JOIN_CATCH_UP[0]]
        assert "week 3" in str(choose)
        values = join_values(start="2026-11-23")
        values[ids.JOIN_CATCH_UP[0]] = {
            ids.JOIN_CATCH_UP[1]: {**select_value(choice), "type": "radio_buttons"}
        }
        slack.sender.view_submission(view, values, user_id=user)
        slack.emulator.wait_for(
            "views.publish", predicate=lambda c, u=user: c.params["user_id"] == u
        )
    assert enrolled(slack, "UA").start_date == started  # with the cohort, in its week 3
    assert enrolled(slack, "UB").start_date == date(2026, 11, 23)  # their own week 1
    assert enrolled(slack, "UA").cohort_id == enrolled(slack, "UB").cohort_id is not None


def exports(slack) -> list[dict]:
    """The completed uploads shared in a conversation: the exports, not Home pictures."""
    return [f for f in slack.emulator.files.values() if f.get("completed") and f.get("channel_id")]


def test_the_export_has_counts_per_cohort_and_week_and_no_words_or_names(slack):
    import csv
    import io
    import json

    from bot.services.journal import log_entry

    params = create(slack, start="2026-11-23")
    view = click_join(slack, params, "UA")
    slack.sender.view_submission(view, join_values(start="2026-11-23"), user_id="UA")
    slack.emulator.wait_for("views.publish", predicate=lambda c: c.params["user_id"] == "UA")
    log_entry(slack.services, team_id="T1", user_id="UA", kind="decision", text="SECRET words")
    log_entry(slack.services, team_id="T1", user_id="UA", kind="proposal", text="SECRET too")
    assert "in your DM" in slack.command("cohort export").shown()["text"]
    # The export goes to the DM (the members' Home pictures are uploaded without a channel).
    slack.emulator.wait_for(
        "files.completeUploadExternal", predicate=lambda c: bool(c.params.get("channel_id"))
    )
    [file] = exports(slack)
    raw = file["content"].decode()
    assert "SECRET" not in raw and "UA" not in raw
    [row] = list(csv.DictReader(io.StringIO(raw)))
    assert row["cohort"] == "Spring PE cohort" and row["program"] == "product-engineer"
    assert row["week_start"] == "2026-11-23" and row["members_who_logged"] == "1"
    assert (row["entries_decision"], row["entries_proposal"]) == ("1", "1")
    assert "in your DM" in slack.command("cohort export json", user_id="U1").shown()["text"]
    shared = lambda c: bool(c.params.get("channel_id"))  # noqa: E731
    slack.emulator.wait_for("files.completeUploadExternal", count=2, predicate=shared)
    files = exports(slack)
    document = json.loads(files[-1]["content"])
    assert (
        document["rows"][0]["entries_decision"] == 1
        and "SECRET" not in files[-1]["content"].decode()
    )
