"""The portfolio: graded by the same rules as the feedback, written as stories, delivered.

The scenario tests drive the app as Slack does: a member logs through `/transition log`, the
log modals and `/transition ship`, then runs `/transition portfolio`; the file is read back
from the emulator."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from bot.narrative import render_portfolio
from bot.portfolio import INSIGHTS_FOR_SYNTHESIS, build_artifacts
from slack_emulator import message_problems
from tests.handlers.evidence_helpers import form_values
from tests.handlers.prompts_helpers import enroll
from tests.handlers.test_ship import ship
from tests.test_rules import (
    GUIDE_EXPERIMENT,
    GUIDE_PROBLEM,
    GUIDE_SHIP,
    GUIDE_STRONG_BULLETS,
    GUIDE_TEARDOWN,
    GUIDE_WEAK_BULLETS,
    PARAPHRASED_STRONG_INSIGHTS,
)

PYTHON_VALUE = re.compile(r"[{}]|\bTrue\b|\bFalse\b|\bNone\b|\['")
WHEN = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)  # already 24 Nov in Berlin


@dataclass
class FakeEntry:
    kind: str
    text: str
    fields: dict[str, Any] = field(default_factory=dict)
    created_at: datetime = WHEN
    program_week: int | None = 3


def by_key(artifacts):
    return {a.key: a for a in artifacts}


def test_no_entries_names_every_gap():
    artifacts = by_key(build_artifacts([]))
    assert set(artifacts) == {
        "problem_discovery",
        "ship_post",
        "failed_experiment",
        "insight_synthesis",
        "teardown",
        "resume_bullets",
    }
    assert all(not a.complete and a.gaps for a in artifacts.values())
    assert "0 of 10 customer insights" in artifacts["insight_synthesis"].gaps[0]
    assert "decision_case" in by_key(build_artifacts([], program_id="engineer-to-pm"))


def test_ship_post_needs_the_rules_numbers_not_any_digit():
    vague = FakeEntry("ship", "Export fix", {**GUIDE_SHIP, "after": "", "measuring": True})
    artifact = by_key(build_artifacts([vague]))["ship_post"]
    assert not artifact.complete
    assert any("number after" in gap for gap in artifact.gaps)
    assert by_key(build_artifacts([FakeEntry("ship", "Fix", GUIDE_SHIP)]))["ship_post"].complete


def test_only_failed_experiments_that_meet_the_rules_are_the_failure_write_up():
    worked = FakeEntry("experiment", "Shortcuts", {**GUIDE_EXPERIMENT, "outcome": "worked"})
    thin = FakeEntry("experiment", "Shortcuts v2", {"outcome": "failed", "learning": "speed"})
    assert not by_key(build_artifacts([worked]))["failed_experiment"].entries
    assert not by_key(build_artifacts([worked, thin]))["failed_experiment"].complete
    failed = FakeEntry("experiment", "Shortcuts v3", GUIDE_EXPERIMENT)
    assert by_key(build_artifacts([worked, thin, failed]))["failed_experiment"].complete


def test_synthesis_needs_ten_insights_that_name_the_problem():
    requests = [
        FakeEntry("customer_insight", "x", {"source": "call", "heard": "I want an export button"})
        for _ in range(INSIGHTS_FOR_SYNTHESIS)
    ]
    assert not by_key(build_artifacts(requests))["insight_synthesis"].complete
    problems = [
        FakeEntry("customer_insight", "x", {"source": "call", "heard": h})
        for h in PARAPHRASED_STRONG_INSIGHTS * (INSIGHTS_FOR_SYNTHESIS // 2)
    ]
    assert by_key(build_artifacts(problems))["insight_synthesis"].complete


def test_markdown_is_narrative_one_item_per_line_local_dates_and_inert_user_text():
    entries = [
        FakeEntry("problem_statement", "x", GUIDE_PROBLEM),
        FakeEntry(
            "proposal",
            "x",
            {
                "problem": "Mobile checkout drop-off",
                "solution": "# A simpler country picker",
                "metric": "Drop-off from 34% to 20%",
                "scores": {"RICE": 1200.0, "ICE": 336.0},
            },
        ),
        FakeEntry("ship", "x", {**GUIDE_SHIP, "after": "", "measuring": True}),
    ]
    text = render_portfolio(
        name="Alex",
        program_title="Product engineer",
        artifacts=build_artifacts(entries),
        generated=WHEN,
        timezone="Europe/Berlin",
    )
    assert text.startswith("# Transition portfolio: Alex\n")
    assert "compiled 24 November 2026" in text and "Logged 24 Nov 2026, week 3" in text
    # Issue 16: no Python values.
    assert not PYTHON_VALUE.search(text)
    assert "**How it scored:** RICE 1,200, ICE 336." in text
    assert "**After.** Not measured yet: the one-week follow-up asks for it." in text
    # Issue 16: evidence one item per line, under the problem it backs.
    assert (
        "**The evidence:**\n- 34% drop-off at the address step\n"
        "- Interviewed 5 users who abandoned\n" in text
    )
    assert "**What I proposed.** \\# A simpler country picker" in text
    assert "## Ship post with metrics (in progress)" in text
    assert "- Add the number after the release when the follow-up asks in a week." in text


def portfolio(slack) -> tuple[dict[str, Any], str]:
    """Run /transition portfolio; the summary and the member's canvas as Slack holds it."""
    body = slack.command("portfolio").json()
    assert message_problems(body["text"], body["blocks"]) == []
    slack.emulator.wait_for("canvases.access.set", predicate=lambda c: c.ok)
    [canvas] = slack.emulator.canvases.values()
    return body, canvas["markdown"]


