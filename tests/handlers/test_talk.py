"""Talking to the app (issue 14): whatever a member types in its DM is an entry, confirmed
with a kind menu; a reply in a weekly prompt's thread is filed under that week; the message
shortcut keeps any Slack message, privately, with its link. Over HTTP and Socket Mode."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from bot.blocks import ids
from bot.evidence import LOGGABLE, SPECS
from slack_emulator import message_problems
from storage.models import Entry
from tests.handlers.evidence_helpers import entries
from tests.handlers.prompts_helpers import enroll
from tests.pipeline_helpers import run_pass


def bot_posts(slack: Any, user: str = "U1") -> list[dict[str, Any]]:
    """What the app posted in its DM with `user`, oldest first (as Slack holds it)."""
    dm = slack.emulator.dm_channel("T1", user)
    bot = slack.emulator.bot_user_id("T1")
    return [m for m in slack.emulator.messages(dm) if m.get("user") == bot]


def confirmation(slack: Any, count: int = 1, user: str = "U1") -> dict[str, Any]:
    """The app's `count`-th message in the DM (waiting for it)."""
    slack.emulator.wait_until(lambda: len(bot_posts(slack, user)) >= count)
    return bot_posts(slack, user)[count - 1]


def kind_menu(message: dict[str, Any]) -> dict[str, Any]:
    for block in message["blocks"]:
        for element in block.get("elements", []):
            if element.get("action_id") == ids.ENTRY_KIND:
                return element
    raise AssertionError("no kind menu")


def pick_kind(
    slack: Any, message: dict[str, Any], kind: str, *, user: str = "U1", channel: str = ""
) -> Any:
    """Choose `kind` in the confirmation's menu, as Slack sends it."""
    menu = kind_menu(message)
    [option] = [o for o in menu["options"] if o["value"].endswith(f":{kind}")]
    block = next(b for b in message["blocks"] if menu in b.get("elements", []))
    return slack.sender.block_action(
        ids.ENTRY_KIND,
        user_id=user,
        block_id=block["block_id"],
        channel_id=channel or slack.emulator.dm_channel("T1", user),
        message_ts=message["ts"],
        element={"type": "static_select", "selected_option": option},
    )


@pytest.fixture(params=["http", "socket"])
def talk(request: pytest.FixtureRequest) -> Any:
    return request.getfixturevalue("slack" if request.param == "http" else "slack_socket")


def test_a_sentence_typed_in_the_dm_is_kept_whole_and_its_kind_can_change(talk):
    """The issue's example: "Problem is that…" was stored as a problem statement "is that…"."""
    text = "Problem is that our PM picked annual billing"
    response = talk.sender.dm_message(text, user_id="U1")
    assert response.status == 200
    [entry] = entries(talk)
    assert (entry.kind, entry.text, entry.user_id) == ("decision", text, "U1")
    shown = confirmation(talk)
    assert "Saved as a decision" in shown["text"]
    assert text in str(shown["blocks"])
    assert message_problems(shown["text"], shown["blocks"]) == []
    menu = kind_menu(shown)
    assert [o["value"] for o in menu["options"]] == [f"{entry.id}:{k}" for k in LOGGABLE]
    assert menu["initial_option"]["value"] == f"{entry.id}:decision"

    pick_kind(talk, shown, "problem_statement")
    talk.emulator.wait_until(lambda: entries(talk)[0].kind == "problem_statement")
    [moved] = entries(talk)
    assert moved.text == text  # every word kept
    assert moved.fields == {SPECS["problem_statement"].quick_field: text}
    # The confirmation is redrawn in place, not posted again.
    talk.emulator.wait_until(lambda: "problem statement" in bot_posts(talk)[0]["text"])
    [redrawn] = bot_posts(talk)
    assert redrawn["ts"] == shown["ts"]
    assert kind_menu(redrawn)["initial_option"]["value"] == f"{entry.id}:problem_statement"
    # The problem-statement coaching now shows (it asks for evidence).
    assert "To make it stronger" in str(redrawn["blocks"])


def test_a_kind_with_a_colon_files_it_as_that_kind(slack):
    slack.sender.dm_message("insight: three customers export to CSV every Friday", user_id="U1")
    [entry] = entries(slack)
    assert (entry.kind, entry.text) == (
        "customer_insight",
        "three customers export to CSV every Friday",
    )
    assert "Saved as a customer insight" in confirmation(slack)["text"]


