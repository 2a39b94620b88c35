"""Stopping on SIGINT/SIGTERM (bot/shutdown.py); the processes themselves are stopped for
real in test_cli_run.py."""

from __future__ import annotations

import signal
import threading

from bot.shutdown import STOP_SIGNALS, StopRequest, stop_on_signals


def test_the_signal_handler_takes_no_lock():
    # A handler can interrupt the main thread inside Event.wait, which holds the event's lock:
    # a handler that took it would deadlock (it did, one stop in ten).
    stop = StopRequest()
    done = threading.Event()

    def handler_inside_the_lock() -> None:
        with stop._event._cond:  # what Event.wait holds while the handler runs
            stop.set_from_signal_handler()
        done.set()

    worker = threading.Thread(target=handler_inside_the_lock, daemon=True)
    worker.start()
    assert done.wait(timeout=5), "the signal path blocked on the event's lock"
    assert stop.is_set()


def test_within_the_block_both_signals_request_a_stop_and_the_old_handlers_come_back():
    before = {sig: signal.getsignal(sig) for sig in STOP_SIGNALS}
    for sig in STOP_SIGNALS:
        with stop_on_signals(StopRequest()) as stop:
            handler = signal.getsignal(sig)
            assert callable(handler) and handler is not before[sig]
            assert not stop.is_set()
            handler(sig, None)  # what the interpreter calls when the signal arrives
            assert stop.is_set()
            stop.wait()  # returns at once
        assert {s: signal.getsignal(s) for s in STOP_SIGNALS} == before


def test_a_stop_from_another_thread_ends_the_wait():
    stop = StopRequest()
    threading.Timer(0.05, stop.set).start()
    stop.wait()
    assert stop.is_set()


def test_outside_the_main_thread_nothing_is_installed():
    seen: list[object] = []

    def elsewhere() -> None:
        with stop_on_signals(StopRequest()):
            seen.append(signal.getsignal(signal.SIGTERM))

    before = signal.getsignal(signal.SIGTERM)
    worker = threading.Thread(target=elsewhere)
    worker.start()
    worker.join()
    assert seen == [before]
