"""Coaching programs as data: TOML or YAML files validated into Program models."""

from __future__ import annotations

from bot.programs.loader import BUILTIN_DIR, ProgramFileError, load_program_file, load_programs
from bot.programs.schema import Deliverable, Phase, Program

__all__ = [
    "BUILTIN_DIR",
    "Deliverable",
    "Phase",
    "Program",
    "ProgramFileError",
    "load_program_file",
    "load_programs",
]
