"""SIGKILL in the middle of a burst of commands: every acknowledged entry survives, once."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import create_engine, select

from slack_emulator.slack_requests import SlackSender
from storage.models import Entry
from tests.reliability.ledger import LEDGER
from tests.test_cli_run import free_port_pair, offline_env, wait_until_healthy

SECRET = "kill-test-secret"
CLIENTS = 16
PER_CLIENT = 40


def start_bot(tmp_path, env) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "sandbox.cli", "run"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_sigkill_during_a_burst_loses_nothing_acknowledged(
    tmp_path, emulator_and_token, database_url
):
    emulator, token = emulator_and_token
    port = free_port_pair()
    env = offline_env(tmp_path, port)
    env.update(
        SLACK_BOT_TOKEN=token,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=emulator.base_url,
        HOST="127.0.0.1",
        DATABASE_URL=database_url,
        PYTHONPATH=os.environ["PYTHONPATH"],  # the repo and the loopback guard (conftest)
    )
    bot = start_bot(tmp_path, env)
    acknowledged: list[str] = []
    lock = threading.Lock()
    killed = threading.Event()
    try:
        wait_until_healthy(port)
        url = f"http://127.0.0.1:{port}/slack/events"

        def client(i: int) -> None:
            sender = SlackSender(url, SECRET, team_id="T1", timeout=5)
            for n in range(PER_CLIENT):
                text = f"burst {i}-{n}"
                try:
                    response = sender.command(f"log {text}", user_id="U1")
                except (OSError, http.client.HTTPException):
                    # The process died before or while answering: nothing was acknowledged.
                    return
                if response.status == 200 and "Saved" in response.body:
                    with lock:
                        acknowledged.append(text)
                        if len(acknowledged) == CLIENTS * PER_CLIENT // 3:
                            os.kill(bot.pid, 9)  # SIGKILL mid-burst, from inside the load
                            killed.set()

        with ThreadPoolExecutor(CLIENTS) as pool:
            list(pool.map(client, range(CLIENTS)))
        assert killed.is_set()
        bot.wait(timeout=20)
    finally:
        if bot.poll() is None:
            bot.kill()
            bot.wait(timeout=20)
    LEDGER.add("faults.injected")
    LEDGER.add("entries.acknowledged", len(acknowledged))

    # Restart on the same database: it starts, and every acknowledged entry is there, once.
    again = start_bot(tmp_path, env)
    try:
        wait_until_healthy(port)
    finally:
        again.terminate()
        again.wait(timeout=20)
    engine = create_engine(database_url)
    with engine.connect() as connection:
        stored = Counter(connection.execute(select(Entry.__table__.c.text)).scalars())
    engine.dispose()
    missing = [t for t in acknowledged if stored[t] == 0]
    assert missing == []
    assert max(stored.values()) == 1
    LEDGER.add("entries.found", len(acknowledged) - len(missing))
    LEDGER.add("faults.survived")
