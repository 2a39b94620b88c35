"""`/transition summary team` and what the digest shows: counts, bars, the week's ship posts."""

from __future__ import annotations

from datetime import date, timedelta

from bot.services.config import update
from bot.services.enrollment import join
from bot.services.journal import log_entry
from slack_emulator import message_problems
from storage import entries

PRIVATE = "private words nobody else may read"


def seed(slack) -> None:
    for user in ("U1", "U2"):
        join(
            slack.services,
            team_id="T1",
            user_id=user,
            program_id="product-engineer",
            background="backend",
            start_date=date(2026, 11, 16),
            timezone="Europe/Berlin",
        )
    for days_ago in (0, 1, 2):  # U1 journals on three days: "keeping the journal"
        slack.clock.set(slack.clock.now() - timedelta(days=days_ago))
        log_entry(slack.services, team_id="T1", user_id="U1", kind="decision", text=PRIVATE)
        slack.clock.set(slack.clock.now() + timedelta(days=days_ago))
    log_entry(slack.services, team_id="T1", user_id="U2", kind="customer_insight", text=PRIVATE)
    ship = log_entry(
        slack.services,
        team_id="T1",
        user_id="U2",
        kind="ship",
        text="Export inbox",
        fields={
            "built": "An export inbox <for admins>",
            "permalink": "https://acme.slack.com/archives/C1/p1",
            "posted_to": "team",
        },
    )
    with slack.services.db.session() as session:
        entries.set_post(session, team_id="T1", entry_id=ship.entry.id, channel_id="C1", ts="1.1")


def make_admin(slack, user: str = "U1") -> None:
    slack.emulator.add_user("T1", user, name="alex", tz="Europe/Berlin", is_admin=True)


def test_admin_posts_the_digest_in_the_team_channel(slack):
    seed(slack)
    make_admin(slack)
    update(slack.services, team_id="T1", team_channel_id="C1")
    body = slack.command("summary team").shown()
    assert "Posted the team digest in <#C1>" in body["text"]
    post = slack.emulator.wait_for(
        "chat.postMessage", predicate=lambda c: c.params["channel"] == "C1"
    )[0]
    assert post.ok
    rendered = str(post.params["blocks"])
    assert message_problems(post.params["text"], post.params["blocks"]) == []
    assert PRIVATE not in rendered
    assert "Active: 2" in rendered
    assert "3 decisions, 1 customer insight" in rendered
    assert "*Keeping the journal:* 1 of 2 active journaled on 3+ days" in rendered
    assert "U1" not in rendered and "U2" not in rendered  # nobody chose to share
    # The week's ship post is linked; its (public) title is escaped.
    assert "<https://acme.slack.com/archives/C1/p1|An export inbox &lt;for admins&gt;>" in rendered


def test_non_admin_is_refused(slack):
    seed(slack)
    body = slack.command("summary team", user_id="U2").shown()
    assert "Only admins" in body["text"]
    assert slack.emulator.calls_to("chat.postMessage") == []


def test_without_a_team_channel_the_admin_sees_the_digest_and_the_fix(slack):
    seed(slack)
    make_admin(slack)
    body = slack.command("summary team").shown()
    rendered = str(body["blocks"])
    assert "Weekly digest" in rendered
    assert "/transition config channel #channel" in rendered
    assert PRIVATE not in rendered
    assert message_problems(body["text"], body["blocks"]) == []


def test_bot_not_in_the_channel_is_explained(slack):
    seed(slack)
    make_admin(slack)
    update(slack.services, team_id="T1", team_channel_id="C1")
    slack.emulator.fail("chat.postMessage", "not_in_channel")
    body = slack.command("summary team").shown()
    assert "not_in_channel" in str(body["blocks"]) and "/invite @Transition Coach" in str(
        body["blocks"]
    )


def test_the_digest_posted_now_carries_its_chart_like_the_weekly_one(slack):
    """Found from outside: `/transition summary team` posted the digest as text only,
    although the README says the digest carries a picture of the same numbers."""
    seed(slack)
    make_admin(slack)
    update(slack.services, team_id="T1", team_channel_id="C1")
    slack.command("summary team")
    post = slack.emulator.wait_for(
        "chat.postMessage", predicate=lambda c: c.params["channel"] == "C1"
    )[0]
    [image] = [b for b in post.params["blocks"] if b["type"] == "image"]
    assert post.params["blocks"].index(image) == 1
    stored = slack.emulator.files[image["slack_file"]["id"]]
    assert stored["completed"] and stored["channel_id"] is None  # private to the app
    assert stored["content"].startswith(b"\x89PNG")
    assert message_problems(post.params["text"], post.params["blocks"]) == []
