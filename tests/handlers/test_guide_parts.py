"""Guide parts the product now coaches: the skills that carry over (beside the ratings), the
options when the company resists, interview advice, and how realistic the move to PM is for
each background."""

from __future__ import annotations

import pytest

from bot.kinds import BACKGROUNDS
from bot.skills import SKILLS, TRANSFERS
from slack_emulator import message_problems, view_problems
from tests.handlers.test_summary_skills import rate


def test_the_skills_modal_and_its_confirmation_name_what_carries_over(slack):
    view, _ = rate(slack, {skill: 3 for skill in SKILLS})
    assert view_problems(view) == []
    assert "*You already bring:* system thinking, debugging" in str(view["blocks"])
    shown = slack.emulator.wait_for("chat.postMessage")[0].params
    text = str(shown["blocks"])
    for name, _how in TRANSFERS:
        assert f"*{name}:*" in text
    assert "Customer interviewing" in str(view["blocks"])  # the skills to develop are rated
    assert len(TRANSFERS) == 5


@pytest.mark.parametrize(
    ("topic", "words"),
    [
        ("resist", ["Prove it locally", "Propose a pilot", "Leave"]),
        ("interview", ["System design", "Behavioural", "Product sense", "Take-home"]),
    ],
)
def test_help_topics_show_their_card(slack, topic, words):
    body = slack.command(f"help {topic}").json()
    assert message_problems(body["text"], body["blocks"]) == []
    shown = str(body["blocks"])
    assert all(w in shown for w in words)


def test_the_prompts_point_to_the_cards_in_the_weeks_they_fit(slack):
    pe = slack.services.programs.get("product-engineer")
    assert "/transition help resist" in pe.phase_for_week(5).deliverable.description
    assert any("/transition help interview" in a for a in pe.phase_for_week(11).activities)
    pm = slack.services.programs.get("engineer-to-pm")
    stories = pm.phase_by_key("interview-stories")
    assert stories is not None and any(
        "/transition help interview" in a for a in stories.activities
    )


def test_every_background_gets_a_realism_note_in_the_pm_tips(slack):
    pm = slack.services.programs.get("engineer-to-pm")
    audit = pm.phase_by_key("audit")
    assert audit is not None
    for background in BACKGROUNDS:
        assert "How realistic:" in audit.tips[background]
    assert "very high" in audit.tips["customer-facing"]
    assert "medium to high" in audit.tips["platform-infra"]
