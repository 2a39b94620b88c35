"""`/transition log <kind>`: every evidence kind by quick text and by modal, coaching under the
confirmation, RICE/ICE scores and their field errors, the "Log evidence" select, and the
private entries list with Edit/Delete."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.blocks import ids
from bot.blocks.evidence import field_ids, split_for_inputs
from bot.evidence import SPECS
from bot.services.enrollment import join
from slack_emulator import message_problems
from slack_emulator.slack_requests import text_value, typed
from tests.handlers.evidence_helpers import (
    assert_valid_message,
    assert_valid_view,
    entries,
    form_values,
    select_action,
)

QUICK = [
    ("decision", "decision", "We dropped the beta flag"),
    ("insight", "customer_insight", "They rebuild the report by hand every Friday"),
    ("problem", "problem_statement", "Admins can't find exported files"),
    ("proposal", "proposal", "Email a link when the export is ready"),
    ("experiment", "experiment", "Keyboard shortcuts raise power-user sessions"),
    ("teardown", "teardown", "Notion shipped a calendar view"),
    ("goal", "goal", "Reduce time to first value from 14 days to 3 days"),
    ("bullet", "resume_bullet", "Implemented microservices"),
]

FULL = {
    "customer_insight": {
        "source": "ticket",
        "heard": "Exports vanish after download, so admins rebuild the report by hand",
    },
    "problem_statement": {
        "problem": "Admins lose exported files",
        "evidence": "ticket 1\nticket 2\nquote from Dana",
    },
    "proposal": {
        "problem": "Exports get lost",
        "solution": "Email a link when ready",
        "metric": "Export tickets down from 40 to 10 a month",
        "timeline": "Two sprints",
        "response": "PM said yes for Q1",
        "learned": "Support had the numbers already",
    },
    "experiment": {
        "hypothesis": "Shortcuts raise engagement",
        "measured": "Session length",
        "result": "No change after 4 weeks",
        "learning": "Loading speed is the bottleneck",
        "outcome": "failed",
    },
    "teardown": {
        "competitor": "Notion",
        "shipped": "Calendar view",
        "why": "Closing the gap with calendar tools",
        "differently": "Fix database speed first",
    },
    "goal": {"goal": "Time to first value", "from": "14 days", "to": "3 days", "by_when": "Q3"},
    "resume_bullet": {
        "bullet": "Identified a 34% drop-off affecting mobile users, shipped a fix, "
        "drop-off fell to 21%"
    },
}


def channel_posts(slack) -> list:
    """Messages the bot posted anywhere but a DM."""
    return [
        c
        for c in slack.emulator.calls_to("chat.postMessage")
        if not str(c.params.get("channel", "")).startswith(("U", "D"))
    ]


@pytest.mark.parametrize(("word", "kind", "text"), QUICK)
def test_quick_log_of_every_kind_stores_and_confirms_privately(slack, word, kind, text):
    response = slack.command(f"log {word}: {text}")
    assert response.status == 200
    body = response.json()
    assert body.get("response_type", "ephemeral") == "ephemeral"
    assert message_problems(body["text"], body["blocks"]) == []
    [entry] = entries(slack)
    assert (entry.team_id, entry.user_id, entry.kind, entry.text) == ("T1", "U1", kind, text)
    assert entry.fields == {SPECS[kind].quick_field: text}
    # A one-line entry's confirmation carries its kind menu (this kind picked), its full
    # form and Delete.
    [menu] = [b for b in body["blocks"] if b.get("block_id") == f"quick_entry_{entry.id}"]
    select, edit, delete = menu["elements"]
    assert select["action_id"] == ids.ENTRY_KIND
    assert select["initial_option"]["value"] == f"{entry.id}:{kind}"
    assert (edit["action_id"], delete["action_id"]) == (ids.ENTRY_EDIT, ids.ENTRY_DELETE)
    assert "confirm" in delete
    assert channel_posts(slack) == []


def test_text_without_a_kind_word_stays_a_decision(slack):
    slack.command("log Problems with billing made us pick annual plans")
    [entry] = entries(slack)
    assert entry.kind == "decision"
    assert entry.text == "Problems with billing made us pick annual plans"


@pytest.mark.parametrize("kind", list(FULL))
def test_modal_of_every_kind_stores_the_structured_fields(slack, kind):
    word = next(w for w, k, _ in QUICK if k == kind)
    response = slack.command(f"log {word}", channel_id="C1")
    assert response.status == 200 and response.body == ""
    view = slack.opened_view()
    assert view["callback_id"] == ids.EVIDENCE_VIEW
    assert_valid_view(view)
    submitted = slack.sender.view_submission(view, form_values(kind, **FULL[kind]), user_id="U1")
    assert submitted.status == 200 and submitted.body == ""
    [entry] = entries(slack)
    assert entry.kind == kind
    assert entry.fields == FULL[kind]
    assert entry.text and "\n" not in entry.text
    ephemeral = slack.emulator.wait_for("chat.postEphemeral")[0]
    assert ephemeral.params["channel"] == "C1" and ephemeral.params["user"] == "U1"
    assert_valid_message(ephemeral.params)
    assert ":bulb:" not in str(ephemeral.params["blocks"])  # complete entries need no advice
    assert channel_posts(slack) == []


def test_log_decision_keyword_opens_the_journal(slack):
    slack.command("log decision")
    assert slack.opened_view()["callback_id"] == ids.JOURNAL_VIEW


def test_required_fields_are_reported_in_the_modal(slack):
    slack.command("log teardown")
    view = slack.opened_view()
    body = slack.sender.view_submission(view, form_values("teardown", why="x"), user_id="U1").json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {"ev_competitor", "ev_shipped"}
    assert entries(slack) == []


def test_problem_statement_with_thin_evidence_gets_coaching_but_is_saved(slack):
    slack.command("log problem", channel_id="C1")
    values = form_values("problem_statement", problem="Exports get lost", evidence="one ticket")
    slack.sender.view_submission(slack.opened_view(), values, user_id="U1")
    ephemeral = slack.emulator.wait_for("chat.postEphemeral")[0]
    shown = str(ephemeral.params["blocks"])
    assert "1 piece of evidence" in shown and "at least 3" in shown
    assert len(entries(slack)) == 1


def test_weak_resume_bullet_quick_log_is_coached(slack):
    body = slack.command("log bullet: Built responsive UI components for onboarding").json()
    shown = str(body["blocks"])
    assert "To make it stronger" in shown
    assert "problem you found" in shown and "the metric that moved" in shown
    assert ":star:" not in shown
    assert entries(slack)[0].kind == "resume_bullet"


def test_strong_resume_bullet_is_not_coached(slack):
    text = FULL["resume_bullet"]["bullet"]
    body = slack.command(f"log bullet: {text}").json()
    shown = str(body["blocks"])
    assert "To make it stronger" not in shown
    # Issue 16: a strong bullet is praised, quoting what each rule found in its words.
    assert ":star: *Strong: it has the problem you found" in shown
    assert "Identified a 34% drop-off affecting mobile users" in shown


def test_feature_goal_and_metricless_proposal_are_coached(slack):
    goal = slack.command("log goal: Build an onboarding wizard").json()
    assert "reads like a feature" in str(goal["blocks"])
    proposal = slack.command("log proposal: Retry failed exports").json()
    assert "no expected metric" in str(proposal["blocks"])
    experiment = slack.command("log experiment: Dark mode raises retention").json()
    assert "what you learned" in str(experiment["blocks"])


def test_proposal_with_rice_and_ice_shows_and_stores_the_scores(slack):
    slack.command("log proposal", channel_id="C1")
    values = form_values(
        "proposal",
        **FULL["proposal"],
        reach="2000",
        impact="2",
        confidence="60",
        effort="2",
        ice_impact="8",
        ice_confidence="5",
        ice_ease="3",
    )
    slack.sender.view_submission(slack.opened_view(), values, user_id="U1")
    ephemeral = slack.emulator.wait_for("chat.postEphemeral")[0]
    shown = str(ephemeral.params["blocks"])
    assert "RICE 1,200" in shown and "ICE 120" in shown
    [entry] = entries(slack)
    assert entry.fields["scores"] == {"RICE": 1200, "ICE": 120}
    assert entry.fields["reach"] == "2000"


@pytest.mark.parametrize(
    ("extra", "block"),
    [
        ({"reach": "many", "impact": "1", "confidence": "50", "effort": "1"}, "ev_reach"),
        ({"reach": "10", "impact": "1", "confidence": "50", "effort": "0"}, "ev_effort"),
        ({"reach": "10"}, "ev_impact"),
        ({"ice_impact": "12", "ice_confidence": "5", "ice_ease": "5"}, "ev_ice_impact"),
    ],
)
def test_invalid_score_numbers_are_field_errors(slack, extra, block):
    slack.command("log proposal")
    values = form_values("proposal", problem="p", solution="s", **extra)
    body = slack.sender.view_submission(slack.opened_view(), values, user_id="U1").json()
    assert body["response_action"] == "errors"
    assert list(body["errors"]) == [block]
    assert entries(slack) == []


def test_log_evidence_select_opens_the_chosen_form(slack):
    slack.command("log We kept the monthly plan")
    response = select_action(slack, ids.LOG_EVIDENCE_SELECT, "experiment")
    assert response.status == 200
    view = slack.opened_view()
    assert view["callback_id"] == ids.EVIDENCE_VIEW
    assert '"experiment"' in view["private_metadata"]
    assert_valid_view(view)


def test_entries_lists_the_last_ten_with_edit_and_delete(slack):
    for n in range(12):
        slack.command(f"log Picked option {n}")
    slack.command("log insight: Heard it from U2", user_id="U2")  # someone else's: never listed
    body = slack.command("entries").json()
    assert body.get("response_type", "ephemeral") == "ephemeral"
    assert message_problems(body["text"], body["blocks"]) == []
    shown = str(body["blocks"])
    assert "Picked option 11" in shown and "Picked option 2" in shown
    assert (
        "Picked option 1'" not in shown
        and "Picked option 0" not in shown
        and "Heard it" not in shown
    )
    buttons = [e for b in body["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert len(buttons) == 20
    assert all("confirm" in e for e in buttons if e["action_id"] == ids.ENTRY_DELETE)


def test_edit_a_private_entry_prefills_and_updates(slack):
    slack.command("log teardown: Notion shipped a calendar")
    [entry] = entries(slack)
    slack.sender.block_action(ids.ENTRY_EDIT, user_id="U1", value=str(entry.id), channel_id="C1")
    view = slack.opened_view()
    assert view["callback_id"] == ids.EVIDENCE_VIEW
    shipped = view["blocks"][2]["element"]
    assert shipped["initial_value"] == "Notion shipped a calendar"
    values = form_values("teardown", competitor="Notion", shipped="Calendar view", why="Gap")
    slack.sender.view_submission(view, values, user_id="U1")
    ephemeral = slack.emulator.wait_for("chat.postEphemeral")[0]
    assert "Updated" in ephemeral.params["text"]
    [edited] = entries(slack)
    assert edited.id == entry.id
    assert edited.fields == {"competitor": "Notion", "shipped": "Calendar view", "why": "Gap"}
    assert edited.text == "Notion — Calendar view"


def test_someone_elses_entry_cannot_be_edited_or_deleted(slack):
    slack.command("log A private decision", user_id="U2")
    [entry] = entries(slack)
    slack.sender.block_action(ids.ENTRY_EDIT, user_id="U1", value=str(entry.id), channel_id="C1")
    slack.sender.block_action(ids.ENTRY_DELETE, user_id="U1", value=str(entry.id), channel_id="C1")
    slack.emulator.wait_for("response_url", count=2)  # each click answered to the clicker
    assert slack.emulator.calls_to("views.open") == []
    assert len(entries(slack)) == 1


def test_delete_a_private_entry(slack):
    slack.command("log Drop this one")
    [entry] = entries(slack)
    clicked = slack.sender.block_action(
        ids.ENTRY_DELETE, user_id="U1", value=str(entry.id), channel_id="C1"
    )
    assert "Deleted" in clicked.shown()["text"]
    assert entries(slack) == []
    assert field_ids(SPECS["decision"].field("decision")) == ("ev_decision", "decision")


HOSTILE = "<!channel> <@U123> & <!here> <https://evil.example|click> &amp; <#C999> <!everyone>"


def test_hostile_text_of_every_kind_shows_as_text_in_replies_entries_and_status(slack):
    join(
        slack.services,
        team_id="T1",
        user_id="U1",
        program_id="product-engineer",
        background="backend",
        start_date=date(2026, 11, 9),
        timezone="Europe/Berlin",
    )
    rendered = []
    for word, _, _ in QUICK:
        body = slack.command(f"log {word}: {typed(HOSTILE)}").json()
        rendered.append(str(body["blocks"]) + body["text"])
    for command in ("entries", "status"):
        body = slack.command(command).json()
        assert message_problems(body["text"], body["blocks"]) == []
        rendered.append(str(body["blocks"]) + body["text"])
    for shown in rendered:
        for raw in ("<!channel>", "<!here>", "<!everyone>", "<@U123>", "<https://", "<#C999>"):
            assert raw not in shown
    assert "&lt;!channel&gt;" in rendered[0]
    assert all(e.text == HOSTILE for e in entries(slack))
    assert channel_posts(slack) == []


def unchanged_values(view: dict) -> dict:
    """The view's state when the member submits it without touching anything."""
    values = {}
    for block in view["blocks"]:
        element = block.get("element") or {}
        if block["type"] == "input" and element.get("type") == "plain_text_input":
            value = element.get("initial_value")
            values[block["block_id"]] = {element["action_id"]: text_value(value or "")}
    return values


