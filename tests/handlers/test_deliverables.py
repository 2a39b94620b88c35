"""Marking a deliverable done: button -> modal -> evidence stored -> prompt redrawn -> status."""

from __future__ import annotations

from sqlmodel import select

from bot.blocks import ids
from slack_emulator import message_problems, view_problems
from slack_emulator.slack_requests import text_value
from storage.models import DeliverableDone, Entry
from tests.handlers import prompts_helpers
from tests.handlers.prompts_helpers import (
    HOSTILE,
    assert_no_markup,
    button_value,
    deliver_prompt,
    message,
)


def enroll(slack, user_id: str = "U1") -> None:
    """Enrolled in week 3 (customer contact), with the problem statement its definition of
    done asks for already logged."""
    prompts_helpers.enroll(slack, user_id)
    log_problem(slack, user_id)


def log_problem(slack, user_id: str = "U1") -> None:
    """A problem statement that meets the rules: the problem and three pieces of evidence."""
    from bot.services.evidence import log_evidence

    log_evidence(
        slack.services, team_id="T1", user_id=user_id, kind="problem_statement",
        fields={
            "problem": "Admins lose a day a month to CSV exports that time out.",
            "evidence": "14 tickets about export timeouts last quarter\n"
            "3 admins on calls said they split exports by hand\n"
            "p95 export time is 11 minutes for accounts over 50,000 rows",
        },
    )  # fmt: skip


def evidence_block(view):
    [block] = [b for b in view["blocks"] if b.get("block_id") == ids.DELIVERABLE_EVIDENCE[0]]
    return block


def rows(slack) -> list[DeliverableDone]:
    with slack.services.db.session() as session:
        return list(session.exec(select(DeliverableDone).order_by(DeliverableDone.id)).all())


def evidence_values(text: str):
    block, action = ids.DELIVERABLE_EVIDENCE
    return {block: {action: text_value(text)}}


def click_mark_done(slack, channel: str, ts: str, user_id: str = "U1"):
    value = button_value(message(slack, channel, ts)["blocks"], ids.MARK_DELIVERABLE_DONE)
    response = slack.sender.block_action(
        ids.MARK_DELIVERABLE_DONE,
        user_id=user_id,
        value=value,
        block_id=ids.PROMPT_ACTIONS,
        channel_id=channel,
        message_ts=ts,
    )
    assert response.status == 200 and response.elapsed < 3.0
    return value


def submit_evidence(slack, text: str, *, fresh: bool = True):
    """Submit evidence in the next modal the app opens, or again in the same one."""
    view = slack.opened_view() if fresh or slack.last_view is None else slack.last_view
    response = slack.sender.view_submission(view, evidence_values(text), user_id="U1")
    assert response.status == 200
    return response


def test_mark_done_end_to_end(slack):
    enroll(slack)
    channel, ts = deliver_prompt(slack)
    click_mark_done(slack, channel, ts)
    view = slack.opened_view()
    assert view["callback_id"] == ids.DELIVERABLE_VIEW
    assert view_problems(view) == []
    assert "Problem statement with evidence" in str(view["blocks"])

    link = "https://docs.example.com/problem-statement"
    response = submit_evidence(slack, link, fresh=False)
    assert response.body == ""  # the modal closes

    [row] = rows(slack)
    assert (row.team_id, row.user_id, row.program_id, row.phase_key) == (
        "T1",
        "U1",
        "product-engineer",
        "customer-contact",
    )
    assert row.evidence == link
    assert row.done_at == slack.clock.now()

    update = slack.emulator.wait_for("chat.update")[0]
    assert update.ok and update.params["channel"] == channel and update.params["ts"] == ts
    redrawn = message(slack, channel, ts)
    assert "Deliverable done" in str(redrawn["blocks"])
    assert ids.MARK_DELIVERABLE_DONE not in str(redrawn["blocks"])
    assert message_problems(redrawn["text"], redrawn["blocks"]) == []

    confirmation = slack.emulator.wait_for("chat.postEphemeral")[0]
    assert confirmation.ok and confirmation.params["user"] == "U1"
    assert "Marked *Problem statement with evidence* done" in str(confirmation.params["blocks"])
    assert message_problems(confirmation.params["text"], confirmation.params["blocks"]) == []

    status = slack.command("status").json()
    assert "Problem statement with evidence: :white_check_mark: done" in str(status["blocks"])
    assert "1 of 6 deliverables done" in str(status["blocks"])
    assert message_problems(status["text"], status["blocks"]) == []


