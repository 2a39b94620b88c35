"""Coaching rules, RICE/ICE arithmetic and the `log <kind>` keywords: pure functions."""

from __future__ import annotations

import pytest

from bot.coaching import evidence_items, feedback
from bot.evidence import KEYWORDS, LOGGABLE, SPECS, parse_log_args, summary_text
from bot.kinds import ENTRY_KINDS
from bot.scoring import ScoreError, format_score, ice, rice, score_proposal


def rules(kind: str, **fields: object) -> set[str]:
    return {s.rule for s in feedback(kind, fields)}


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


# -- problem statements -----------------------------------------------------------------------


def test_problem_statement_needs_three_pieces_of_evidence():
    assert rules("problem_statement", problem="Exports fail") == {"problem.evidence"}
    two = "- ticket 4411\n- quote from Dana"
    [suggestion] = feedback("problem_statement", {"problem": "x", "evidence": two})
    assert "2 pieces" in suggestion.message
    three = two + "\n\n• 40% of exports time out"
    assert rules("problem_statement", problem="x", evidence=three) == set()
    assert evidence_items(three) == ["ticket 4411", "quote from Dana", "40% of exports time out"]


# -- proposals --------------------------------------------------------------------------------


def test_proposal_without_metric_or_with_a_vague_one():
    assert rules("proposal", solution="Retry exports") == {"proposal.metric"}
    [vague] = feedback("proposal", {"metric": "happier users"})
    assert vague.rule == "proposal.metric_vague" and "number" in vague.message
    assert rules("proposal", metric="40 export tickets") == {"proposal.metric_vague"}
    assert rules("proposal", metric="export tickets down from 40 to 10 a month") == set()
    assert rules("proposal", metric="Reduce drop-off by 15%") == set()


# -- goals ------------------------------------------------------------------------------------


def test_goal_that_is_a_feature_list():
    found = rules("goal", goal="Build onboarding wizard")
    assert found == {"goal.feature", "goal.numbers"}
    assert "goal.feature" in rules("goal", goal="Ship SSO", **{"from": "0", "to": "1"})
    assert rules("goal", goal="Launch: dark mode, CSV export", by_when="Q3") >= {"goal.feature"}


def test_outcome_framed_goal_passes():
    assert (
        rules("goal", goal="Reduce time to first value from 14 days to 3 days", by_when="Q3")
        == set()
    )
    fields = {"goal": "Time to first value", "from": "14 days", "to": "3 days", "by_when": "Q3"}
    assert feedback("goal", fields) == []
    assert rules("goal", goal="Time to first value", **{"from": "14", "to": "3"}) == {
        "goal.deadline"
    }


# -- resume bullets: the guide's weak and strong examples, paraphrased ------------------------

WEAK_BULLETS = [
    "Implemented microservices to make the system scale better.",
    "Built responsive UI components for the onboarding flows.",
    "Owned the end-to-end implementation of growth features.",
    "Improved CI/CD reliability and cut deployment failures.",
]
STRONG_BULLETS = [
    "Identified reliability pain affecting activation, compared solution paths by user impact "
    "and effort, and prioritized the highest-value scope with PM and engineering.",
    "Diagnosed onboarding friction from behaviour signals, recommended ranked product changes "
    "and tied the scoped work to activation goals.",
    "Mapped platform bottlenecks to developer velocity, prioritized roadmap tradeoffs and "
    "defined success metrics for cycle-time and incident reduction.",
    "Identified a 34% checkout drop-off affecting mobile users, shipped a simpler country "
    "picker, and drop-off fell to 21%.",
]


@pytest.mark.parametrize("bullet", WEAK_BULLETS)
def test_weak_bullets_are_told_to_add_the_problem_and_the_result(bullet):
    found = rules("resume_bullet", bullet=bullet)
    assert {"bullet.problem", "bullet.result"} <= found


@pytest.mark.parametrize("bullet", STRONG_BULLETS)
def test_strong_bullets_pass(bullet):
    assert rules("resume_bullet", bullet=bullet) == set()


def test_bullet_without_a_who_is_told_so():
    found = rules("resume_bullet", bullet="Framed the growth problem and drove 12% more revenue")
    assert found == {"bullet.who"}


# -- experiments ------------------------------------------------------------------------------


def test_experiment_needs_hypothesis_and_learning():
    assert rules("experiment", result="flat") == {"experiment.hypothesis", "experiment.learning"}
    assert rules("experiment", hypothesis="Shortcuts help power users") == {"experiment.learning"}
    fields = {
        "hypothesis": "Shortcuts help power users",
        "learning": "They wait on loading, not typing",
        "outcome": "failed",
    }
    assert feedback("experiment", fields) == []  # a failed experiment is first-class


def test_kinds_without_rules_get_no_feedback():
    assert feedback("customer_insight", {"heard": "x"}) == []
    assert feedback("decision", {"decision": "x"}) == []


def test_every_suggestion_says_what_to_do():
    every = [
        *feedback("problem_statement", {}),
        *feedback("proposal", {}),
        *feedback("goal", {"goal": "Add a wizard"}),
        *feedback("resume_bullet", {"bullet": "Wrote code"}),
        *feedback("experiment", {}),
    ]
    assert len({s.rule for s in every}) == len(every) >= 8
    assert all(len(s.message) > 40 for s in every)


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
