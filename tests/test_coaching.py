"""RICE/ICE arithmetic and the `log <kind>` keywords: pure functions (the rules themselves
are tested in tests/test_rules.py)."""

from __future__ import annotations

import pytest

from bot.evidence import KEYWORDS, LOGGABLE, SPECS, parse_log_args, summary_text
from bot.kinds import ENTRY_KINDS
from bot.scoring import ScoreError, format_score, ice, rice, score_proposal

# -- keywords ---------------------------------------------------------------------------------


def test_every_kind_but_ship_has_a_keyword_and_a_spec():
    assert set(SPECS) == set(ENTRY_KINDS)
    assert set(LOGGABLE) == set(ENTRY_KINDS) - {"ship"}
    for word in ("decision", "insight", "problem", "proposal", "experiment", "teardown", "goal"):
        assert word in KEYWORDS
    assert KEYWORDS["bullet"] == KEYWORDS["resume"] == "resume_bullet"
    assert KEYWORDS["insight"] == "customer_insight"
    assert KEYWORDS["problem"] == "problem_statement"


def test_modal_titles_fit_slack():
    assert all(len(spec.title) <= 24 for spec in SPECS.values())


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("We chose annual billing", ("decision", "We chose annual billing")),
        ("insight: Users export to CSV", ("customer_insight", "Users export to CSV")),
        ("Problem: exports are slow", ("problem_statement", "exports are slow")),
        ("bullet : Cut churn 4%", ("resume_bullet", "Cut churn 4%")),
        ("problem:exports are slow", ("problem_statement", "exports are slow")),
        ("bullet", ("resume_bullet", "")),
        ("goal", ("goal", "")),
        ("Goal:", ("goal", "")),
        ("", ("decision", "")),
        # Issue 14: a sentence that merely starts with a kind word keeps every word.
        (
            "Problem is that our PM picked annual billing",
            ("decision", "Problem is that our PM picked annual billing"),
        ),
        ("insight Users export to CSV", ("decision", "insight Users export to CSV")),
        ("Decision made: ship Friday", ("decision", "Decision made: ship Friday")),
        ("Experiment failed, again", ("decision", "Experiment failed, again")),
        ("note: call Dana", ("decision", "note: call Dana")),
    ],
)
def test_parse_log_args(args, expected):
    assert parse_log_args(args) == expected


def test_summary_joins_summary_fields_on_one_line():
    text = summary_text("teardown", {"competitor": "Notion", "shipped": "A calendar\nview"})
    assert text == "Notion — A calendar view"
    assert summary_text("experiment", {"outcome": "failed", "learning": "x"}) == "failed"


# -- RICE / ICE -------------------------------------------------------------------------------


def test_rice_arithmetic():
    assert rice(2000, 2, 60, 2) == pytest.approx(1200)
    assert rice(500, 0.5, 100, 0.5) == pytest.approx(500)
    assert rice(0, 3, 80, 1) == 0
    with pytest.raises(ScoreError):
        rice(10, 1, 50, 0)


def test_ice_is_the_product():
    assert ice(8, 5, 3) == 120
    assert ice(10, 10, 10) == 1000
    assert ice(1, 1, 1) == 1


def test_score_proposal_reads_the_form_values():
    [score] = score_proposal({"reach": "2,000", "impact": "2", "confidence": "60%", "effort": "2"})
    assert score.method == "RICE" and score.value == pytest.approx(1200)
    assert format_score(score) == "RICE 1,200 (2,000 × 2 × 60% ÷ 2)"
    both = score_proposal(
        {
            "reach": "100",
            "impact": "1",
            "confidence": "50",
            "effort": "1",
            "ice_impact": "8",
            "ice_confidence": "5",
            "ice_ease": "3",
        }
    )
    assert [(s.method, s.value) for s in both] == [("RICE", 50), ("ICE", 120)]
    assert score_proposal({"solution": "x"}) == []


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"reach": "lots", "impact": "1", "confidence": "50", "effort": "1"}, "reach"),
        ({"reach": "10"}, "impact"),
        ({"reach": "10", "impact": "1", "confidence": "150", "effort": "1"}, "confidence"),
        ({"reach": "10", "impact": "1", "confidence": "50", "effort": "0"}, "effort"),
        ({"reach": "-1", "impact": "1", "confidence": "50", "effort": "1"}, "reach"),
        ({"reach": "10", "impact": "9", "confidence": "50", "effort": "1"}, "impact"),
        ({"reach": "10", "impact": "1", "confidence": "nan", "effort": "1"}, "confidence"),
        ({"ice_impact": "11", "ice_confidence": "5", "ice_ease": "5"}, "ice_impact"),
        ({"ice_impact": "5", "ice_confidence": "0", "ice_ease": "5"}, "ice_confidence"),
        ({"ice_impact": "5", "ice_confidence": "5"}, "ice_ease"),
    ],
)
def test_invalid_score_inputs_name_the_field(values, field):
    with pytest.raises(ScoreError) as raised:
        score_proposal(values)
    assert raised.value.field == field