def summary_line(body: dict[str, Any], title: str) -> str:
    text = body["blocks"][1]["text"]["text"]
    [line] = [ln for ln in text.splitlines() if f"*{title}*" in ln]
    return line


def log_form(slack, kind: str, **fields: Any) -> None:
    word = {"problem_statement": "problem", "resume_bullet": "bullet"}.get(kind, kind)
    slack.command(f"log {word}", channel_id="C1")
    view = slack.opened_view()
    slack.sender.view_submission(view, form_values(kind, **fields), user_id="U1")
    slack.emulator.wait_for("chat.postEphemeral", predicate=lambda c: c.ok)
    slack.emulator.calls.clear()


def test_member_who_cut_corners_is_told_exactly_what_is_missing(slack):
    """Issue 16: a before-number with "still measuring" and the guide's four weak bullets
    were reported as "✅ strong" although the feedback had flagged the bullets."""
    enroll(slack, start=date(2026, 9, 7))
    ship(slack, after=None, measuring=True)
    for bullet in GUIDE_WEAK_BULLETS[:4]:
        reply = slack.command(f"log bullet: {bullet}").json()
        assert "To make it stronger" in str(reply["blocks"])  # the feedback flags each one
    body, markdown = portfolio(slack)
    assert ":white_check_mark:" not in summary_line(body, "Ship post with metrics")
    assert ":white_check_mark:" not in summary_line(body, "Resume bullets")
    assert "0 of 6 artifacts strong" in body["text"]
    assert "## Ship post with metrics (in progress)" in markdown
    assert "## Resume bullets (in progress)" in markdown
    assert "0 of 3 resume bullets are strong" in markdown
    assert "**To rework:**\n- " in markdown
    for bullet in GUIDE_WEAK_BULLETS[:4]:
        assert f"\n- {bullet}  \n  → Open with the problem you found" in markdown
    assert not PYTHON_VALUE.search(markdown)


def test_member_who_did_everything_well_reads_as_strong(slack):
    enroll(slack, start=date(2026, 9, 7))
    log_form(slack, "problem_statement", **GUIDE_PROBLEM)
    log_form(
        slack,
        "proposal",
        problem="Mobile buyers abandon checkout at the address step",
        solution="Redesign the country selector, scoped to 3 days",
        metric="Address-step drop-off from 34% to 20%",
        timeline="Design in week 1, ship in week 2",
        response="PM said yes for the next sprint",
        learned="A tight scope got a quick yes",
        reach="2000",
        impact="2",
        confidence="60",
        effort="2",
    )
    ship(slack, **GUIDE_SHIP)
    log_form(slack, "experiment", **GUIDE_EXPERIMENT)
    log_form(slack, "teardown", **GUIDE_TEARDOWN)
    for heard in PARAPHRASED_STRONG_INSIGHTS * 5:
        log_form(slack, "customer_insight", source="call", heard=heard)
    for bullet in GUIDE_STRONG_BULLETS[:3]:
        slack.command(f"log bullet: {bullet}")
    body, markdown = portfolio(slack)
    assert "6 of 6 artifacts strong" in body["text"]
    assert "Still missing" not in markdown and "To rework" not in markdown
    assert "**How it scored:** RICE 1,200." in markdown
    assert "**After.** 23% of prompted users invited a teammate within 48 hours" in markdown
    assert re.search(r"\n- Framed growth problem, evaluated solution options", markdown)
    assert not PYTHON_VALUE.search(markdown)