def test_status_before_marking_says_not_done(slack):
    enroll(slack)
    status = slack.command("status").json()
    assert "not marked done yet" in str(status["blocks"])
    assert "0 of 6 deliverables done" in str(status["blocks"])


def test_double_submit_stores_one_row(slack):
    enroll(slack)
    channel, ts = deliver_prompt(slack)
    click_mark_done(slack, channel, ts)
    submit_evidence(slack, "The doc")
    submit_evidence(slack, "The doc", fresh=False)
    assert len(rows(slack)) == 1
    confirmations = slack.emulator.wait_for("chat.postEphemeral", count=2)
    assert "already saved" in str(confirmations[1].params["blocks"])


def test_marking_again_updates_the_evidence_and_says_so(slack):
    enroll(slack)
    channel, ts = deliver_prompt(slack)
    click_mark_done(slack, channel, ts)
    submit_evidence(slack, "First draft")
    # A fresh prompt (e.g. next week's copy) still offers the button: mark again.
    channel2, ts2 = deliver_prompt(slack)
    assert "Deliverable done" in str(message(slack, channel2, ts2)["blocks"])
    slack.sender.block_action(
        ids.MARK_DELIVERABLE_DONE,
        user_id="U1",
        value="product-engineer:customer-contact:3",
        block_id=ids.PROMPT_ACTIONS,
        channel_id=channel,
        message_ts=ts,
    )
    view = slack.emulator.wait_for("views.open", count=2)[1].response["view"]
    field = evidence_block(view)["element"]
    assert field["initial_value"] == "First draft"
    assert "replaces the evidence" in str(view["blocks"])
    slack.sender.view_submission(view, evidence_values("Final version, reviewed"), user_id="U1")
    [row] = rows(slack)
    assert row.evidence == "Final version, reviewed"
    second = slack.emulator.wait_for("chat.postEphemeral", count=2)[1]
    assert "updated its evidence" in str(second.params["blocks"])


def test_blank_or_too_long_evidence_is_refused_in_the_modal(slack):
    enroll(slack)
    channel, ts = deliver_prompt(slack)
    click_mark_done(slack, channel, ts)
    for bad in ("   ", "x" * 3001):
        body = submit_evidence(slack, bad, fresh=bad == "   ").json()
        assert body["response_action"] == "errors"
        assert ids.DELIVERABLE_EVIDENCE[0] in body["errors"]
    assert rows(slack) == []


def test_someone_not_in_the_program_is_told_not_shown_a_modal(slack):
    enroll(slack)
    channel, ts = deliver_prompt(slack)
    click_mark_done(slack, channel, ts, user_id="U2")
    # The refusal goes back through the click's response_url: shown to U2 alone.
    [reply] = slack.emulator.wait_for("response_url")
    assert reply.ok
    assert "Only participants" in reply.params["text"]
    [shown] = slack.emulator.ephemerals(channel)
    assert shown["recipient"] == "U2"
    assert slack.emulator.calls_to("views.open") == []
    assert rows(slack) == []


def test_hostile_evidence_is_stored_raw_and_escaped_in_every_reply(slack):
    enroll(slack)
    channel, ts = deliver_prompt(slack)
    click_mark_done(slack, channel, ts)
    submit_evidence(slack, HOSTILE)
    [row] = rows(slack)
    assert row.evidence == HOSTILE
    confirmation = slack.emulator.wait_for("chat.postEphemeral")[0]
    shown = str(confirmation.params["blocks"]) + confirmation.params["text"]
    assert_no_markup(shown)
    assert "&lt;!channel&gt;" in shown
    slack.emulator.wait_for("chat.update")
    # Marking again shows the raw evidence only inside the plain-text input (not mrkdwn).
    click_mark_done_again = slack.sender.block_action(
        ids.MARK_DELIVERABLE_DONE,
        user_id="U1",
        value="product-engineer:customer-contact:3",
        channel_id=channel,
        message_ts=ts,
    )
    assert click_mark_done_again.status == 200
    view = slack.emulator.wait_for("views.open", count=2)[1].response["view"]
    assert evidence_block(view)["element"]["initial_value"] == HOSTILE
    assert_no_markup(str([b for b in view["blocks"] if b is not evidence_block(view)]))
    slack.sender.view_submission(view, evidence_values(HOSTILE + " v2"), user_id="U1")
    second = slack.emulator.wait_for("chat.postEphemeral", count=2)[1]
    assert_no_markup(str(second.params["blocks"]) + second.params["text"])