def test_what_slack_escapes_is_stored_as_typed_and_shown_escaped(slack):
    slack.sender.dm_message("Revenue <$5k & churn > 4% means <!channel> panic", user_id="U1")
    [entry] = entries(slack)
    assert entry.text == "Revenue <$5k & churn > 4% means <!channel> panic"
    shown = str(confirmation(slack)["blocks"])
    assert "<!channel>" not in shown and "&lt;!channel&gt;" in shown


def test_a_redelivered_event_stores_one_entry_and_answers_each_delivery(slack):
    first = slack.sender.dm_message("We cut the onboarding to three steps", user_id="U1")
    confirmation(slack)
    again = slack.sender.dm_message(
        "We cut the onboarding to three steps", user_id="U1", ts=first.message_ts, retry_num=1
    )
    assert again.status == 200
    slack.settle()
    assert len(entries(slack)) == 1
    assert len(bot_posts(slack)) == 2  # the second delivery answers "Already saved"
    assert "Already saved" in bot_posts(slack)[1]["text"]


@pytest.mark.parametrize(
    "extra",
    [
        {"subtype": "message_changed"},
        {"subtype": "message_deleted"},
        {"subtype": "channel_join"},
        {"bot_id": "B0OTHER"},
        {"channel_type": "channel"},
        {"text": "   "},
    ],
)
def test_edits_deletions_bots_and_channels_are_not_entries(slack, extra):
    event = {
        "type": "message",
        "user": "U1",
        "text": "not an entry",
        "ts": "1764000000.000100",
        "channel": slack.emulator.dm_channel("T1", "U1"),
        "channel_type": "im",
        **extra,
    }
    assert slack.sender.event(event).status == 200
    slack.settle()
    assert entries(slack) == []
    assert bot_posts(slack) == []


def test_a_reply_in_a_prompts_thread_is_filed_under_that_week(slack):
    enroll(slack, start=date(2026, 11, 9))  # Monday 23 Nov is week 3
    run_pass(slack)
    [prompt] = bot_posts(slack)
    # A week later (week 4) the member answers week 3's prompt in its thread.
    slack.clock.set(slack.clock.now() + timedelta(days=8))
    slack.sender.dm_message(
        "Talked to two customers about the export", user_id="U1", thread_ts=prompt["ts"]
    )
    [entry] = entries(slack)
    assert entry.program_week == 3
    reply = confirmation(slack, 2)
    assert reply["thread_ts"] == prompt["ts"]  # answered in the same thread
    assert "(week 3)" in str(reply["blocks"])
    # A message outside the thread is filed under the current week.
    slack.sender.dm_message("Picked the smaller scope", user_id="U1")
    assert entries(slack)[1].program_week == 4


def test_a_kind_word_alone_offers_that_kinds_form(slack):
    slack.sender.dm_message("goal", user_id="U1")
    shown = confirmation(slack)
    assert entries(slack) == []
    [button] = [e for b in shown["blocks"] for e in b.get("elements", []) if e.get("action_id")]
    assert (button["action_id"], button["value"]) == (ids.OPEN_KIND_FORM, "goal")
    slack.sender.block_action(
        ids.OPEN_KIND_FORM, user_id="U1", value="goal", message_ts=shown["ts"]
    )
    view = slack.opened_view()
    assert view["title"]["text"] == SPECS["goal"].title


def test_help_in_the_dm_is_the_short_help(slack):
    slack.sender.dm_message("help", user_id="U1")
    shown = confirmation(slack)
    assert entries(slack) == []
    assert "/transition join" in str(shown["blocks"])
    assert "/transition config" not in str(shown["blocks"])  # U1 is no admin


def test_a_dm_longer_than_an_entry_holds_saves_nothing_and_says_so(slack):
    slack.sender.dm_message("x" * 40_001, user_id="U1")
    shown = confirmation(slack)
    assert entries(slack) == []
    assert "40,001 characters" in shown["text"]


def test_moving_a_decision_to_another_kind_drops_its_revisit(slack):
    from tests.services.test_checkins import items, morning

    slack.sender.dm_message("We keep the free tier", user_id="U1")
    pick_kind(slack, confirmation(slack), "customer_insight")
    slack.emulator.wait_until(lambda: entries(slack)[0].kind == "customer_insight")
    [item] = items(slack, "revisit")  # planned when it was a decision
    report = run_pass(slack, morning(40))
    assert [(o.kind, o.result) for o in report.outcomes] == [("revisit", "dropped")]
    assert len(bot_posts(slack)) == 1  # only the confirmation: no revisit DM
    assert item.period == f"entry-{entries(slack)[0].id}"


