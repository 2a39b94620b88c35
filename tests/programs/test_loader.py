"""Loading program files: good ones load, broken ones name the file, the key and the problem."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from bot.programs import (
    BUILTIN_DIR,
    Deliverable,
    Phase,
    Program,
    ProgramFileError,
    load_program_file,
    load_programs,
)

SMALL = (Path(__file__).parent / "fixtures" / "small.toml").read_text(encoding="utf-8")


def _write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def _broken(tmp_path: Path, old: str, new: str, name: str = "broken.toml") -> ProgramFileError:
    """Write SMALL with `old` replaced by `new`, load it, and return the error it raises."""
    assert SMALL.count(old) == 1, old
    path = _write(tmp_path, name, SMALL.replace(old, new))
    with pytest.raises(ProgramFileError) as caught:
        load_program_file(path)
    error = caught.value
    assert error.path == path
    assert str(error).startswith(f"{path}:")
    return error


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_small_fixture_is_valid(tmp_path):
    program = load_program_file(_write(tmp_path, "mini.toml", SMALL))
    assert program.id == "mini"
    assert [p.key for p in program.phases] == ["one", "two"]
    assert program.phases[0].tips == {"backend": "A tip for backend engineers."}
    assert program.week_in_phase(3) == 1
    assert program.phase_for_week(5) is None


def test_missing_deliverable(tmp_path):
    text = SMALL.split("[phases.deliverable]")
    # Drop the second phase's deliverable table (everything up to the end of the file).
    broken = "[phases.deliverable]".join(text[:2])
    path = _write(tmp_path, "no-deliverable.toml", broken)
    with pytest.raises(ProgramFileError) as caught:
        load_program_file(path)
    error = caught.value
    assert error.key == "phases[1].deliverable"
    assert error.problem == "is required"
    assert error.line == _line_of(broken, 'key = "two"') - 1  # its [[phases]] header
    assert str(error) == f"{path}:{error.line}: phases[1].deliverable: is required"


def test_duplicate_week(tmp_path):
    error = _broken(tmp_path, "first_week = 3", "first_week = 2")
    assert error.key == "phases[1].first_week"
    assert error.problem == "duplicate week 2"
    assert error.line == _line_of(SMALL, "first_week = 3")


def test_unknown_key(tmp_path):
    error = _broken(tmp_path, 'goal = "Do the second thing."', 'goals = "Do the second thing."')
    # Both a missing `goal` and an unknown `goals`: the first problem pydantic finds is reported.
    assert error.key in ("phases[1].goal", "phases[1].goals")
    error = _broken(tmp_path, 'why = "Because it comes next."\n', 'why = "Next."\nfoo = 1\n')
    assert error.key == "phases[1].foo"
    assert error.problem == "unknown key 'foo'"
    assert error.line == _line_of(SMALL, 'why = "Because it comes next."') + 1
    assert "broken.toml:" in str(error) and "phases[1].foo: unknown key 'foo'" in str(error)


def test_unknown_top_level_key(tmp_path):
    error = _broken(tmp_path, "weeks = 4\n", "weeks = 4\nauthor = 'me'\n")
    assert error.key == "author"
    assert error.problem == "unknown key 'author'"
    assert error.line == 6


def test_week_out_of_range(tmp_path):
    error = _broken(tmp_path, "last_week = 4", "last_week = 5")
    assert error.key == "phases[1].last_week"
    assert error.problem == "week 5 is out of range 1..4"
    assert error.line == _line_of(SMALL, "last_week = 4")


def test_week_gap(tmp_path):
    error = _broken(tmp_path, "last_week = 2", "last_week = 1")
    assert error.key == "phases[1].first_week"
    assert error.problem == "week 2 is not covered by any phase"


def test_weeks_not_fully_covered(tmp_path):
    error = _broken(tmp_path, "weeks = 4", "weeks = 5")
    assert error.key == "phases[1].last_week"
    assert error.problem == "week 5 is not covered by any phase"


def test_phases_out_of_order(tmp_path):
    text = SMALL.replace("first_week = 1\nlast_week = 2", "first_week = 3\nlast_week = 4", 1)
    text = text.replace(
        'first_week = 3\nlast_week = 4\ngoal = "Do the second',
        'first_week = 1\nlast_week = 2\ngoal = "Do the second',
    )
    path = _write(tmp_path, "order.toml", text)
    with pytest.raises(ProgramFileError, match=r"phases\[1\]\.first_week: phases are out of order"):
        load_program_file(path)


def test_phase_ending_before_it_starts(tmp_path):
    error = _broken(tmp_path, "last_week = 2", "last_week = 0")
    assert error.key == "phases[0].last_week"
    assert error.problem == "must be at least 1"
    error = _broken(tmp_path, "first_week = 3\nlast_week = 4", "first_week = 4\nlast_week = 3")
    assert error.key == "phases[1].last_week"
    assert error.problem == "last_week 3 is before first_week 4"


def test_unknown_background(tmp_path):
    error = _broken(tmp_path, "backend = ", "mobile = ")
    assert error.key == "phases[0].tips.mobile"
    assert error.problem == "unknown background 'mobile'"
    assert error.line == _line_of(SMALL, "backend = ")


def test_unknown_entry_kind(tmp_path):
    error = _broken(tmp_path, 'evidence_kinds = ["ship"]', 'evidence_kinds = ["ship", "memo"]')
    assert error.key == "phases[1].deliverable.evidence_kinds[1]"
    assert error.problem == "unknown entry kind 'memo'"
    assert error.line == _line_of(SMALL, 'evidence_kinds = ["ship"]')


def test_duplicate_phase_key(tmp_path):
    error = _broken(tmp_path, 'key = "two"', 'key = "one"')
    assert error.key == "phases[1].key"
    assert error.problem == "duplicate phase key 'one'"


def test_wrong_types_and_sizes(tmp_path):
    error = _broken(tmp_path, "weeks = 4", 'weeks = "4"')
    assert (error.key, error.problem) == ("weeks", "must be a whole number, not text")
    error = _broken(tmp_path, '"Second activity."', '"' + "x" * 301 + '"')
    assert error.key == "phases[0].activities[1]"
    assert error.problem == "is too long (301 characters, at most 300)"
    assert error.line == _line_of(SMALL, '"Second activity."')
    error = _broken(tmp_path, 'activities = ["Third activity."]', "activities = []")
    assert (error.key, error.problem) == ("phases[1].activities", "must have at least 1 item(s)")
    error = _broken(tmp_path, 'id = "mini"', 'id = "Mini Program"')
    assert error.key == "id"
    assert "not a valid id" in error.problem
    assert error.line == 2


def test_toml_syntax_error(tmp_path):
    error = _broken(tmp_path, 'title = "Phase two"', "title = Phase two")
    assert error.key == "syntax"
    assert error.problem.startswith("invalid TOML")
    assert error.line == _line_of(SMALL, 'title = "Phase two"')


def test_not_a_table(tmp_path):
    path = _write(tmp_path, "list.yaml", "- just\n- a list\n")
    with pytest.raises(ProgramFileError, match="must be a YAML mapping"):
        load_program_file(path)


def test_unsupported_suffix(tmp_path):
    path = _write(tmp_path, "program.json", "{}")
    with pytest.raises(ProgramFileError, match=r"unsupported file type '\.json'"):
        load_program_file(path)


YAML_PROGRAM = """\
id: mini-yaml
title: Mini program in YAML
summary: Two weeks, one phase.
weeks: 2
phases:
  - key: only
    title: The only phase
    first_week: 1
    last_week: 2
    period: Days 1-14
    goal: Do the thing.
    why: Because.
    activities:
      - One.
      - Two.
    deliverable:
      title: The thing
      description: It is done.
      done_when:
        - It exists.
      evidence_kinds: [decision, customer_insight]
    tips:
      frontend: A tip.