def test_editing_an_entry_longer_than_an_input_allows_keeps_every_character(slack):
    """Found from outside: Edit cut long entries to 3,000 characters (a text input's limit);
    a 4,003-character entry saved unchanged lost a thousand of them. It is now edited in
    parts and joined back exactly."""
    words = " ".join(f"word{n}" for n in range(800))
    long_text = (words + "\nA second paragraph, kept as written.")[:4003]
    assert len(long_text) == 4003
    slack.command(f"log {long_text}")
    [entry] = entries(slack)
    assert entry.text == long_text
    slack.sender.block_action(ids.ENTRY_EDIT, user_id="U1", value=str(entry.id), channel_id="C1")
    view = slack.opened_view()
    assert_valid_view(view)
    labels = [b["label"]["text"] for b in view["blocks"] if b["type"] == "input"]
    assert any("(part 1 of 2)" in label for label in labels)
    assert any("(part 2 of 2)" in label for label in labels)
    slack.sender.view_submission(view, unchanged_values(view), user_id="U1")
    slack.emulator.wait_for("chat.postEphemeral")  # "Updated"
    [edited] = entries(slack)
    assert edited.fields["decision"] == long_text
    assert edited.text == long_text


@given(text=st.text(st.sampled_from("ab \n"), max_size=200), limit=st.integers(5, 40))
def test_split_for_inputs_is_lossless_and_fits(text, limit):
    parts, separators = split_for_inputs(text, limit)
    assert all(len(p) <= limit for p in parts)
    assert len(separators) == len(parts) - 1
    assert parts[0] + "".join(s + p for s, p in zip(separators, parts[1:], strict=True)) == text
