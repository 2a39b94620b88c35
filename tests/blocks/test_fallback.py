"""A message's top-level text (notifications, screen readers) reads the whole message.

Found from outside: many messages' `text` was a few words for a long message ("Week 3 of
12: First customer contact" for a prompt whose goal, activities and deliverable were only
in its blocks). Every message that leaves now carries a plain reading of its blocks.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.blocks.common import context, header, section
from bot.blocks.fallback import MAX_FALLBACK, fallback_text, readable
from bot.blocks.prompt import weekly_prompt
from bot.blocks.reminders import nudge_message
from bot.text import escape_mrkdwn


def test_the_weekly_prompts_text_holds_its_goal_activities_and_deliverable(programs):
    program = programs["product-engineer"]
    summary, blocks = weekly_prompt(
        program, 3, background="backend", logged={}, deliverable_done=False
    )
    text = fallback_text(summary, blocks)
    phase = program.phase_for_week(3)
    assert text.startswith(readable(summary))
    assert readable(escape_mrkdwn(phase.goal)) in text
    assert all(readable(escape_mrkdwn(a))[:60] in text for a in phase.activities[:3])
    assert phase.deliverable.title in text
    assert len(text) <= MAX_FALLBACK


def test_a_nudge_reads_whole_too(programs):
    program = programs["engineer-to-pm"]
    phase = program.phase_for_week(2)
    summary, blocks = nudge_message(program, phase)
    assert phase.deliverable.title in fallback_text(summary, blocks)


def test_mrkdwn_is_read_as_words_and_never_gains_markup():
    blocks = [
        header("Week 3"),
        section(":wave: *Bold* and _italic_ `code`, <https://example.com|a link>, <@U123>"),
        context("Due <!date^1700000000^{date_short_pretty}|Monday 9 March>", "&lt;b&gt; &amp;"),
    ]
    text = fallback_text("Short summary", blocks)
    assert text.splitlines() == [
        "Short summary",
        "Week 3",
        "Bold and italic code, a link, <@U123>",
        "Due Monday 9 March &lt;b&gt; &amp;",
    ]


@given(st.lists(st.text(max_size=400), max_size=40))
def test_escaped_text_stays_escaped_and_long_messages_are_cut_under_slacks_guidance(pieces):
    blocks = [section(escape_mrkdwn(p)) for p in pieces]
    text = fallback_text("Summary", blocks)
    assert len(text) <= MAX_FALLBACK
    assert "<" not in text.replace("&lt;", "")
