"""`/transition ship`: stored first, posted to the team channel with the author credited, the
permalink sent privately, DM fallbacks, one-week follow-up in the thread, edit/delete for 24 h."""

from __future__ import annotations

from datetime import timedelta

from bot.blocks import ids
from bot.services.config import update
from slack_emulator.slack_requests import text_value
from tests.handlers.evidence_helpers import (
    assert_valid_message,
    assert_valid_view,
    entries,
    form_values,
)
from tests.services.test_checkins import morning, run_pass

SHIP = {
    "problem": "Admins lost exported files",
    "who": "About 300 team admins a week",
    "built": "An email with the download link",
    "before": "40 export tickets a month",
    "after": "12 export tickets a month",
    "feedback": "Dana: finally!",
    "learned": "Support already had the data",
}


def ship(slack, channel_id: str = "C1", **overrides):
    slack.command("ship", channel_id=channel_id)
    view = slack.opened_view()
    assert view["callback_id"] == ids.SHIP_VIEW
    assert_valid_view(view)
    fields = {**SHIP, **overrides}
    fields = {k: v for k, v in fields.items() if v is not None}
    response = slack.sender.view_submission(view, form_values("ship", **fields), user_id="U1")
    if not response.body:  # accepted: wait for the private confirmation, sent after the post
        slack.emulator.wait_for("chat.postEphemeral", predicate=lambda c: c.ok)
    return response


def clients(slack):
    return slack.outbound


def posts(slack, channel: str) -> list[dict]:
    return [m for m in slack.emulator.messages(channel) if m.get("bot_id")]


def test_ship_post_goes_to_the_team_channel_crediting_the_author(slack):
    update(slack.services, team_id="T1", team_channel_id="C1")
    response = ship(slack)
    assert response.status == 200 and response.body == ""
    post_call = slack.emulator.wait_for("chat.postMessage")[0]
    assert post_call.params["channel"] == "C1" and post_call.ok
    assert_valid_message(post_call.params)
    [post] = posts(slack, "C1")
    shown = str(post["blocks"])
    assert "<@U1> shipped something" in shown
    for value in SHIP.values():
        assert value in shown
    [entry] = entries(slack)
    assert entry.kind == "ship" and entry.user_id == "U1"
    assert entry.text == SHIP["built"]
    assert (entry.post_channel_id, entry.post_ts) == ("C1", post["ts"])
    assert entry.fields["posted_to"] == "team"
    # The author gets the permalink privately, with Edit/Delete.
    confirmation = slack.emulator.wait_for("chat.postEphemeral")[0]
    assert confirmation.params["user"] == "U1" and confirmation.params["channel"] == "C1"
    permalink = slack.emulator.calls_to("chat.getPermalink")[0].response["permalink"]
    assert permalink in str(confirmation.params["blocks"])
    assert ids.SHIP_EDIT in str(confirmation.params["blocks"])
    assert_valid_message(confirmation.params)


def test_still_measuring_instead_of_an_after_number(slack):
    update(slack.services, team_id="T1", team_channel_id="C1")
    ship(slack, after=None, measuring=True)
    slack.emulator.wait_for("chat.postMessage")
    [post] = posts(slack, "C1")
    assert "still measuring" in str(post["blocks"])
    assert entries(slack)[0].fields["measuring"] is True


def test_after_number_or_still_measuring_is_required(slack):
    body = ship(slack, after=None).json()
    assert body["response_action"] == "errors"
    assert list(body["errors"]) == ["ev_after"]
    assert entries(slack) == []


def test_no_team_channel_posts_to_the_authors_dm_with_the_admin_hint(slack):
    ship(slack)
    call = slack.emulator.wait_for("chat.postMessage")[0]
    assert call.params["channel"] == "U1"
    dm = slack.emulator.dm_channel("T1", "U1")
    [post] = posts(slack, dm)
    assert "/transition config channel #channel" in str(post["blocks"])
    [entry] = entries(slack)
    assert (entry.post_channel_id, entry.post_ts) == (dm, post["ts"])
    assert entry.fields["posted_to"] == "dm"


