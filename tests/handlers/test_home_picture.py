"""The member's own progress picture on their Home tab: uploaded once, reused while it shows
the same thing, never costing the Home tab, and forgotten with the member's data."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from bot.blocks import ids
from bot.services import skills
from bot.services.enrollment import join
from slack_emulator import view_problems
from storage.models import MemberPicture

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def enroll(slack, user: str = "U1") -> None:
    join(
        slack.services, team_id="T1", user_id=user, program_id="product-engineer",
        background="backend", start_date=date(2026, 11, 9), timezone="Europe/Berlin",
    )  # fmt: skip


def open_home(slack, user: str = "U1") -> dict:
    """Open Home and wait for the work after the ack; the last view published for `user`.
    (A new picture is drawn after a first publish without it, then published again.)"""
    slack.sender.event({"type": "app_home_opened", "user": user, "channel": "D1", "tab": "home"})
    slack.emulator.wait_for("views.publish", predicate=lambda c: c.ok)
    slack.settle()
    view = slack.emulator.home_view("T1", user)
    assert view is not None and view_problems(view) == []
    return view


def picture_of(view: dict) -> dict | None:
    found = [b for b in view["blocks"] if b["type"] == "image"]
    assert len(found) <= 1
    return found[0] if found else None


def uploads(slack) -> list:
    return slack.emulator.calls_to("files.getUploadURLExternal", ok_only=True)


def rows(slack) -> int:
    with slack.services.db.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(MemberPicture)).scalar_one()


def test_home_shows_the_members_picture_uploaded_privately(slack):
    enroll(slack)
    image = picture_of(open_home(slack))
    # Published at once without the picture, then again once it is drawn and uploaded.
    publishes = [c for c in slack.emulator.calls_to("views.publish") if c.ok]
    assert [picture_of(c.params["view"]) is None for c in publishes] == [True, False]
    assert image is not None
    file_id = image["slack_file"]["id"]
    stored = slack.emulator.files[file_id]
    assert stored["completed"] and stored["channel_id"] is None
    assert stored["content"].startswith(PNG_SIGNATURE)
    assert "You are in week 3 of 12" in image["alt_text"]
    assert "No skills rating yet" in image["alt_text"]


def test_opening_home_again_reuses_the_picture_until_it_changes(slack):
    enroll(slack)
    first = picture_of(open_home(slack))["slack_file"]["id"]
    again = picture_of(open_home(slack))["slack_file"]["id"]
    assert again == first and len(uploads(slack)) == 1
    # The reused picture is in the first (and only) publish of that open.
    assert len([c for c in slack.emulator.calls_to("views.publish") if c.ok]) == 3
    # Rating the skills changes the picture: one new upload, and the old file is deleted.
    skills.save(
        slack.services, team_id="T1", user_id="U1", moment="start",
        scores={"interviewing": 2, "metrics": 3},
    )  # fmt: skip
    image = picture_of(open_home(slack))
    assert image["slack_file"]["id"] != first and len(uploads(slack)) == 2
    assert "Customer interviewing 2 to 2" in image["alt_text"]
    assert first not in slack.emulator.files
    assert rows(slack) == 1


def test_a_picture_that_cannot_be_uploaded_leaves_home_without_it(slack):
    enroll(slack)
    slack.emulator.fail("files.getUploadURLExternal", "file_uploads_disabled")
    view = open_home(slack)
    assert picture_of(view) is None and "Week 3 of 12" in str(view)
    assert rows(slack) == 0
    # The next open tries again.
    assert picture_of(open_home(slack)) is not None


def test_a_remembered_file_that_is_gone_is_replaced(slack):
    enroll(slack)
    first = picture_of(open_home(slack))["slack_file"]["id"]
    slack.outbound().call("files.delete", file=first)  # e.g. an admin deleted it
    view = open_home(slack)  # refused with the picture, published without it
    assert picture_of(view) is None
    assert rows(slack) == 0
    again = picture_of(open_home(slack))
    assert again is not None and again["slack_file"]["id"] != first


def test_forget_drops_the_picture_and_its_file(slack):
    enroll(slack)
    file_id = picture_of(open_home(slack))["slack_file"]["id"]
    assert rows(slack) == 1
    slack.command("forget")
    slack.sender.block_action(ids.FORGET_CONFIRM, user_id="U1", value="forget")
    slack.emulator.wait_for("response_url")
    assert rows(slack) == 0
    assert file_id not in slack.emulator.files
