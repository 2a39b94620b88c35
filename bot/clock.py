"""Clocks: the system clock in production, a movable one in tests and the offline sandbox."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything that can tell the current time as an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real time."""

    def now(self) -> datetime:
        """Return the current UTC time."""
        return datetime.now(UTC)


class MovableClock:
    """A clock that stands still until moved: tests and the sandbox drive time with it."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("MovableClock needs an aware datetime")
        self._now = start.astimezone(UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """Return the clock's current time."""
        with self._lock:
            return self._now

    def advance(self, delta: timedelta) -> datetime:
        """Move the clock forward by `delta` and return the new time."""
        with self._lock:
            self._now += delta
            return self._now

    def set(self, when: datetime) -> None:
        """Jump to `when` (aware)."""
        with self._lock:
            self._now = when.astimezone(UTC)


class OffsetClock:
    """Real time plus an offset that only grows: the offline sandbox's clock.

    Time flows as it does outside, so the every-minute scheduler sees it move, and the
    sandbox's "next day" / "next week" buttons jump it forward.
    """

    def __init__(self) -> None:
        self._offset = timedelta(0)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """Real UTC time plus the offset."""
        with self._lock:
            return datetime.now(UTC) + self._offset

    @property
    def offset(self) -> timedelta:
        """How far ahead of real time this clock runs."""
        with self._lock:
            return self._offset

    def advance(self, delta: timedelta) -> datetime:
        """Jump forward by `delta` and return the new time."""
        with self._lock:
            self._offset += delta
            return datetime.now(UTC) + self._offset
