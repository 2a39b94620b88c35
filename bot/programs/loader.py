"""Reading program files (TOML or YAML) and saying in plain English what is wrong."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from bot.programs.schema import ERROR_AT, Program

BUILTIN_DIR: Path = Path(__file__).parent / "data"

_SUFFIXES = (".toml", ".yaml", ".yml")


class ProgramFileError(Exception):
    """A program file that cannot be used: which file, which key, what is wrong, and where."""

    def __init__(self, path: Path, key: str, problem: str, line: int | None = None) -> None:
        self.path = path
        self.key = key
        self.problem = problem
        self.line = line
        where = f"{path}:{line}" if line is not None else f"{path}"
        super().__init__(f"{where}: {key}: {problem}")

    def __reduce__(self) -> tuple[Any, ...]:
        """Keep the fields when the error crosses a process boundary (pickling)."""
        return (type(self), (self.path, self.key, self.problem, self.line))


def load_program_file(path: Path) -> Program:
    """Read and validate one program file; raise ProgramFileError naming the first problem."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in _SUFFIXES:
        raise ProgramFileError(
            path, "file", f"unsupported file type {suffix!r} (use .toml, .yaml or .yml)"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ProgramFileError(path, "file", "is not UTF-8 text") from None
    except OSError as exc:
        raise ProgramFileError(path, "file", f"cannot be read ({exc.strerror})") from None
    data = _parse(path, text, yaml_syntax=suffix != ".toml")
    try:
        return Program.model_validate(data)
    except ValidationError as exc:
        key, problem = _describe(exc.errors()[0])
        line = _find_line(text, key, yaml_syntax=suffix != ".toml")
        raise ProgramFileError(path, key, problem, line) from None


def load_programs(extra_dir: Path | None = None) -> dict[str, Program]:
    """The built-in programs, then those in `extra_dir`; an extra file replaces a built-in id."""
    programs: dict[str, Program] = {}
    builtin_from: dict[str, Path] = {}
    for path in _program_files(BUILTIN_DIR):
        program = load_program_file(path)
        _reject_duplicate(path, program, builtin_from)
        builtin_from[program.id] = path
        programs[program.id] = program
    if extra_dir is not None:
        extra_dir = Path(extra_dir)
        if not extra_dir.is_dir():
            raise ProgramFileError(extra_dir, "directory", "does not exist or is not a directory")
        extra_from: dict[str, Path] = {}
        # Load everything before touching `programs`, so a broken file never half-loads.
        loaded = [(path, load_program_file(path)) for path in _program_files(extra_dir)]
        for path, program in loaded:
            _reject_duplicate(path, program, extra_from)
            extra_from[program.id] = path
            programs[program.id] = program
    return programs


def _program_files(directory: Path) -> list[Path]:
    """Program files in `directory`, in file-name order so loading is deterministic."""
    return sorted(p for p in directory.iterdir() if p.is_file() and p.suffix.lower() in _SUFFIXES)


def _reject_duplicate(path: Path, program: Program, seen: Mapping[str, Path]) -> None:
    """Two files of the same origin claiming one id is ambiguous: refuse rather than guess."""
    other = seen.get(program.id)
    if other is not None:
        text = path.read_text(encoding="utf-8")
        raise ProgramFileError(
            path,
            "id",
            f"duplicate program id {program.id!r} (also defined in {other.name})",
            _find_line(text, "id", yaml_syntax=path.suffix.lower() != ".toml"),
        )


def _parse(path: Path, text: str, *, yaml_syntax: bool) -> Any:
    """Parse the file text into plain data, turning syntax errors into ProgramFileError."""
    if yaml_syntax:
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            problem = getattr(exc, "problem", None) or str(exc)
            raise ProgramFileError(path, "syntax", f"invalid YAML: {problem}", line) from None
        kind = "YAML mapping"
    else:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            message = str(exc)
            found = re.search(r"\(at line (\d+), column \d+\)", message)
            line = int(found.group(1)) if found else None
            problem = re.sub(r"\s*\(at (?:line \d+, column \d+|end of document)\)", "", message)
            raise ProgramFileError(path, "syntax", f"invalid TOML: {problem}", line) from None
        kind = "TOML table"
    if not isinstance(data, dict):
        what = "empty" if data is None else f"a {type(data).__name__}"
        raise ProgramFileError(path, "file", f"must be a {kind} of program settings, not {what}")
    return data


# ---------------------------------------------------------------------------------------------
# Error descriptions


def _key_path(loc: Iterable[int | str]) -> str:
    """Render a pydantic location as `phases[2].deliverable.done_when[0]`."""
    out = ""
    for part in loc:
        if part == "[key]":  # pydantic marks a bad dict key with this extra segment
            continue
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _join_path(base: str, relative: str) -> str:
    """Append a relative key path (`last_week`, `phases[3].key`) to `base`."""
    if not relative:
        return base
    if not base or relative.startswith("["):
        return base + relative
    return f"{base}.{relative}"


_TYPE_NAMES = {
    "string_type": "must be text",
    "int_type": "must be a whole number",
    "list_type": "must be a list",
    "dict_type": "must be a table of keys",
    "model_type": "must be a table of keys",
    "model_attributes_type": "must be a table of keys",
}


def _describe(error: ErrorDetails) -> tuple[str, str]:
    """The dotted key path and a plain-English problem for one pydantic error."""
    key = _key_path(error["loc"])
    kind = error["type"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    value = error.get("input")
    if kind == "program_rule":
        return _join_path(key, str(ctx.get(ERROR_AT, ""))) or "program", str(ctx["problem"])
    if kind == "missing":
        return key, "is required"
    if kind == "extra_forbidden":
        return key, f"unknown key {str(error['loc'][-1])!r}"
    if kind in _TYPE_NAMES:
        return key, f"{_TYPE_NAMES[kind]}, not {_describe_value(value)}"
    if kind == "string_too_short":
        return key, "must not be empty"
    if kind == "string_too_long":
        length = len(value) if isinstance(value, str) else "?"
        return key, f"is too long ({length} characters, at most {ctx.get('max_length')})"
    if kind == "too_short":
        return key, f"must have at least {ctx.get('min_length')} item(s)"
    if kind == "greater_than_equal":
        return key, f"must be at least {ctx.get('ge')}"
    if kind == "less_than_equal":
        return key, f"must be at most {ctx.get('le')}"
    if kind == "string_pattern_mismatch":
        return key, (
            f"{value!r} is not a valid id: use lowercase letters and digits joined by '-' or '_'"
        )
    return key, str(error["msg"])


def _describe_value(value: Any) -> str:
    """A short phrase for a wrong value, e.g. `a list` or `the number 3`."""
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    if value is None:
        return "nothing"
    return f"a {type(value).__name__}"


# ---------------------------------------------------------------------------------------------
# Best-effort line numbers: good enough to send the reader to the right spot, never required.

_SEGMENT = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _find_line(text: str, key: str, *, yaml_syntax: bool) -> int | None:
    """The 1-based line where `key` (a dotted path) is written in `text`, if we can find it."""
    segments: list[str | int] = [
        m.group(1) if m.group(1) is not None else int(m.group(2)) for m in _SEGMENT.finditer(key)
    ]
    if yaml_syntax:
        return _yaml_line(text, segments)
    return _toml_line(text.splitlines(), segments)


def _yaml_line(text: str, segments: list[str | int]) -> int | None:
    """Walk the YAML node tree, which knows the line of every key and list item."""
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return None
    found: int | None = None
    for segment in segments:
        if isinstance(node, yaml.MappingNode) and isinstance(segment, str):
            pair = next((p for p in node.value if str(p[0].value) == segment), None)
            if pair is None:
                break
            found = pair[0].start_mark.line
            node = pair[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(segment, int):
            if segment >= len(node.value):
                break
            node = node.value[segment]
            found = node.start_mark.line
        else:
            break
    return found + 1 if found is not None else None


def _toml_line(lines: list[str], segments: list[str | int]) -> int | None:
    """Search the TOML text: find the phase by its `[[phases]]` header, then the key below it."""
    headers = [i for i, line in enumerate(lines) if re.match(r"^\s*\[\[\s*phases\s*\]\]", line)]
    start, end = 0, len(lines)
    found: int | None = None
    rest = segments
    if len(segments) >= 2 and segments[0] == "phases" and isinstance(segments[1], int):
        index = segments[1]
        if index >= len(headers):
            return None
        start = found = headers[index]
        end = headers[index + 1] if index + 1 < len(headers) else len(lines)
        rest = segments[2:]
    elif segments and segments[0] != "phases" and headers:
        end = headers[0]  # a top-level key is written before the first phase
    for i, segment in enumerate(rest):
        if isinstance(segment, int):
            item = _list_item_line(lines, found, segment) if found is not None else None
            if item is None:
                break
            found = item
            continue
        at = _key_line(lines, segment, start, end)
        if at is None:
            break
        found = start = at
        if i + 1 < len(rest) and isinstance(rest[i + 1], str):
            start = at + 1
    return found + 1 if found is not None else None


def _key_line(lines: list[str], name: str, start: int, end: int) -> int | None:
    """The first line in [start, end) that assigns `name` or opens a table ending in it."""
    quoted = re.escape(name)
    pattern = re.compile(
        rf"""^\s*["']?{quoted}["']?\s*="""  # name = ...
        rf"""|^\s*\[\[?\s*(?:[\w."'-]+\.)?{quoted}\s*\]\]?\s*(?:#.*)?$"""  # [phases.name]
    )
    return next((i for i in range(start, min(end, len(lines))) if pattern.search(lines[i])), None)


def _list_item_line(lines: list[str], key_line: int, index: int) -> int | None:
    """The line of item `index` in a one-string-per-line array that opens on `key_line`."""
    if not lines[key_line].rstrip().endswith("["):
        return None
    for at in range(key_line + 1, key_line + 2 + index):
        if at >= len(lines) or lines[at].strip()[:1] not in ("'", '"'):
            return None
    return key_line + 1 + index
