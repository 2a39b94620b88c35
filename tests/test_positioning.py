"""Weeks 11-12: the interview story bank, the manager brief, and the timeline after the last
week."""

from __future__ import annotations

from bot.blocks.horizon import timeline_blocks
from bot.positioning import manager_brief, sentence, story, story_bank
from slack_emulator import message_problems
from tests.test_portfolio import FakeEntry, portfolio
from tests.test_rules import GUIDE_EXPERIMENT, GUIDE_SHIP


def test_a_shipped_bet_becomes_a_complete_story():
    told = story(FakeEntry("ship", "x", GUIDE_SHIP))
    assert told.complete
    line = sentence(told)
    assert line.startswith("I noticed Team retention dropped 8% month-over-month")
    assert "; I decided An in-app prompt after the third session because Retention down 8%" in line
    assert line.endswith("within 48 hours; cohort retention up 11%.")


def test_a_failed_bet_is_a_story_too_and_missing_parts_are_named():
    assert story(FakeEntry("experiment", "x", GUIDE_EXPERIMENT)).complete
    waiting = story(FakeEntry("ship", "x", {**GUIDE_SHIP, "after": "", "before": "unknown"}))
    missing = {f.rule for f in waiting.findings if not f.met}
    assert missing == {"story.because", "story.result"}
    assert "the result was still to come" in sentence(waiting)
    entries = [
        FakeEntry("decision", "x", {"decision": "Not a bet"}),
        FakeEntry("experiment", "x", GUIDE_EXPERIMENT),
    ]
    assert len(story_bank(entries)) == 1


def test_manager_brief_has_what_was_done_the_proof_and_the_ask():
    entries = [FakeEntry("ship", "x", GUIDE_SHIP), FakeEntry("experiment", "x", GUIDE_EXPERIMENT)]
    brief = manager_brief(entries, ["Ship post with metrics"], weeks=12)
    assert brief.did == ["1 ship post", "1 experiment"]
    assert brief.proof == ["Ship post with metrics"]
    assert "the past 12 weeks" in brief.ask and "path" in brief.ask


def test_the_portfolio_ends_with_the_stories_and_the_brief(slack):
    from tests.handlers.test_ship import ship

    ship(slack, after=None, measuring=True)
    _, markdown = portfolio(slack)
    assert "## Interview stories\n" in markdown
    assert "- I noticed Admins lost exported files" in markdown
    assert "  - To add: Finish with the result" in markdown
    assert "## Career conversation brief" in markdown
    assert "**What I did:**\n- 1 ship post" in markdown
    assert "**The ask.** I have been choosing what to build" in markdown


def test_timeline_blocks_show_the_horizon_of_each_program(slack):
    for program_id in ("product-engineer", "engineer-to-pm"):
        program = slack.services.programs.get(program_id)
        blocks = timeline_blocks(program)
        text = str(blocks)
        assert f"Weeks 1-{program.weeks}, done" in text
        assert all(line[:40] in text for line in program.horizon)
        assert message_problems("What comes next", blocks) == []
