"""The digest carries its chart: uploaded privately, shown in an image block beside the text
version, one message posted once; a chart that fails never costs the digest."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.blocks.pictures import IMAGE_BLOCK_ID
from bot.scheduling import pictured
from slack_emulator import message_problems
from tests.scheduling.conftest import all_text
from tests.scheduling.test_digest_truth import DIGEST_AT, SECRET, log, weeks_before

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def no_settle_pause(monkeypatch):
    monkeypatch.setattr(pictured, "PICTURE_SETTLE_SECONDS", 0.0)


def team_with_members(sched) -> None:
    sched.set_workspace(team_channel_id="C1")
    sched.enroll("U1", start=weeks_before(3))
    sched.enroll("U2", start=weeks_before(3))
    sched.enroll("U3", start=weeks_before(14))  # finished
    sched.enroll("U4", start=weeks_before(2), program="engineer-to-pm")
    log(sched, "U1", DIGEST_AT - timedelta(days=1), week=3)
    log(sched, "U2", DIGEST_AT - timedelta(days=8), week=2)


def the_digest(sched):
    sched.tick(DIGEST_AT + timedelta(minutes=1))
    [digest] = sched.posts("C1")
    assert message_problems(digest.params["text"], digest.params["blocks"]) == []
    return digest


def chart_uploads(sched):
    """The digest chart's uploads (the finished member's completion message has its own)."""
    calls = sched.emulator.calls_to("files.getUploadURLExternal", ok_only=True)
    return [c for c in calls if c.params["filename"] == "digest-chart.png"]


def images(call) -> list[dict]:
    return [b for b in call.params["blocks"] if b["type"] == "image"]


def test_the_digest_shows_its_chart_beside_the_text_version(sched):
    team_with_members(sched)
    digest = the_digest(sched)
    [image] = images(digest)
    assert digest.params["blocks"][1] is not None and digest.params["blocks"].index(image) == 1
    file_id = image["slack_file"]["id"]
    stored = sched.emulator.files[file_id]
    # Uploaded without a channel: private to the app, no second message anywhere.
    assert stored["completed"] and stored["channel_id"] is None
    assert stored["content"].startswith(PNG_SIGNATURE)
    assert sched.emulator.image("T1", file_id) is not None
    # The alt text states the numbers in words; the text version is all still there.
    alt = image["alt_text"]
    assert "Software engineer to product engineer" in alt
    assert "2 members in week 3" in alt and "1 finished" in alt
    assert "oldest first: 0, 0, 0, 0, 1, 1" in alt
    body = all_text(digest)
    assert "Not started: 0 · Active: 2 · Paused: 0 · Finished: 1" in body
    [upload] = chart_uploads(sched)
    assert upload.params["alt_txt"] and len(upload.params["alt_txt"]) <= 1000


def test_chart_and_alt_text_hold_counts_only(sched):
    team_with_members(sched)
    digest = the_digest(sched)
    [image] = images(digest)
    png = sched.emulator.files[image["slack_file"]["id"]]["content"]
    [upload] = chart_uploads(sched)
    for text in (image["alt_text"], upload.params["alt_txt"], image["title"]["text"]):
        assert SECRET not in text
        for user in ("U1", "U2", "U3", "U4"):
            assert user not in text
    assert SECRET.encode() not in png
    for user in (b"U1", b"U2", b"U3", b"U4"):
        assert user not in png


def test_a_chart_that_fails_to_upload_leaves_a_text_only_digest(sched):
    team_with_members(sched)
    sched.tick(DIGEST_AT - timedelta(minutes=1))
    sched.emulator.fail("files.getUploadURLExternal", "file_uploads_disabled")
    digest = the_digest(sched)  # exactly one post
    assert images(digest) == []
    assert "Active: 2" in all_text(digest)
    assert [o.result for o in sched.tick(DIGEST_AT + timedelta(minutes=5)).outcomes] == []


def test_a_chart_block_slack_refuses_twice_leaves_a_text_only_digest(sched):
    team_with_members(sched)
    sched.tick(DIGEST_AT - timedelta(minutes=1))  # the other members' messages first
    sched.emulator.reset_calls()
    sched.emulator.fail("chat.postMessage", "invalid_blocks", times=2)
    digest = the_digest(sched)
    assert images(digest) == []
    tries = [c for c in sched.emulator.calls_to("chat.postMessage") if c.params["channel"] == "C1"]
    assert len(tries) == 3 and [bool(images(c)) for c in tries] == [True, True, False]


def test_a_chart_refused_once_while_slack_processes_it_is_shown_on_the_second_try(sched):
    team_with_members(sched)
    sched.tick(DIGEST_AT - timedelta(minutes=1))
    sched.emulator.fail("chat.postMessage", "invalid_blocks", times=1)
    assert len(images(the_digest(sched))) == 1


def test_a_chart_that_cannot_be_drawn_leaves_a_text_only_digest(sched, monkeypatch):
    import bot.services.digest as digest_service

    def broken(_programs):
        raise RuntimeError("no fonts")

    monkeypatch.setattr(digest_service, "digest_chart_apart", broken)
    team_with_members(sched)
    digest = the_digest(sched)
    assert images(digest) == [] and IMAGE_BLOCK_ID not in str(digest.params["blocks"])
    assert chart_uploads(sched) == []


def test_the_completion_message_carries_the_members_own_picture(sched):
    from bot.services import skills
    from tests.scheduling.test_reminders import WEEK1

    sched.enroll("U1", start=(WEEK1 - timedelta(weeks=12)).date())
    skills.save(
        sched.services, team_id="T1", user_id="U1", moment="start",
        scores={"interviewing": 1, "metrics": 2},
    )  # fmt: skip
    skills.save(
        sched.services, team_id="T1", user_id="U1", moment="end", scores={"interviewing": 4}
    )
    assert len(sched.tick(WEEK1).of("sent", "completion")) == 1
    [message] = [c for c in sched.prompts("U1") if "You finished" in c.params["text"]]
    [image] = images(message)
    assert message.params["blocks"].index(image) == 3  # under the congratulations
    assert "All 12 weeks are done" in image["alt_text"]
    assert "Customer interviewing 1 to 4" in image["alt_text"]
    stored = sched.emulator.files[image["slack_file"]["id"]]
    assert stored["channel_id"] is None and stored["content"].startswith(PNG_SIGNATURE)
