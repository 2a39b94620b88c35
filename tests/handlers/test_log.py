"""`/transition log`: quick entries, the journal modal, big and hostile text, Slack errors."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from bot.blocks import ids
from bot.services.enrollment import join
from slack_emulator import message_problems
from slack_emulator.slack_requests import text_value, typed
from storage.models import Entry

HOSTILE = "<!channel> ping <@U123> & <!here> <https://evil.example|click> &amp; <#C999>"


def entries(slack) -> list[Entry]:
    with slack.services.db.session() as session:
        return list(session.exec(select(Entry).order_by(Entry.id)).all())


def enroll(slack, user_id: str = "U1", start: date = date(2026, 11, 9)) -> None:
    join(
        slack.services,
        team_id="T1",
        user_id=user_id,
        program_id="product-engineer",
        background="backend",
        start_date=start,
        timezone="Europe/Berlin",
    )


def journal_values(decision: str, **extra: str):
    values = {ids.JOURNAL_DECISION[0]: {ids.JOURNAL_DECISION[1]: text_value(decision)}}
    for key, block in (
        ("who", ids.JOURNAL_WHO),
        ("data", ids.JOURNAL_DATA),
        ("alternative", ids.JOURNAL_ALTERNATIVE),
    ):
        if key in extra:
            values[block[0]] = {block[1]: text_value(extra[key])}
    return values


def assert_no_markup(text: str) -> None:
    for raw in ("<!channel>", "<!here>", "<@U123>", "<https://", "<#C999>"):
        assert raw not in text


def test_quick_log_stores_the_entry_and_confirms_ephemerally(slack):
    enroll(slack)
    text = "I noticed our PM picked the annual plan without usage data"
    response = slack.command(f"log {text}")
    assert response.status == 200
    assert response.elapsed < 3.0  # Slack's ack deadline
    body = response.json()
    assert body.get("response_type", "ephemeral") == "ephemeral"
    assert "Saved" in body["text"]
    assert text in str(body["blocks"])
    assert message_problems(body["text"], body["blocks"]) == []

    [entry] = entries(slack)
    assert (entry.team_id, entry.user_id, entry.kind) == ("T1", "U1", "decision")
    assert entry.text == text
    assert entry.program_week == 3  # started Monday 9 November, now Monday 23 November
    assert entry.created_at == slack.clock.now()
    # The confirmation came back in the HTTP response: no Web API call needed.
    assert slack.emulator.calls_to("chat.postEphemeral") == []


def test_log_before_joining_still_stores_and_suggests_joining(slack):
    response = slack.command("log We shipped dark mode because the CEO asked")
    assert "/transition join" in str(response.json()["blocks"])
    [entry] = entries(slack)
    assert entry.program_week is None


def test_log_with_no_text_opens_the_journal_modal(slack):
    response = slack.command("log", channel_id="C1")
    assert response.status == 200 and response.body == ""
    view = slack.opened_view()
    assert view["callback_id"] == ids.JOURNAL_VIEW
    assert entries(slack) == []


def test_journal_modal_submission_stores_all_fields_and_confirms(slack):
    enroll(slack)
    slack.command("log", channel_id="C1")
    view = slack.opened_view()
    response = slack.sender.view_submission(
        view,
        journal_values(
            "Annual plan ships first",
            who="Dana (PM)",
            data="Two sales calls",
            alternative="Monthly plan discount",
        ),
        user_id="U1",
    )
    assert response.status == 200 and response.body == ""
    [entry] = entries(slack)
    assert entry.kind == "decision"
    assert entry.text == "Annual plan ships first"
    assert entry.fields == {
        "decision": "Annual plan ships first",
        "who": "Dana (PM)",
        "data": "Two sales calls",
        "alternative": "Monthly plan discount",
    }
    assert entry.program_week == 3
    ephemeral = slack.emulator.wait_for("chat.postEphemeral")[0]
    assert ephemeral.params["channel"] == "C1" and ephemeral.params["user"] == "U1"
    assert ephemeral.ok


def test_blank_decision_in_modal_is_refused_in_place(slack):
    slack.command("log")
    view = slack.opened_view()
    response = slack.sender.view_submission(view, journal_values("   "), user_id="U1")
    body = response.json()
    assert body["response_action"] == "errors"
    assert ids.JOURNAL_DECISION[0] in body["errors"]
    assert entries(slack) == []


def test_double_submitted_modal_stores_once(slack):
    slack.command("log")
    view = slack.opened_view()
    values = journal_values("Kill the beta flag")
    first = slack.sender.view_submission(view, values, user_id="U1")
    second = slack.sender.view_submission(view, values, user_id="U1")
    assert first.status == second.status == 200
    assert len(entries(slack)) == 1


def test_ten_thousand_characters_stored_whole_and_reply_within_limits(slack):
    text = ("Long context about the pricing decision. " * 300)[:10_000].strip()
    response = slack.command(f"log {text}")
    body = response.json()
    assert message_problems(body["text"], body["blocks"]) == []
    assert len(body["text"]) < 4000
    assert "characters are stored" in str(body["blocks"])
    [entry] = entries(slack)
    assert entry.text == text


def test_hostile_text_is_stored_raw_and_shown_as_text(slack):
    response = slack.command(f"log {typed(HOSTILE)}")
    body = response.json()
    rendered = str(body["blocks"]) + body["text"]
    assert_no_markup(rendered)
    assert "&lt;!channel&gt;" in rendered
    assert "&amp;amp;" in rendered  # an escaped entity the user typed stays visible as typed
    [entry] = entries(slack)
    assert entry.text == HOSTILE


def test_hostile_text_in_modal_is_escaped_in_the_confirmation(slack):
    slack.command("log", channel_id="C1")
    view = slack.opened_view()
    slack.sender.view_submission(view, journal_values(HOSTILE, who=HOSTILE), user_id="U1")
    ephemeral = slack.emulator.wait_for("chat.postEphemeral")[0]
    assert_no_markup(str(ephemeral.params["blocks"]) + ephemeral.params["text"])
    assert entries(slack)[0].fields["who"] == HOSTILE


def test_slack_error_while_confirming_keeps_the_entry_and_logs(slack, log_watcher):
    slack.emulator.fail("chat.postEphemeral", "channel_not_found", times=1)
    slack.emulator.fail("chat.postMessage", "account_inactive", times=1)
    slack.command("log", channel_id="C1")
    view = slack.opened_view()
    response = slack.sender.view_submission(view, journal_values("Keep it"), user_id="U1")
    assert response.status == 200
    # The reply runs after the ack; both routes fail and the failure is logged with reasons.
    assert log_watcher.wait_for("could not reply to U1")
    messages = log_watcher.messages()
    assert any("channel_not_found" in m for m in messages)
    assert any("account_inactive" in m for m in messages)
    [entry] = entries(slack)
    assert entry.text == "Keep it"


def test_rate_limited_confirmation_is_retried_not_dropped(slack):
    slack.emulator.rate_limit("chat.postEphemeral", retry_after=1, times=1)
    slack.command("log", channel_id="C1")
    view = slack.opened_view()
    slack.sender.view_submission(view, journal_values("Retry me"), user_id="U1")
    calls = slack.emulator.wait_for("chat.postEphemeral", count=2, timeout=10)
    assert calls[0].status == 429 and calls[1].ok
    assert len(entries(slack)) == 1


def test_database_failure_gets_a_friendly_answer_and_a_logged_error(slack, log_watcher):
    from sqlalchemy import text

    with slack.services.db.engine.begin() as connection:
        connection.execute(text("DROP TABLE entry"))
    response = slack.command("log This cannot be stored")
    assert response.status == 200
    body = response.json()
    assert "didn't go through" in body["text"]
    assert "Nothing from this command was saved" in body["text"]
    assert log_watcher.wait_for("command /transition log team=T1 user=U1 failed")


def test_mentions_slack_formatted_in_a_command_become_plain_words(slack):
    """Slack turns picked mentions and links into markup; we store and show the words."""
    text = "<@U2|sam> told <!here> about <https://x.example/doc|the doc> &amp; <#C1|transition>"
    body = slack.command(f"log {text}").json()
    [entry] = entries(slack)
    assert entry.text == "@sam told @here about the doc (https://x.example/doc) & #transition"
    rendered = str(body["blocks"])
    assert_no_markup(rendered)
    assert "<@U2" not in rendered and "<!here>" not in rendered
    assert "@sam told @here about the doc (https://x.example/doc) &amp; #transition" in rendered


def test_nul_characters_are_dropped_not_a_database_error(slack, log_watcher):
    """Found by the fuzzer: PostgreSQL refuses NUL in text, so `log a\\x00b` was a 500."""
    quick = slack.command("log before\x00after")
    assert quick.status == 200 and "Saved" in quick.json()["text"]
    slack.command("log")
    view = slack.opened_view()
    values = journal_values("modal\x00text", who="P\x00M")
    submitted = slack.sender.view_submission(view, values, user_id="U1")
    assert submitted.status == 200 and submitted.body == ""
    stored = entries(slack)
    assert [e.text for e in stored] == ["beforeafter", "modaltext"]
    assert stored[1].fields["who"] == "PM"
    assert not any(m.endswith(" failed") for m in log_watcher.messages())


def test_a_trigger_id_two_members_share_never_shows_one_the_others_entry(slack):
    """Found from outside: the replay key was (team, trigger id). `scripts/run send` reused a
    trigger id, Sam was answered "Already saved" with Alex's private entry, and nothing of
    Sam's was stored. A replay is now recognised per author."""
    shared = slack.emulator.issue_trigger("T1", "U1")
    alex = slack.command(
        "log bullet: Alex's private resume bullet", user_id="U1", trigger_id=shared
    )
    sam = slack.command("log Sam kept the monthly plan", user_id="U2", trigger_id=shared)
    assert alex.status == sam.status == 200
    assert "Alex" not in str(sam.json()) and "Saved" in sam.json()["text"]
    stored = {(e.user_id, e.text) for e in entries(slack)}
    assert ("U2", "Sam kept the monthly plan") in stored
    assert len(stored) == 2
    # The same member's replay of the same request is still stored once.
    again = slack.command("log Sam kept the monthly plan", user_id="U2", trigger_id=shared)
    assert "Already saved" in again.json()["text"]
    assert len(entries(slack)) == 2


def test_a_replay_is_answered_about_the_entry_stored_not_the_repeat(slack):
    """Found from outside: a repeat of a trigger id that asked for another kind was answered
    "Already saved as a decision" although a problem statement was stored, and the coaching
    was about the repeat's words."""
    trigger = slack.emulator.issue_trigger("T1", "U1")
    first = slack.command("log problem: Exports are slow for big teams", trigger_id=trigger)
    assert "problem statement" in first.json()["text"]
    again = slack.command("log We chose annual billing", trigger_id=trigger)
    body = again.json()
    assert "Already saved as a problem statement" in body["text"]
    assert "decision" not in body["text"]
    assert "Exports are slow for big teams" in str(body["blocks"])
    assert "annual billing" not in str(body["blocks"])
    assert len(entries(slack)) == 1