def test_not_in_channel_falls_back_to_dm_with_the_invite_hint(slack):
    slack.emulator.add_channel("T1", "C2", name="ships", bot_is_member=False)
    update(slack.services, team_id="T1", team_channel_id="C2")
    ship(slack)
    calls = slack.emulator.wait_for("chat.postMessage", count=2)
    assert calls[0].error == "not_in_channel"
    assert calls[1].params["channel"] == "U1" and calls[1].ok
    assert "/invite @Transition Coach" in str(calls[1].params["blocks"])
    confirmation = slack.emulator.wait_for("chat.postEphemeral")[0]
    assert "/invite @Transition Coach" in str(confirmation.params["blocks"])
    [entry] = entries(slack)
    assert entry.fields["fallback"] == "not_in_channel" and entry.post_ts


def test_channel_not_found_falls_back_to_dm(slack):
    update(slack.services, team_id="T1", team_channel_id="C404")
    ship(slack)
    calls = slack.emulator.wait_for("chat.postMessage", count=2)
    assert calls[0].error == "channel_not_found"
    assert calls[1].params["channel"] == "U1" and calls[1].ok
    assert entries(slack)[0].post_channel_id == slack.emulator.dm_channel("T1", "U1")


def test_slack_down_keeps_the_ship_post(slack):
    update(slack.services, team_id="T1", team_channel_id="C1")
    slack.emulator.fail("chat.postMessage", "not_in_channel", times=1)
    slack.emulator.fail("chat.postMessage", "account_inactive", times=1)
    ship(slack)
    confirmation = slack.emulator.wait_for("chat.postEphemeral")[0]
    assert "saved" in confirmation.params["text"]
    [entry] = entries(slack)
    assert entry.post_ts is None and entry.fields["built"] == SHIP["built"]


def test_follow_up_after_one_week_exactly_once_then_thread_reply(slack):
    update(slack.services, team_id="T1", team_channel_id="C1")
    ship(slack, after=None, measuring=True)
    slack.emulator.wait_for("chat.postEphemeral")
    [entry] = entries(slack)
    # Shipped Monday 09:30 UTC: a week later is past the prompt hour, so the next morning.
    assert run_pass(slack, morning(7)).of("sent", "followup") == []
    sent = run_pass(slack, morning(8)).of("sent", "followup")
    assert [o.period for o in sent] == [f"entry-{entry.id}"]
    assert run_pass(slack).of("sent", "followup") == []
    assert run_pass(slack, morning(40)).of("sent", "followup") == []
    dms = [c for c in slack.emulator.calls_to("chat.postMessage") if c.params["channel"] == "U1"]
    assert len(dms) == 1
    assert "What does the data say now?" in str(dms[0].params["blocks"])
    assert_valid_message(dms[0].params)

    slack.sender.block_action(ids.SHIP_FOLLOWUP_OPEN, user_id="U1", value=str(entry.id))
    view = slack.opened_view()
    assert view["callback_id"] == ids.SHIP_FOLLOWUP_VIEW
    values = {
        ids.FOLLOWUP_AFTER[0]: {ids.FOLLOWUP_AFTER[1]: text_value("9 tickets a month")},
        ids.FOLLOWUP_NOTE[0]: {ids.FOLLOWUP_NOTE[1]: text_value("Holding steady")},
    }
    slack.sender.view_submission(view, values, user_id="U1")
    reply = slack.emulator.wait_for(
        "chat.postMessage", predicate=lambda c: c.params.get("thread_ts") is not None
    )[0]
    slack.emulator.wait_for(
        "chat.postMessage", predicate=lambda c: "Saved and added" in c.params["text"]
    )
    assert reply.params["channel"] == "C1" and reply.params["thread_ts"] == entry.post_ts
    assert "9 tickets a month" in str(reply.params["blocks"])
    assert_valid_message(reply.params)
    [stored] = entries(slack)
    assert stored.fields["followup"]["after"] == "9 tickets a month"
    assert stored.fields["followup"]["note"] == "Holding steady"
    assert stored.fields["followup"]["reply_ts"] == reply.response["ts"]
    [parent] = [m for m in posts(slack, "C1") if m["ts"] == entry.post_ts]
    assert parent["reply_count"] == 1


def test_a_follow_up_slack_failed_is_retried_and_sent_once(slack):
    ship(slack)  # no team channel: posted in the author's DM, followed up all the same
    slack.emulator.fail("chat.postMessage", "internal_error", times=1)
    assert run_pass(slack, morning(8)).of("retry", "followup")
    assert len(run_pass(slack, morning(8) + timedelta(minutes=5)).of("sent", "followup")) == 1
    assert run_pass(slack, morning(9)).outcomes == []


