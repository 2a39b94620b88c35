"""Sharing progress with the coach: off by default, chosen in the join form or on Home."""

from __future__ import annotations

from datetime import timedelta

from bot.blocks import ids
from bot.services.config import update
from slack_emulator import view_problems
from storage import participants
from storage.models import Participant
from tests.handlers.test_join import current_view, join_values
from tests.handlers.test_team_digest import PRIVATE, make_admin


def stored(slack, user: str = "U1") -> Participant:
    with slack.services.db.session() as session:
        found = participants.get_participant(session, team_id="T1", user_id=user)
        assert found is not None
        return found


def join_via_form(slack, user: str, *, share: bool) -> None:
    slack.emulator.add_user("T1", user, tz="Europe/Berlin")
    slack.command("join product-engineer", user_id=user)
    view = current_view(slack)
    values = join_values(start="2026-11-09")
    if share:
        values[ids.JOIN_SHARE[0]] = {
            ids.JOIN_SHARE[1]: {
                "type": "checkboxes",
                "selected_options": [
                    {"value": "share", "text": {"type": "plain_text", "text": "share"}}
                ],
            }
        }
    assert slack.sender.view_submission(view, values, user_id=user).status == 200
    slack.emulator.wait_for("views.publish", predicate=lambda c: c.params["user_id"] == user)


def test_the_join_form_offers_sharing_unticked_and_keeps_the_choice(slack):
    slack.command("join")
    view = current_view(slack)
    assert view_problems(view) == []
    [share] = [b for b in view["blocks"] if b.get("block_id") == ids.JOIN_SHARE[0]]
    assert share["optional"] is True and "initial_options" not in share["element"]
    join_via_form(slack, "UA", share=False)
    join_via_form(slack, "UB", share=True)
    assert stored(slack, "UA").share_progress is False
    assert stored(slack, "UB").share_progress is True


def test_home_says_what_the_coach_sees_and_the_button_changes_it(slack):
    join_via_form(slack, "UA", share=False)
    home = slack.emulator.calls_to("views.publish")[-1].params["view"]
    assert "only as a count" in str(home) and view_problems(home) == []
    slack.sender.block_action(
        ids.SHARE_PROGRESS_TOGGLE, user_id="UA", value="on", view={"id": "V1", **home}
    )
    again = slack.emulator.wait_for(
        "views.publish", predicate=lambda c: "Stop sharing" in str(c.params["view"])
    )[-1]
    assert again.params["user_id"] == "UA"
    assert stored(slack, "UA").share_progress is True
    slack.sender.block_action(ids.SHARE_PROGRESS_TOGGLE, user_id="UA", value="off")
    slack.emulator.wait_for(
        "views.publish",
        predicate=lambda c: "Share my name" in str(c.params["view"]),
    )
    assert stored(slack, "UA").share_progress is False


def test_only_members_who_share_are_named_in_what_the_coach_receives(slack):
    """Both members have been silent for two weeks: one is named, the other a count."""
    join_via_form(slack, "UA", share=False)
    join_via_form(slack, "UB", share=True)
    slack.clock.set(slack.clock.now() + timedelta(days=1))
    make_admin(slack, "UADMIN")
    update(slack.services, team_id="T1", team_channel_id="C1")
    slack.command(f"log {PRIVATE}", user_id="UA")
    slack.clock.set(slack.clock.now() + timedelta(days=15))
    assert "Posted" in slack.command("summary team", user_id="UADMIN").shown()["text"]
    post = slack.emulator.wait_for(
        "chat.postMessage", predicate=lambda c: c.params["channel"] == "C1"
    )[0]
    body = str(post.params["blocks"]) + post.params["text"]
    assert "No entry in 14 days: 2 (<@UB>, and 1 more)" in body
    assert "UA" not in body and PRIVATE not in body
