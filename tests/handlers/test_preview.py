"""`/transition preview`: admins see exactly the prompt participants get; others are refused."""

from __future__ import annotations

from urllib.parse import urlsplit

from bot.blocks import ids
from bot.blocks.prompt import completion_message, weekly_prompt
from slack_emulator import message_problems
from storage import workspaces


def admin(slack, user_id: str = "UADMIN") -> str:
    slack.emulator.add_user("T1", user_id, name="boss", tz="Europe/Berlin", is_admin=True)
    return user_id


def test_admin_sees_week_three_of_product_engineer(slack):
    body = slack.command("preview product-engineer 3", user_id=admin(slack)).shown()
    program = slack.services.programs["product-engineer"]
    text, blocks = weekly_prompt(program, 3, background=None, logged={}, deliverable_done=False)
    assert body.get("response_type", "ephemeral") == "ephemeral"
    assert body["blocks"][1:] == blocks  # exactly what participants get, below the note
    note = body["blocks"][0]["elements"][0]["text"]
    assert "Preview — participants see this on Monday at 09:00" in note
    assert text in body["text"]
    assert message_problems(body["text"], body["blocks"]) == []


def test_owner_counts_as_admin_and_the_workspace_schedule_is_shown(slack):
    slack.emulator.add_user("T1", "UOWNER", name="owner", is_owner=True)
    with slack.services.db.session() as session:
        workspace = workspaces.ensure_workspace(session, team_id="T1", now=slack.clock.now())
        workspace.prompt_weekday, workspace.prompt_hour = 2, 8
        session.add(workspace)
    body = slack.command("preview engineer-to-pm 1", user_id="UOWNER").shown()
    assert "participants see this on Wednesday at 08:00" in str(body["blocks"][0])


def test_non_admin_is_refused_politely(slack):
    body = slack.command("preview product-engineer 3", user_id="U1").shown()
    assert "for workspace admins and owners" in body["text"]
    assert ids.MARK_DELIVERABLE_DONE not in str(body["blocks"])
    assert message_problems(body["text"], body["blocks"]) == []
    [users_info] = slack.emulator.calls_to("users.info")
    assert users_info.params["user"] == "U1"


def test_bad_arguments_get_a_usage_line_with_valid_values(slack):
    user = admin(slack)
    for args in (
        "preview",
        "preview product-engineer",
        "preview nope 3",
        "preview product-engineer three",
        "preview product-engineer 0",
        "preview product-engineer 3 wizard",
        "preview product-engineer 3 backend extra",
    ):
        body = slack.command(args, user_id=user).shown()
        shown = str(body["blocks"])
        assert "Usage: `/transition preview &lt;program&gt; &lt;week&gt; [background]`" in shown, (
            args
        )
        assert "`product-engineer` (weeks 1-12)" in shown
        assert "`engineer-to-pm` (weeks 1-13)" in shown
        assert "`platform-infra`" in shown
        assert message_problems(body["text"], body["blocks"]) == []
    hostile = slack.command("preview <!channel> 3", user_id=user).shown()
    assert "<!channel>" not in str(hostile["blocks"]) + hostile["text"]


def test_background_tip_for_engineer_to_pm(slack):
    user = admin(slack)
    program = slack.services.programs["engineer-to-pm"]
    tip = program.phase_for_week(5).tips["customer-facing"]
    body = slack.command("preview engineer-to-pm 5 customer-facing", user_id=user).shown()
    assert tip[:60] in str(body["blocks"])
    assert "Customer-facing" in str(body["blocks"])
    plain = slack.command("preview engineer-to-pm 5", user_id=user).shown()
    assert "Tip for your background" not in str(plain["blocks"])


def test_week_past_the_end_previews_the_completion_message(slack):
    body = slack.command("preview product-engineer 13", user_id=admin(slack)).shown()
    program = slack.services.programs["product-engineer"]
    _, blocks = completion_message(program)
    assert body["blocks"][1:] == blocks
    assert message_problems(body["text"], body["blocks"]) == []


def test_help_lists_preview_to_admins_only(slack):
    """Issue 14: help shows admin commands to admins only (admin rights come from Slack's
    users.info, after the ack: the admins' part follows through the response_url)."""
    member = slack.command("help")
    assert "/transition preview" not in str(member.json()["blocks"])
    slack.settle()
    path = urlsplit(member.response_url).path
    assert [c for c in slack.emulator.calls_to("response_url") if c.url == path] == []

    slack.emulator.add_user("T1", "U3", name="ada", is_admin=True)
    admin = slack.command("help", user_id="U3")
    assert "/transition preview" not in str(admin.json()["blocks"])
    extra = slack.emulator.response_to(admin.response_url)
    assert "/transition preview &lt;program&gt; &lt;week&gt;" in str(extra["blocks"])
    assert "/transition config" in str(extra["blocks"])
