"""The portfolio: artifacts, gaps, the Markdown file, and its delivery."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.portfolio import INSIGHTS_FOR_SYNTHESIS, build_artifacts, render_markdown
from bot.services.journal import log_entry
from slack_emulator import message_problems

WHEN = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


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


def test_ship_post_without_numbers_is_in_progress_with_numbers_strong():
    vague = FakeEntry(
        "ship", "Shipped the export fix", {"metric_before": "", "metric_after": "soon"}
    )
    artifact = by_key(build_artifacts([vague]))["ship_post"]
    assert not artifact.complete
    assert "before and after numbers" in artifact.gaps[0]
    measured = FakeEntry(
        "ship", "Export fix", {"metric_before": "34% drop-off", "metric_after": "21%"}
    )
    assert by_key(build_artifacts([measured]))["ship_post"].complete


def test_only_failed_experiments_count_as_the_failure_write_up():
    worked = FakeEntry("experiment", "Shortcuts", {"outcome": "worked"})
    failed = FakeEntry("experiment", "Shortcuts v2", {"outcome": "failed", "learning": "speed"})
    assert not by_key(build_artifacts([worked]))["failed_experiment"].entries
    artifact = by_key(build_artifacts([worked, failed]))["failed_experiment"]
    assert artifact.entries == [failed] and artifact.complete


def test_synthesis_needs_ten_insights_and_discovery_needs_a_proposal():
    insights = [FakeEntry("customer_insight", f"call {i}") for i in range(INSIGHTS_FOR_SYNTHESIS)]
    problem = FakeEntry("problem_statement", "Admins can't find exports")
    artifacts = by_key(build_artifacts([*insights, problem]))
    assert artifacts["insight_synthesis"].complete
    assert "proposal" in artifacts["problem_discovery"].gaps[0]
    proposal = FakeEntry("proposal", "Add an export inbox")
    assert by_key(build_artifacts([*insights, problem, proposal]))["problem_discovery"].complete


def test_markdown_holds_the_words_fields_and_gaps_without_breaking_structure():
    entries = [
        FakeEntry(
            "teardown",
            "# Calendar view at a rival",
            {"why": "closing a gap", "differently": "fix load times first"},
        ),
        FakeEntry("resume_bullet", "Identified checkout drop-off affecting 34% of mobile users"),
    ]
    text = render_markdown(
        name="Alex",
        program_title="Product engineer",
        artifacts=build_artifacts(entries),
        generated=WHEN,
    )
    assert text.startswith("# Transition portfolio: Alex\n")
    assert "2 of 6 artifacts are strong" in text
    assert "## Competitive teardown (strong)" in text
    assert "- **\\# Calendar view at a rival**" in text  # user text can't become a heading
    assert "  - Differently: fix load times first" in text
    assert "## Failed experiment write-up (missing)" in text
    assert "> To do: Log an experiment that did not work" in text


def test_portfolio_command_summarises_and_uploads_the_file(slack):
    for kind, text in [
        ("teardown", "Rival shipped calendar view"),
        ("resume_bullet", "Cut onboarding time from 14 to 3 days for 2,000 admins"),
        ("decision", "Private journal line"),
    ]:
        log_entry(slack.services, team_id="T1", user_id="U1", kind=kind, text=text)
    log_entry(slack.services, team_id="T1", user_id="U2", kind="teardown", text="Not mine")
    response = slack.command("portfolio")
    body = response.json()
    assert "2 of 6 artifacts strong" in body["text"]
    assert message_problems(body["text"], body["blocks"]) == []
    complete = slack.emulator.wait_for("files.completeUploadExternal")[0]
    assert complete.params["channel_id"] == slack.emulator.dm_channel("T1", "U1")
    [file] = [f for f in slack.emulator.files.values() if f.get("completed")]
    markdown = file["content"].decode()
    assert "Rival shipped calendar view" in markdown
    assert "Cut onboarding time from 14 to 3 days" in markdown
    assert "Not mine" not in markdown
    assert file["filename"].endswith(".md")
