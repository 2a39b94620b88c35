"""A broken program file is refused at start-up, naming the file, the key and the problem."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.app import build_services
from bot.config import Settings
from bot.programs import BUILTIN_DIR, ProgramFileError

ROOT = Path(__file__).resolve().parent.parent


def broken_dir(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of product-engineer under a new id whose third phase starts a week early, on
    a week the second phase has (its two focus lines still fit its two weeks)."""
    directory = tmp_path / "programs"
    directory.mkdir()
    text = (BUILTIN_DIR / "product-engineer.toml").read_text(encoding="utf-8")
    text = text.replace('id = "product-engineer"', 'id = "our-program"', 1)
    text = text.replace("first_week = 5\nlast_week = 6", "first_week = 4\nlast_week = 5", 1)
    path = directory / "our-program.toml"
    path.write_text(text, encoding="utf-8")
    return directory, path


def run_cli(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "PROGRAMS_"))}
    clean.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}",
        PYTHONPATH=os.environ["PYTHONPATH"],  # the repo and the loopback guard (conftest)
        **env,
    )
    # cwd is the temp dir so no developer .env is picked up.
    return subprocess.run(
        [sys.executable, "-m", "sandbox.cli", *args],
        cwd=tmp_path,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_build_services_refuses_a_broken_program_file(tmp_path):
    directory, path = broken_dir(tmp_path)
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}", programs_dir=directory)
    with pytest.raises(ProgramFileError) as info:
        build_services(settings)
    assert info.value.path == path
    assert info.value.key == "phases[2].first_week"
    assert info.value.problem == "duplicate week 4"
    assert info.value.line is not None
    assert not (tmp_path / "x.db").exists()  # refused before touching the database


def test_check_command_names_file_key_and_problem(tmp_path):
    directory, path = broken_dir(tmp_path)
    result = run_cli(tmp_path, "check", PROGRAMS_DIR=str(directory))
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"transition-coach: program file refused: {path}:")
    assert line.endswith(": phases[2].first_week: duplicate week 4")
    assert result.stdout == ""


def test_check_command_ok_lists_the_programs(tmp_path):
    directory = tmp_path / "programs"
    directory.mkdir()
    text = (BUILTIN_DIR / "engineer-to-pm.toml").read_text(encoding="utf-8")
    (directory / "mine.toml").write_text(
        text.replace('id = "engineer-to-pm"', 'id = "our-pm-track"', 1), encoding="utf-8"
    )
    result = run_cli(tmp_path, "check", PROGRAMS_DIR=str(directory))
    assert result.returncode == 0, result.stderr
    [line] = result.stdout.strip().splitlines()
    assert line.startswith("transition-coach: OK: settings are valid; 3 programs with PROGRAMS_DIR")
    assert "our-pm-track (13 weeks)" in line and "product-engineer (12 weeks)" in line


def test_check_command_reports_a_bad_setting(tmp_path):
    result = run_cli(tmp_path, "check", PORT="http")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "transition-coach: PORT must be a number between 1 and 65535, got 'http'."
    )
