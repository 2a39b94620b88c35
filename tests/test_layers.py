"""The packages depend one way: the app (bot, handlers, storage) never imports its test
doubles (slack_emulator) or the offline sandbox built on top of it."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_PACKAGES = ("bot", "handlers", "storage")
NEVER_IMPORTED_BY_THE_APP = ("slack_emulator", "sandbox", "tests")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            found.add(str(node.args[0].value))  # importlib.import_module("...") counts too
    return found


def test_the_app_never_imports_the_emulator_or_the_sandbox():
    offenders = []
    for package in APP_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for module in imported_modules(path):
                if module.split(".")[0] in NEVER_IMPORTED_BY_THE_APP:
                    offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offenders == []


def test_the_check_sees_imports(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import sandbox.offline\nfrom slack_emulator import SlackEmulator\n"
        "import importlib\nimportlib.import_module('sandbox.page')\n"
    )
    assert {"sandbox.offline", "slack_emulator", "sandbox.page"} <= imported_modules(sample)