def test_a_changed_kind_on_someone_elses_entry_is_refused(slack):
    slack.sender.dm_message("Alex's private call", user_id="U1")
    shown = confirmation(slack)
    slack.emulator.add_user("T1", "U2", name="sam")
    pick_kind(slack, shown, "goal", user="U2", channel="C1")
    slack.settle()
    [entry] = entries(slack)
    assert entry.kind == "decision" and entry.user_id == "U1"


# -- the message shortcut ----------------------------------------------------------------------


def support_message(slack: Any, text: str, author: str = "U9") -> dict[str, Any]:
    slack.emulator.add_user("T1", author, name="dana")
    channel = "C0SUPPORT"  # the app is not in it: it can't post there, nor needs to
    slack.emulator.add_channel("T1", channel, name="support", bot_is_member=False)
    ts = slack.emulator.add_message(channel, author, text)
    return {"channel": channel, "message": {"ts": ts, "user": author, "text": text}}


def test_the_shortcut_saves_a_message_privately_with_its_link(talk):
    source = support_message(talk, "The export button times out for our 40k-row account")
    response = talk.sender.message_shortcut(
        ids.SAVE_MESSAGE_SHORTCUT,
        user_id="U1",
        channel_id=source["channel"],
        message=source["message"],
    )
    assert response.status == 200
    [entry] = entries(talk)
    assert (entry.kind, entry.user_id) == ("customer_insight", "U1")
    assert entry.text == "The export button times out for our 40k-row account"
    shown = response.shown()  # through the response_url: only U1 sees it
    assert "Saved as a customer insight" in shown["text"]
    assert "The original message" in str(shown["blocks"])
    talk.emulator.wait_until(lambda: "permalink" in entries(talk)[0].fields)
    fields = entries(talk)[0].fields
    assert fields["permalink"].startswith("https://") and source["channel"] in fields["permalink"]
    assert (fields["source_channel"], fields["source_user"]) == (source["channel"], "U9")
    # Nothing was posted where others could see it.
    assert [m for m in talk.emulator.messages(source["channel"]) if m.get("bot_id")] == []
    assert kind_menu(shown)["initial_option"]["value"] == f"{entry.id}:customer_insight"


def test_saving_the_same_message_twice_keeps_one_entry(slack):
    source = support_message(slack, "Please add SSO")
    for _ in range(2):
        slack.sender.message_shortcut(
            ids.SAVE_MESSAGE_SHORTCUT,
            user_id="U1",
            channel_id=source["channel"],
            message=source["message"],
        )
    assert len(entries(slack)) == 1


def test_a_saved_message_keeps_its_link_when_its_kind_changes_or_it_is_edited(slack):
    source = support_message(slack, "We decided to sunset the v1 API")
    response = slack.sender.message_shortcut(
        ids.SAVE_MESSAGE_SHORTCUT,
        user_id="U1",
        channel_id=source["channel"],
        message=source["message"],
    )
    shown = response.shown()
    slack.emulator.wait_until(lambda: "permalink" in entries(slack)[0].fields)
    pick_kind(slack, {**shown, "ts": "1.2"}, "decision", channel=source["channel"])
    slack.emulator.wait_until(lambda: entries(slack)[0].kind == "decision")
    entry: Entry = entries(slack)[0]
    assert entry.text == "We decided to sunset the v1 API"
    assert entry.fields["source_user"] == "U9" and "permalink" in entry.fields


def test_the_shortcut_on_a_message_without_text_says_so(slack):
    source = support_message(slack, "")
    response = slack.sender.message_shortcut(
        ids.SAVE_MESSAGE_SHORTCUT,
        user_id="U1",
        channel_id=source["channel"],
        message={**source["message"], "text": "", "files": [{"id": "F1"}]},
    )
    assert entries(slack) == []
    assert "no text I can save" in response.shown()["text"]


def test_delete_under_a_confirmation_replaces_it(slack):
    slack.sender.dm_message("A decision I regret typing", user_id="U1")
    shown = confirmation(slack)
    [entry] = entries(slack)
    block = next(b for b in shown["blocks"] if b.get("block_id", "").startswith("quick_entry_"))
    slack.sender.block_action(
        ids.ENTRY_DELETE,
        user_id="U1",
        value=str(entry.id),
        block_id=block["block_id"],
        channel_id=slack.emulator.dm_channel("T1", "U1"),
        message_ts=shown["ts"],
    )
    slack.emulator.wait_until(lambda: "Deleted" in bot_posts(slack)[0]["text"])
    assert entries(slack) == [] and len(bot_posts(slack)) == 1
