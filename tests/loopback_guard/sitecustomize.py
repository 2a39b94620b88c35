"""Started with every Python subprocess whose PYTHONPATH holds this folder (see guard.py)."""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "loopback_guard", Path(__file__).with_name("guard.py")
)
if _spec is not None and _spec.loader is not None:
    _guard = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_guard)
    _guard.install()
