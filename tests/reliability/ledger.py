"""A tally of what the reliability suite tried, printed at the end of the run."""

from __future__ import annotations

import threading
from collections import Counter


class Ledger:
    """Counters shared by the reliability tests (thread-safe)."""

    ROWS = (
        ("attacks", "tried", "rejected"),
        ("malformed", "sent", "refused"),
        ("faults", "injected", "survived"),
        ("entries", "acknowledged", "found"),
        ("prompts", "expected", "delivered"),
        ("fuzz cases", "run", "handled"),
    )

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def add(self, key: str, n: int = 1) -> None:
        """Add `n` to counter `key` (e.g. "attacks.tried")."""
        with self._lock:
            self._counts[key] += n

    def get(self, key: str) -> int:
        """The current value of `key`."""
        with self._lock:
            return self._counts[key]

    def lines(self) -> list[str]:
        """The summary table, one line per row that saw any activity."""
        out = []
        for name, first, second in self.ROWS:
            a, b = self.get(f"{name}.{first}"), self.get(f"{name}.{second}")
            if a or b:
                extra = ""
                if name == "prompts":
                    extra = f", {self.get('prompts.duplicated')} duplicated"
                out.append(f"{name:<11} {first} {a}, {second} {b}{extra}")
        return out


LEDGER = Ledger()
