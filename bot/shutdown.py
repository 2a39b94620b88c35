"""Stopping on a signal: Ctrl-C (SIGINT) or SIGTERM, what `docker stop`, systemd and
Kubernetes send.

Python only turns SIGINT into KeyboardInterrupt when SIGINT was not ignored at start-up (a
process started as a shell's background job inherits it ignored), and SIGTERM kills outright.
Handling both explicitly means every way of stopping the bot runs its orderly shutdown: the
scheduler finishes its pass, servers close, the database is released.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
POLL_SECONDS = 0.25  # how often a waiter looks for a signal that arrived


class StopRequest:
    """A request to stop, made by another thread (`set`) or by a signal handler.

    A handler runs in the main thread between two bytecodes, possibly while that thread holds
    a lock (inside `Event.wait`, say); taking any lock there can deadlock. So the handler only
    flips a bool, and `wait` polls for it.
    """

    def __init__(self) -> None:
        self._event = threading.Event()
        self._signalled = False

    def set(self) -> None:
        """Ask to stop (from any thread, never from a signal handler)."""
        self._event.set()

    def set_from_signal_handler(self) -> None:
        """Ask to stop from a signal handler: no lock taken."""
        self._signalled = True

    def is_set(self) -> bool:
        """True once stopping was asked for either way."""
        return self._signalled or self._event.is_set()

    def wait(self) -> None:
        """Block until stopping is asked for."""
        while not self.is_set():
            self._event.wait(POLL_SECONDS)


@contextmanager
def stop_on_signals(stop: StopRequest) -> Iterator[StopRequest]:
    """Within the block, SIGINT and SIGTERM request `stop` instead of interrupting or killing.

    Only the main thread may handle signals; elsewhere this changes nothing. uvicorn captures
    the signals itself while it serves and raises them again when it is done: here that
    requests `stop` rather than ending the process before the caller has cleaned up.
    """
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def request_stop(_signum: int, _frame: FrameType | None) -> None:
        stop.set_from_signal_handler()

    previous = {sig: signal.signal(sig, request_stop) for sig in STOP_SIGNALS}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