horizon:
  - Later.
"""


def test_yaml_program_loads(tmp_path):
    for suffix in (".yaml", ".yml"):
        program = load_program_file(_write(tmp_path, f"mini{suffix}", YAML_PROGRAM))
        assert program.id == "mini-yaml"
        assert program.phases[0].period == "Days 1-14"
        assert program.phases[0].deliverable.evidence_kinds == ["decision", "customer_insight"]
        assert program.phases[0].tips == {"frontend": "A tip."}


def test_yaml_errors_point_at_the_line(tmp_path):
    path = _write(tmp_path, "bad.yaml", YAML_PROGRAM.replace("frontend: A tip.", "mobile: A tip."))
    with pytest.raises(ProgramFileError) as caught:
        load_program_file(path)
    assert caught.value.key == "phases[0].tips.mobile"
    assert caught.value.line == _line_of(YAML_PROGRAM, "frontend: A tip.")
    assert str(caught.value) == (
        f"{path}:{caught.value.line}: phases[0].tips.mobile: unknown background 'mobile'"
    )
    # YAML turns a bare `no` into false: strict validation refuses it instead of storing "False".
    path = _write(tmp_path, "bool.yaml", YAML_PROGRAM.replace("why: Because.", "why: no"))
    with pytest.raises(ProgramFileError) as caught:
        load_program_file(path)
    assert (caught.value.key, caught.value.problem) == (
        "phases[0].why",
        "must be text, not the boolean false",
    )
    assert caught.value.line == _line_of(YAML_PROGRAM, "why: Because.")
    path = _write(tmp_path, "missing.yaml", YAML_PROGRAM.replace("    goal: Do the thing.\n", ""))
    with pytest.raises(ProgramFileError) as caught:
        load_program_file(path)
    assert (caught.value.key, caught.value.problem) == ("phases[0].goal", "is required")
    assert caught.value.line == _line_of(YAML_PROGRAM, "- key: only")


def test_yaml_syntax_error(tmp_path):
    path = _write(tmp_path, "syntax.yaml", "id: x\ntitle: [unclosed\nweeks: 2\n")
    with pytest.raises(ProgramFileError) as caught:
        load_program_file(path)
    assert caught.value.key == "syntax"
    assert caught.value.problem.startswith("invalid YAML")
    assert caught.value.line is not None


def test_error_without_line_omits_it(tmp_path):
    error = ProgramFileError(tmp_path / "x.toml", "phases", "is required")
    assert str(error) == f"{tmp_path / 'x.toml'}: phases: is required"
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.path, copy.key, copy.problem, copy.line) == (
        error.path,
        "phases",
        "is required",
        None,
    )


def test_extra_dir_overrides_a_builtin(tmp_path):
    override = (BUILTIN_DIR / "product-engineer.toml").read_text(encoding="utf-8")
    override = override.replace(
        'title = "Software engineer to product engineer"', 'title = "Our own program"'
    )
    _write(tmp_path, "ours.toml", override)
    _write(tmp_path, "mini.yaml", YAML_PROGRAM)
    _write(tmp_path, "notes.txt", "not a program")
    programs = load_programs(tmp_path)
    assert programs["product-engineer"].title == "Our own program"
    assert programs["engineer-to-pm"] == load_programs()["engineer-to-pm"]
    assert programs["mini-yaml"].weeks == 2


def test_extra_dir_duplicate_ids(tmp_path):
    _write(tmp_path, "a.toml", SMALL)
    _write(tmp_path, "b.toml", SMALL)
    with pytest.raises(ProgramFileError) as caught:
        load_programs(tmp_path)
    assert caught.value.path == tmp_path / "b.toml"
    assert caught.value.key == "id"
    assert "duplicate program id 'mini'" in caught.value.problem
    assert caught.value.line == 2


def test_extra_dir_with_a_broken_file_loads_nothing(tmp_path):
    _write(tmp_path, "a.toml", SMALL)
    _write(
        tmp_path,
        "b.toml",
        SMALL.replace('id = "mini"', 'id = "other"').replace("weeks = 4", "weeks = 0"),
    )
    with pytest.raises(ProgramFileError, match=r"b\.toml:\d+: weeks: must be at least 1"):
        load_programs(tmp_path)


def test_missing_extra_dir(tmp_path):
    with pytest.raises(ProgramFileError, match="not a directory"):
        load_programs(tmp_path / "nope")


def test_models_are_frozen_and_strict():
    deliverable = Deliverable(title="T", description="D", done_when=["done"])
    phase = Phase(
        key="p",
        title="P",
        first_week=1,
        last_week=1,
        goal="G",
        why="W",
        activities=["A"],
        deliverable=deliverable,
    )
    program = Program(id="p", title="P", summary="S", weeks=1, phases=[phase])
    assert program.phase_for_week(1) is program.phases[0]
    assert program.phases[0].weeks == range(1, 2)
    with pytest.raises(ValueError):
        program.title = "changed"  # type: ignore[misc]
    other = phase.model_copy(update={"key": "q"})
    with pytest.raises(ValueError):
        program.phase_index(other)


def test_focus_needs_one_line_per_week_of_the_phase(tmp_path):
    error = _broken(
        tmp_path,
        'activities = [\n    "First activity.",',
        'focus = ["Only one line for two weeks."]\nactivities = [\n    "First activity.",',
    )
    assert "focus has 1 lines for 2 weeks" in str(error)


def test_needs_names_only_evidence_kinds(tmp_path):
    error = _broken(
        tmp_path,
        'done_when = ["It exists."]\nevidence_kinds = ["decision"]',
        'done_when = ["It exists."]\nevidence_kinds = ["decision"]\nneeds = { goal = 2 }',
    )
    assert "not one of its evidence_kinds" in str(error)


def test_needs_counts_are_whole_numbers_from_one(tmp_path):
    error = _broken(
        tmp_path,
        'done_when = ["It exists."]\nevidence_kinds = ["decision"]',
        'done_when = ["It exists."]\nevidence_kinds = ["decision"]\nneeds = { decision = 0 }',
    )
    assert "needs" in str(error)


def test_a_focus_per_week_loads(tmp_path):
    text = SMALL.replace(
        'activities = [\n    "First activity.",',
        'focus = ["Start it.", "Finish it."]\nactivities = [\n    "First activity.",',
    )
    program = load_program_file(_write(tmp_path, "focus.toml", text))
    assert [program.phases[0].focus_of(w) for w in (1, 2, 3)] == ["Start it.", "Finish it.", None]
