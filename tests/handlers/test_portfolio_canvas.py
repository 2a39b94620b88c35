"""Where the portfolio is read: the member's private canvas, edited in place, shared with the
people they name; a Markdown file where the workspace has no canvases. And the emulator's
canvas methods are as strict as Slack's."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.services.journal import log_entry
from tests.handlers.evidence_helpers import assert_valid_message


def private_replies(slack) -> list:
    """What the member was told after the ack (through the command's response_url)."""
    return slack.emulator.calls_to("response_url") + slack.emulator.calls_to("chat.postEphemeral")


def ephemeral_texts(slack) -> list[str]:
    return [c.params["text"] for c in private_replies(slack)]


def wait_reply(slack, words: str = "") -> None:
    slack.emulator.wait_until(lambda: any(words in t for t in ephemeral_texts(slack)))


def run_portfolio(slack, method: str = "canvases.access.set") -> None:
    slack.command("portfolio")
    slack.emulator.wait_for(method, predicate=lambda c: c.ok)
    wait_reply(slack, "Your portfolio canvas is")


def test_portfolio_goes_to_a_private_canvas_the_member_owns(slack):
    log_entry(slack.services, team_id="T1", user_id="U1", kind="teardown", text="Rival calendar")
    run_portfolio(slack)
    [canvas] = slack.emulator.canvases.values()
    assert canvas["title"] == "Transition portfolio"
    assert canvas["access"] == {"UT1BOT": "owner", "U1": "owner"}  # nobody else
    assert "Rival calendar" in canvas["markdown"]
    assert slack.emulator.calls_to("files.completeUploadExternal") == []
    [ready] = [c for c in private_replies(slack) if "canvas" in c.params["text"]]
    # Linked with Block Kit's canvas element (Slack renders the link), no guessed address.
    assert {"type": "canvas", "file_id": canvas["id"]} in ready.params["blocks"][0]["elements"][0][
        "elements"
    ]
    assert "http" not in str(ready.params["blocks"])
    assert_valid_message(ready.params)


def test_regenerating_edits_the_same_canvas_in_place(slack):
    run_portfolio(slack)
    log_entry(slack.services, team_id="T1", user_id="U1", kind="teardown", text="Second rival")
    slack.emulator.reset_calls()
    run_portfolio(slack, "canvases.edit")
    [canvas] = slack.emulator.canvases.values()
    assert canvas["edits"] == 1 and "Second rival" in canvas["markdown"]
    assert slack.emulator.calls_to("canvases.create") == []
    assert any("is up to date" in t for t in ephemeral_texts(slack))


def test_a_deleted_canvas_is_made_again(slack):
    run_portfolio(slack)
    slack.emulator.fail("canvases.edit", "canvas_not_found")
    slack.emulator.reset_calls()
    run_portfolio(slack)
    assert len(slack.emulator.canvases) == 2
    assert len(slack.emulator.calls_to("canvases.create", ok_only=True)) == 1


def test_free_plan_gets_the_markdown_file_instead(slack):
    slack.emulator.set_plan("T1", "free")
    log_entry(slack.services, team_id="T1", user_id="U1", kind="teardown", text="Rival calendar")
    slack.command("portfolio")
    slack.emulator.wait_for("files.completeUploadExternal")
    [refused] = slack.emulator.calls_to("canvases.create")
    assert refused.response["error"] == "free_teams_cannot_create_standalone_canvases"
    assert slack.emulator.canvases == {}
    [file] = [f for f in slack.emulator.files.values() if f.get("completed")]
    assert "Rival calendar" in file["content"].decode() and file["filename"].endswith(".md")


def test_share_lets_named_people_read_the_canvas(slack):
    slack.emulator.add_user("T1", "U2", name="dana")
    run_portfolio(slack)
    slack.emulator.reset_calls()
    assert slack.command("portfolio share <@U2|dana>").status == 200
    wait_reply(slack)
    [canvas] = slack.emulator.canvases.values()
    assert canvas["access"]["U2"] == "read"
    assert any("<@U2> can now read" in t for t in ephemeral_texts(slack))


def test_share_problems_are_explained(slack):
    body = slack.command("portfolio share dana").json()
    assert "Name the people to share with" in body["text"]
    slack.command("portfolio share <@U2>")
    wait_reply(slack)
    assert any("no portfolio canvas yet" in t for t in ephemeral_texts(slack))
    run_portfolio(slack)
    slack.emulator.reset_calls()
    slack.command("portfolio share <@U404>")
    wait_reply(slack)
    assert any("couldn't find one of those people" in t for t in ephemeral_texts(slack)), [
        (c.method, c.response) for c in slack.emulator.calls
    ]


# -- the emulator's canvas methods --------------------------------------------------------------


def client(slack, scopes=None) -> WebClient:
    token = slack.emulator.add_workspace("T9", scopes=scopes) if scopes is not None else None
    return WebClient(token=token or slack.emulator.token("T1"), base_url=slack.emulator.base_url)


def error_of(call) -> str:
    with pytest.raises(SlackApiError) as raised:
        call()
    return str(raised.value.response["error"])


def test_canvas_methods_need_canvases_write(slack):
    web = client(slack, scopes=["chat:write"])
    with pytest.raises(SlackApiError) as raised:
        web.canvases_create(title="x")
    assert raised.value.response["error"] == "missing_scope"
    assert raised.value.response["needed"] == "canvases:write"


def test_canvas_arguments_are_validated_as_slack_does(slack):
    web = client(slack)
    assert error_of(lambda: web.canvases_create(document_content={"type": "html"})) == (
        "invalid_arguments"
    )
    canvas_id = web.canvases_create(title="t")["canvas_id"]
    assert error_of(lambda: web.canvases_edit(canvas_id="F404", changes=[{}])) == (
        "canvas_not_found"
    )
    assert error_of(lambda: web.canvases_edit(canvas_id=canvas_id, changes=[])) == (
        "invalid_arguments"
    )
    assert (
        error_of(
            lambda: web.canvases_access_set(
                canvas_id=canvas_id, access_level="read", user_ids=["U1"], channel_ids=["C1"]
            )
        )
        == "invalid_parameters"
    )
    assert (
        error_of(
            lambda: web.canvases_access_set(
                canvas_id=canvas_id, access_level="admin", user_ids=["U1"]
            )
        )
        == "invalid_arguments"
    )
    many = [f"U{i}" for i in range(21)]
    assert (
        error_of(
            lambda: web.canvases_access_set(canvas_id=canvas_id, access_level="read", user_ids=many)
        )
        == "invalid_parameters"
    )
