"""`/transition config`: admins only (Slack admins/owners and the admins they name), every
setting, and workspace isolation between two teams served by one app."""

from __future__ import annotations

import pytest

from bot.services.config import current
from slack_emulator import message_problems
from tests.handlers.evidence_helpers import entries


def reply(response) -> tuple[str, str]:
    """What the member is shown: config answers after its ack, through the response_url."""
    body = response.shown()
    assert body.get("response_type", "ephemeral") == "ephemeral"
    assert message_problems(body["text"], body["blocks"]) == []
    return body["text"], str(body["blocks"])


@pytest.fixture
def admin(slack):
    """U3 is a Slack workspace admin in T1."""
    slack.emulator.add_user("T1", "U3", name="ada", is_admin=True)
    return "U3"


def test_non_admin_is_refused_politely(slack):
    text, _ = reply(slack.command("config channel <#C1|transition>", user_id="U2"))
    assert "Only workspace admins" in text
    assert current(slack.services, team_id="T1").team_channel_id is None


def test_admin_sees_the_settings(slack, admin):
    _, blocks = reply(slack.command("config", user_id=admin))
    assert "Team channel:* _not set_" in blocks
    assert "Monday at 09:00" in blocks and "after 28 days" in blocks


@pytest.mark.parametrize(
    ("mention", "channel"),
    [("<#C1|transition>", "C1"), ("<#C1>", "C1"), ("C0123ABCD", "C0123ABCD")],
)
def test_admin_sets_the_team_channel(slack, admin, mention, channel):
    _, blocks = reply(slack.command(f"config channel {mention}", user_id=admin))
    assert f"<#{channel}>" in blocks
    assert current(slack.services, team_id="T1").team_channel_id == channel


def test_admin_sets_prompt_time_and_revisit_days(slack, admin):
    reply(slack.command("config prompt Wednesday 14", user_id=admin))
    reply(slack.command("config revisit 14", user_id=admin))
    settings = current(slack.services, team_id="T1")
    assert (settings.prompt_weekday, settings.prompt_hour, settings.revisit_days) == (2, 14, 14)
    _, blocks = reply(slack.command("config", user_id=admin))
    assert "Wednesday at 14:00" in blocks and "after 14 days" in blocks


@pytest.mark.parametrize(
    "args",
    [
        "channel #transition",
        "prompt someday 9",
        "prompt monday 25",
        "revisit 0",
        "revisit x",
        "admin add sam",
        "colour blue",
    ],
)
def test_bad_settings_get_usage_and_change_nothing(slack, admin, args):
    before = current(slack.services, team_id="T1")
    _, blocks = reply(slack.command(f"config {args}", user_id=admin))
    assert "/transition config" in blocks
    assert current(slack.services, team_id="T1") == before


def test_named_admin_is_accepted_until_removed(slack, admin):
    _, blocks = reply(slack.command("config admin add <@U2|sam>", user_id=admin))
    assert "<@U2> is now a bot admin" in blocks
    reply(slack.command("config revisit 10", user_id="U2"))
    assert current(slack.services, team_id="T1").revisit_days == 10
    _, blocks = reply(slack.command("config", user_id="U2"))
    assert "<@U2>" in blocks
    reply(slack.command("config admin remove <@U2>", user_id="U2"))
    text, _ = reply(slack.command("config revisit 20", user_id="U2"))
    assert "Only workspace admins" in text
    assert current(slack.services, team_id="T1").revisit_days == 10


# -- two workspaces, one app ------------------------------------------------------------------


def test_two_workspaces_never_see_each_others_config_or_entries(two_teams):
    t = two_teams
    # T2's admin configures T2; T1's admin configures T1.
    reply(t.sender.command("config channel <#G2|ships>", user_id="V1", team_id="T2"))
    reply(t.sender.command("config admin add <@V2>", user_id="V1", team_id="T2"))
    reply(t.sender.command("config revisit 7", user_id="V1", team_id="T2"))
    _, t1_blocks = reply(t.sender.command("config", user_id="U3", team_id="T1"))
    assert "G2" not in t1_blocks and "V2" not in t1_blocks and "after 28 days" in t1_blocks
    assert current(t.services, team_id="T1").team_channel_id is None
    assert current(t.services, team_id="T2").team_channel_id == "G2"
    # A named admin of T2 is nobody in T1 (same user id typed into T1 or not).
    text, _ = reply(t.sender.command("config revisit 3", user_id="V2", team_id="T1"))
    assert "Only workspace admins" in text
    # Entries: each team lists only its own.
    reply(t.sender.command("log A Globex decision", user_id="V2", team_id="T2"))
    reply(t.sender.command("log An Acme decision", user_id="U1", team_id="T1"))
    _, t1_list = reply(t.sender.command("entries", user_id="U1", team_id="T1"))
    _, t2_list = reply(t.sender.command("entries", user_id="V2", team_id="T2"))
    assert "Acme" in t1_list and "Globex" not in t1_list
    assert "Globex" in t2_list and "Acme" not in t2_list
    assert {(e.team_id, e.user_id) for e in entries(t)} == {("T2", "V2"), ("T1", "U1")}


def test_a_slack_admin_of_one_team_is_not_an_admin_of_the_other(two_teams):
    t = two_teams
    # V1 is a Slack admin in T2 only; a request claiming T1 is checked against T1.
    text, _ = reply(t.sender.command("config channel <#C1>", user_id="V1", team_id="T1"))
    assert "Only workspace admins" in text
    assert current(t.services, team_id="T1").team_channel_id is None