def test_participant_past_the_last_week_gets_the_completion_message(slack):
    from datetime import timedelta

    from bot.services.prompt_state import prompt_state
    from handlers.prompt_messages import render_state

    enroll(slack)
    channel, ts = deliver_prompt(slack)
    click_mark_done(slack, channel, ts)
    submit_evidence(slack, "The doc")
    slack.clock.advance(timedelta(weeks=10))  # week 13 of a 12-week program
    program = slack.services.programs["product-engineer"]

    state = prompt_state(slack.services, team_id="T1", user_id="U1")
    assert state is not None and state.week == 13
    text, blocks = render_state(state)
    assert text.startswith("You finished")
    assert program.horizon[0][:40] in str(blocks)
    assert message_problems(text, blocks) == []

    status = slack.command("status").json()
    assert status["text"].startswith("You finished")
    assert program.horizon[0][:40] in str(status["blocks"])
    assert "1 of 6 deliverables done" in str(status["blocks"])
    assert message_problems(status["text"], status["blocks"]) == []


def test_mark_done_shows_what_is_missing_and_takes_it_only_when_told(slack_transport):
    slack = slack_transport
    prompts_helpers.enroll(slack)  # week 3: the phase asks for one problem statement
    channel, ts = deliver_prompt(slack)
    click_mark_done(slack, channel, ts)
    view = slack.opened_view()
    assert view_problems(view) == []
    shown = str(view["blocks"])
    assert ":hourglass_flowing_sand: 0 of 1 problem statement" in shown
    assert "Not met yet: 1 more problem statement. You can finish it first" in shown

    # Submitted as it is: refused, with what is missing beside the "anyway" box.
    body = submit_evidence(slack, "My notes", fresh=False).json()
    block, _ = ids.DELIVERABLE_ANYWAY
    assert body["response_action"] == "errors"
    assert body["errors"][block].startswith("Still missing: 1 more problem statement.")
    assert rows(slack) == []

    # Ticked "anyway": stored, with what was missing, and said so.
    values = evidence_values("My notes")
    values[block] = {ids.DELIVERABLE_ANYWAY[1]: {"type": "checkboxes", "selected_options": [
        {"text": {"type": "plain_text", "text": "x"}, "value": "yes"}]}}  # fmt: skip
    response = slack.sender.view_submission(view, values, user_id="U1")
    assert response.status == 200 and response.body == ""
    [row] = rows(slack)
    assert row.missing == {"problem_statement": 1}
    confirmation = slack.emulator.wait_for("chat.postEphemeral")[0].params
    assert "with 1 more problem statement still to log" in confirmation["text"]
    assert message_problems(confirmation["text"], confirmation["blocks"]) == []


def test_mark_done_with_the_definition_met_asks_nothing_more(slack):
    enroll(slack)
    channel, ts = deliver_prompt(slack)
    click_mark_done(slack, channel, ts)
    view = slack.opened_view()
    shown = str(view["blocks"])
    assert ":white_check_mark: 1 of 1 problem statement" in shown
    assert "Not met yet" not in shown
    assert ids.DELIVERABLE_ANYWAY[0] not in shown
    submit_evidence(slack, "The doc", fresh=False)
    [row] = rows(slack)
    assert row.missing is None


def test_an_entry_deleted_after_the_form_opened_is_still_counted_honestly(slack):
    enroll(slack)
    channel, ts = deliver_prompt(slack)
    click_mark_done(slack, channel, ts)
    slack.opened_view()
    with slack.services.db.session() as session:
        for entry in session.exec(select(Entry)).all():
            session.delete(entry)
    body = submit_evidence(slack, "The doc", fresh=False).json()
    assert "Still missing: 1 more problem statement" in body["errors"][ids.DELIVERABLE_EVIDENCE[0]]
    assert rows(slack) == []


def test_mark_done_names_the_criteria_the_entries_dont_meet_yet(slack):
    """The same rules as the feedback and the portfolio: a one-line problem statement is
    logged, but without evidence the definition is not met, and the form says what's
    missing in the rules' words."""
    prompts_helpers.enroll(slack)
    slack.command("log problem: Admins lose a day a month to CSV exports")
    channel, ts = deliver_prompt(slack)
    click_mark_done(slack, channel, ts)
    view = slack.opened_view()
    shown = str(view["blocks"])
    assert ":white_check_mark: 1 of 1 problem statement" in shown
    assert "What the entries don't show yet" in shown
    assert "Not met yet: 1 criterion to meet" in shown
    body = submit_evidence(slack, "My notes", fresh=False).json()
    assert body["errors"][ids.DELIVERABLE_ANYWAY[0]].startswith("Still missing: 1 criterion")
    assert rows(slack) == []
