"""The two built-in programs: they load, cover every week, and stay Slack-sized."""

from __future__ import annotations

import pytest

from bot.kinds import BACKGROUNDS, ENTRY_KINDS
from bot.programs import BUILTIN_DIR, Program, load_program_file, load_programs

PROGRAM_IDS = ["product-engineer", "engineer-to-pm"]


@pytest.fixture(scope="module")
def programs() -> dict[str, Program]:
    return load_programs()


def test_both_builtins_load(programs):
    assert set(PROGRAM_IDS) <= set(programs)
    for program_id in PROGRAM_IDS:
        assert load_program_file(BUILTIN_DIR / f"{program_id}.toml").id == program_id


@pytest.mark.parametrize("program_id", PROGRAM_IDS)
def test_every_week_maps_to_a_phase(programs, program_id):
    program = programs[program_id]
    covered = []
    for week in range(1, program.weeks + 1):
        phase = program.phase_for_week(week)
        assert phase is not None, week
        assert week in phase.weeks
        assert 1 <= program.week_in_phase(week) <= len(phase.weeks)
        covered.append(week)
    assert covered == list(range(1, program.weeks + 1))
    assert program.phase_for_week(0) is None
    assert program.phase_for_week(program.weeks + 1) is None


@pytest.mark.parametrize("program_id", PROGRAM_IDS)
def test_phase_index_and_lookup(programs, program_id):
    program = programs[program_id]
    for i, phase in enumerate(program.phases):
        assert program.phase_index(phase) == i
        assert program.phase_by_key(phase.key) is phase
    with pytest.raises(ValueError):
        program.week_in_phase(program.weeks + 1)


def test_product_engineer_has_six_two_week_phases(programs):
    program = programs["product-engineer"]
    assert program.weeks == 12
    assert [(p.first_week, p.last_week) for p in program.phases] == [
        (1, 2),
        (3, 4),
        (5, 6),
        (7, 8),
        (9, 10),
        (11, 12),
    ]
    assert [p.title for p in program.phases] == [
        "Observation and reframing",
        "First customer contact",
        "Your first product bet",
        "Ship and measure",
        "Expand your scope",
        "Consolidate and position",
    ]
    assert program.week_in_phase(1) == 1
    assert program.week_in_phase(4) == 2
    assert len(program.horizon) == 3


def test_engineer_to_pm_covers_the_30_60_90_plan(programs):
    program = programs["engineer-to-pm"]
    assert program.weeks == 13
    assert len(program.phases) == 8  # one phase per transition step
    periods = [p.period for p in program.phases]
    assert periods[0] == "Days 1-30"
    assert periods[-1] == "Days 61-90"
    assert set(periods) == {"Days 1-30", "Days 31-60", "Days 61-90"}


def test_engineer_to_pm_has_a_tip_for_every_background_in_every_phase(programs):
    for phase in programs["engineer-to-pm"].phases:
        assert set(phase.tips) == set(BACKGROUNDS), phase.key


@pytest.mark.parametrize("program_id", PROGRAM_IDS)
def test_every_phase_is_complete(programs, program_id):
    for phase in programs[program_id].phases:
        assert 3 <= len(phase.activities) <= 5, phase.key
        assert phase.deliverable.done_when, phase.key
        assert phase.deliverable.evidence_kinds, phase.key
        assert set(phase.deliverable.evidence_kinds) <= set(ENTRY_KINDS)


@pytest.mark.parametrize("program_id", PROGRAM_IDS)
def test_text_fits_in_slack(programs, program_id):
    program = programs[program_id]
    activity_limit = 150 if program_id == "product-engineer" else 300
    assert len(program.summary) <= 600
    for item in program.horizon:
        assert len(item) <= 300
    for phase in program.phases:
        assert len(phase.title) <= 80
        assert len(phase.goal) <= 300, phase.key
        assert len(phase.why) <= 300, phase.key
        for activity in phase.activities:
            assert len(activity) <= activity_limit, activity
        assert len(phase.deliverable.title) <= 80
        assert len(phase.deliverable.description) <= 600, phase.key
        for criterion in phase.deliverable.done_when:
            assert len(criterion) <= 300, criterion
        for tip in phase.tips.values():
            assert len(tip) <= 300, tip


@pytest.mark.parametrize("program_id", PROGRAM_IDS)
def test_definitions_of_done_are_checkable(programs, program_id):
    """The key rules the product promises are spelled out in the done criteria."""
    program = programs[program_id]
    done = {p.key: " ".join(p.deliverable.done_when).lower() for p in program.phases}
    if program_id == "product-engineer":
        assert "three" in done["customer-contact"] and "evidence" in done["customer-contact"]
        for word in ("problem", "solution", "metric", "timeline", "response", "learned"):
            assert word in done["first-bet"], word
        for word in ("before and after", "feedback", "learned"):
            assert word in done["ship-measure"], word


@pytest.mark.parametrize("program_id", PROGRAM_IDS)
def test_every_week_has_its_own_focus(programs, program_id):
    """Issue 14: week 2 of a two-week phase repeated week 1 word for word."""
    program = programs[program_id]
    seen = set()
    for week in range(1, program.weeks + 1):
        phase = program.phase_for_week(week)
        assert phase is not None
        focus = phase.focus_of(week)
        assert focus, (program_id, week)
        assert focus not in seen  # no two weeks share a focus
        seen.add(focus)


@pytest.mark.parametrize("program_id", PROGRAM_IDS)
def test_needs_count_only_the_phases_evidence(programs, program_id):
    program = programs[program_id]
    assert any(p.deliverable.needs for p in program.phases)
    for phase in program.phases:
        assert set(phase.deliverable.needs) <= set(phase.deliverable.evidence_kinds)
