"""The HTTP server dispatches Slack's requests on a few threads, never on anyio's 40."""

from __future__ import annotations

import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import App

from bot.app import make_client
from bot.config import Settings
from bot.server import DISPATCH_THREADS, EVENTS_PATH, ServerThread
from slack_emulator.slack_requests import SlackSender

SECRET = "threads-test-secret"
REQUESTS = 3 * DISPATCH_THREADS


def test_requests_take_turns_on_a_few_threads_and_health_checks_still_answer(
    emulator_and_token,
):
    emulator, token = emulator_and_token
    app = App(
        signing_secret=SECRET,
        client=make_client(
            Settings(bot_token=token, signing_secret=SECRET, slack_api_url=emulator.base_url)
        ),
        process_before_response=True,
    )
    lock = threading.Lock()
    running = 0
    most = 0
    release = threading.Event()
    full = threading.Event()

    @app.command("/transition")
    def hold(ack: Any) -> None:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
            if running == DISPATCH_THREADS:
                full.set()
        release.wait(10)  # a request that takes its time (a slow database, say)
        with lock:
            running -= 1
        ack(text="ok")

    server = ServerThread(app).start()
    sender = SlackSender(server.url + EVENTS_PATH, SECRET, team_id="T1")
    try:
        with ThreadPoolExecutor(REQUESTS) as pool:
            answers = [
                pool.submit(sender.command, "status", user_id="U1", trigger_id=f"{n}.threads")
                for n in range(REQUESTS)
            ]
            assert full.wait(10), "the dispatch threads never filled up"
            # Every dispatch thread is held, yet the health check has a thread of its own.
            with urllib.request.urlopen(server.url + "/healthz", timeout=5) as health:
                assert health.status == 200
            with lock:
                assert running == DISPATCH_THREADS
            release.set()
            statuses = [answer.result(timeout=20).status for answer in answers]
    finally:
        release.set()
        server.stop()
    assert statuses == [200] * REQUESTS
    assert most == DISPATCH_THREADS