def test_a_follow_up_to_someone_who_cannot_be_reached_is_not_retried(slack):
    ship(slack)
    slack.emulator.fail("chat.postMessage", "messages_tab_disabled", times=1)
    assert run_pass(slack, morning(8)).of("inactive", "followup")
    assert run_pass(slack, morning(8) + timedelta(minutes=5)).outcomes == []


def test_edit_within_24_hours_updates_the_post(slack):
    update(slack.services, team_id="T1", team_channel_id="C1")
    ship(slack)
    slack.emulator.wait_for("chat.postEphemeral")
    [entry] = entries(slack)
    slack.clock.advance(timedelta(hours=23))
    slack.sender.block_action(ids.SHIP_EDIT, user_id="U1", value=str(entry.id), channel_id="C1")
    view = slack.opened_view()
    assert view["callback_id"] == ids.SHIP_VIEW
    assert SHIP["built"] in str(view["blocks"])  # prefilled
    values = form_values("ship", **{**SHIP, "after": "8 export tickets a month"})
    slack.sender.view_submission(view, values, user_id="U1")
    update_call = slack.emulator.wait_for("chat.update")[0]
    assert update_call.ok and update_call.params["ts"] == entry.post_ts
    [post] = posts(slack, "C1")
    assert "8 export tickets a month" in str(post["blocks"])
    assert entries(slack)[0].fields["after"] == "8 export tickets a month"
    assert entries(slack)[0].post_ts == entry.post_ts


def test_edit_and_delete_refused_after_24_hours(slack):
    update(slack.services, team_id="T1", team_channel_id="C1")
    ship(slack)
    slack.emulator.wait_for("chat.postEphemeral")
    [entry] = entries(slack)
    slack.clock.advance(timedelta(hours=25))
    clicks = [
        slack.sender.block_action(action, user_id="U1", value=str(entry.id), channel_id="C1")
        for action in (ids.SHIP_EDIT, ids.SHIP_DELETE)
    ]
    assert all("24 hours" in click.shown()["text"] for click in clicks)
    assert [c.params["view"]["callback_id"] for c in slack.emulator.calls_to("views.open")] == [
        ids.SHIP_VIEW
    ]
    assert slack.emulator.calls_to("chat.delete") == []
    assert len(posts(slack, "C1")) == 1 and len(entries(slack)) == 1


def test_delete_within_24_hours_removes_post_and_entry(slack):
    update(slack.services, team_id="T1", team_channel_id="C1")
    ship(slack)
    slack.emulator.wait_for("chat.postEphemeral")
    [entry] = entries(slack)
    click = slack.sender.block_action(
        ids.SHIP_DELETE, user_id="U1", value=str(entry.id), channel_id="C1"
    )
    delete_call = slack.emulator.wait_for("chat.delete")[0]
    assert delete_call.ok and delete_call.params["ts"] == entry.post_ts
    assert "Deleted" in click.shown()["text"]
    assert posts(slack, "C1") == []
    assert entries(slack) == []


def test_only_the_author_can_delete_a_ship_post(slack):
    update(slack.services, team_id="T1", team_channel_id="C1")
    ship(slack)
    slack.emulator.wait_for("chat.postEphemeral")
    [entry] = entries(slack)
    click = slack.sender.block_action(
        ids.SHIP_DELETE, user_id="U2", value=str(entry.id), channel_id="C1"
    )
    assert "gone" in click.shown()["text"]  # not yours: as good as gone, and not deleted
    assert slack.emulator.calls_to("chat.delete") == []
    assert len(posts(slack, "C1")) == 1


def test_ship_confirmation_coaches_with_the_portfolio_rules(slack):
    """Issue 16: the rules that grade the portfolio also coach the author of a ship post."""
    ship(slack, after=None, measuring=True, feedback=None)
    [confirmation] = [
        c for c in slack.emulator.calls_to("chat.postEphemeral") if "ship post" in c.params["text"]
    ]
    shown = str(confirmation.params["blocks"])
    assert "Add the number after the release when the follow-up asks in a week." in shown
    assert "Ask one affected user" in shown


def test_ship_confirmation_praises_a_complete_ship_post(slack):
    ship(slack)
    [strong] = [
        c for c in slack.emulator.calls_to("chat.postEphemeral") if "ship post" in c.params["text"]
    ]
    assert ":star: *Strong" in str(strong.params["blocks"])
