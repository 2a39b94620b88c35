"""The loopback guard itself: a connection off 127.0.0.1 fails the run, in-process and in a
subprocess, before anything is sent."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from tests.loopback_guard import guard


@pytest.fixture
def own_attempts(tmp_path, monkeypatch):
    """Attempts this test makes on purpose are not held against the run."""
    monkeypatch.setenv(guard.LOG_ENV, str(tmp_path / "own-attempts.log"))
    before = len(guard.attempts)
    yield
    del guard.attempts[before:]


def test_a_connection_off_this_machine_is_refused_in_process(own_attempts):
    before = len(guard.attempts)
    with pytest.raises(guard.NonLoopbackConnection):
        socket.create_connection(("10.255.255.1", 443), timeout=1)
    with pytest.raises(guard.NonLoopbackConnection):
        socket.getaddrinfo("hooks.slack.com", 443)
    assert len(guard.attempts) == before + 2
    # Loopback stays open: the emulator, the app and PostgreSQL all live there.
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        socket.create_connection(server.getsockname(), timeout=1).close()
    assert len(guard.attempts) == before + 2


def test_a_subprocess_is_guarded_too(tmp_path, own_attempts):
    log = tmp_path / "attempts.log"
    env = {**os.environ, guard.LOG_ENV: str(log)}
    code = "import urllib.request; urllib.request.urlopen('https://hooks.slack.com/x', timeout=2)"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "refused by the loopback guard" in result.stderr
    assert "hooks.slack.com" in log.read_text()
