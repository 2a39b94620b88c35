"""The README's run command with no tokens: the bot runs offline against the emulator."""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port_pair() -> int:
    """A port p such that p, p+1 and p+2 are free (bot, emulator, sandbox page)."""
    for _ in range(50):
        with socket.socket() as first:
            first.bind(("127.0.0.1", 0))
            port = first.getsockname()[1]
            with socket.socket() as second, socket.socket() as third:
                try:
                    second.bind(("127.0.0.1", port + 1))
                    third.bind(("127.0.0.1", port + 2))
                except OSError:
                    continue
                return port
    raise RuntimeError("no free port triple")


def wait_until_healthy(port: int, timeout: float = 60.0) -> None:
    """Poll /healthz until the server answers (start-up readiness, bounded)."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pause.wait(0.1)
    raise AssertionError(f"no answer on port {port} after {timeout}s")


@contextmanager
def bot_process(
    tmp_path: Path, env: dict[str, str], stop_with: int = signal.SIGINT, **popen: Any
) -> Iterator[subprocess.Popen]:
    """`transition-coach run` in a subprocess; on exit it must stop cleanly on `stop_with`."""
    bot = subprocess.Popen(
        [sys.executable, "-m", "sandbox.cli", "run"], cwd=tmp_path, env=env, **popen
    )
    try:
        yield bot
    finally:
        bot.send_signal(stop_with)
        try:
            assert bot.wait(timeout=20) == 0
        finally:
            if bot.poll() is None:
                bot.kill()


def offline_env(tmp_path: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    env.update(
        PORT=str(port),
        DATABASE_URL=f"sqlite:///{tmp_path / 'offline.db'}",
        PYTHONPATH=os.environ["PYTHONPATH"],  # the repo and the loopback guard (conftest)
        LOG_LEVEL="WARNING",
    )
    return env


def http_env(tmp_path: Path, port: int, api_url: str, token: str) -> dict[str, str]:
    """HTTP mode with one bot token against the emulator at `api_url`."""
    env = offline_env(tmp_path, port)
    env.update(
        SLACK_BOT_TOKEN=token,
        SLACK_SIGNING_SECRET="http-mode-secret",
        SLACK_API_URL=api_url,
        HOST="127.0.0.1",
    )
    return env


def test_run_without_tokens_serves_offline_and_answers_commands(tmp_path):
    port = free_port_pair()
    env = offline_env(tmp_path, port)
    output = {"stdout": subprocess.PIPE, "stderr": subprocess.STDOUT, "text": True}
    with bot_process(tmp_path, env, **output) as bot:
        lines: queue.Queue[str] = queue.Queue()
        reader = threading.Thread(target=lambda: [lines.put(x) for x in bot.stdout], daemon=True)
        reader.start()
        banner = []
        while not banner or "Ctrl-C" not in banner[-1]:
            banner.append(lines.get(timeout=60))
        text = "".join(banner)
        assert "running offline" in text
        assert f"http://127.0.0.1:{port}/slack/events" in text
        sandbox = f"http://127.0.0.1:{port + 2}/"
        assert sandbox in text
        with urllib.request.urlopen(sandbox, timeout=10) as page:
            assert page.status == 200
            assert "offline sandbox" in page.read().decode()

        def send(*args: str) -> str:
            result = subprocess.run(
                [sys.executable, "-m", "sandbox.cli", "send", *args],
                cwd=tmp_path,
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert result.returncode == 0, result.stdout + result.stderr
            return result.stdout

        assert "/transition join" in send("/transition help")
        assert "of 12" in send("--user", "U0SAM", "/transition status")
        saved = send("--user", "U0ALEX", "/transition log We dropped CSV export <b> & more")
        assert "Saved" in saved
        assert "We dropped CSV export &lt;b&gt; &amp; more" in saved  # typed text kept whole

        # Found from outside: `send ... | head` left a BrokenPipeError traceback.
        read_end, write_end = os.pipe()
        os.close(read_end)  # a reader that has stopped reading, as head does
        try:
            piped = subprocess.run(
                [sys.executable, "-m", "sandbox.cli", "send", "/transition help"],
                cwd=tmp_path,
                env=env,
                stdout=write_end,
                stderr=subprocess.PIPE,
                text=True,
                timeout=60,
            )
        finally:
            os.close(write_end)
        assert piped.returncode == 0, piped.stderr
        assert "Traceback" not in piped.stderr and "BrokenPipe" not in piped.stderr


def ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # as a shell's background job starts


@pytest.mark.parametrize(
    ("stop_with", "preexec"),
    [(signal.SIGTERM, None), (signal.SIGINT, ignore_sigint)],
    ids=["sigterm", "ctrl-c-as-a-background-job"],
)
def test_offline_run_shuts_down_in_order_however_it_is_stopped(tmp_path, stop_with, preexec):
    """SIGTERM, or Ctrl-C reaching a process that inherited SIGINT ignored, still stops the
    scheduler and the servers in order and exits 0 (both used to leave it running or kill it)."""
    env = offline_env(tmp_path, free_port_pair())
    env["LOG_LEVEL"] = "INFO"
    output = {"stdout": subprocess.PIPE, "stderr": subprocess.STDOUT, "text": True}
    with bot_process(tmp_path, env, stop_with, preexec_fn=preexec, **output) as bot:
        for line in bot.stdout:
            if "Ctrl-C" in line:
                break
    rest = bot.stdout.read()
    assert "scheduler stopped" in rest
    assert "Traceback" not in rest


@pytest.mark.parametrize("stop_with", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_run_with_tokens_serves_slack_over_http(tmp_path, emulator_and_token, stop_with):
    """HTTP mode: uvicorn on PORT, signed requests in, Web API calls out to SLACK_API_URL.

    Stopped with Ctrl-C or with SIGTERM (a process manager), it exits 0 either way.
    """
    from slack_emulator.slack_requests import SlackSender

    emulator, token = emulator_and_token
    port = free_port_pair()
    env = http_env(tmp_path, port, emulator.base_url, token)
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    with bot_process(tmp_path, env, stop_with, **quiet):
        wait_until_healthy(port)
        sender = SlackSender(
            f"http://127.0.0.1:{port}/slack/events", "http-mode-secret", emulator=emulator
        )
        response = sender.command("join", user_id="U1", team_id="T1")
        assert response.status == 200
        opened = emulator.wait_for("views.open", timeout=10)[0]
        assert opened.ok and opened.token == token
        forged = sender.command("help", user_id="U1", secret="wrong")
        assert forged.status == 401


def test_run_with_client_id_serves_the_install_flow_and_each_team_token(
    tmp_path, emulator_and_token
):
    """OAuth mode from the CLI: no bot token, an install stored in DATABASE_URL, answers."""
    import requests

    from slack_emulator.slack_requests import SlackSender

    emulator, token = emulator_and_token
    port = free_port_pair()
    env = offline_env(tmp_path, port)
    env.update(
        SLACK_CLIENT_ID="9.9",
        SLACK_CLIENT_SECRET="cli-client-secret",
        SLACK_SIGNING_SECRET="cli-signing-secret",
        SLACK_API_URL=emulator.base_url,
        HOST="127.0.0.1",
    )
    bot = subprocess.Popen(
        [sys.executable, "-m", "sandbox.cli", "run"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_healthy(port)
        base = f"http://127.0.0.1:{port}"
        install = requests.get(base + "/slack/install", allow_redirects=False, timeout=10)
        assert install.status_code == 302
        location = install.headers["Location"]
        assert location.startswith("https://slack.com/oauth/v2/authorize?")
        state = install.cookies.get("slack-app-oauth-state")
        assert state and f"state={state}" in location
        # The consent page grants what the install URL asked for, no more.
        [asked] = parse_qs(urlsplit(location).query)["scope"]
        emulator.add_oauth_code(
            "cli-code",
            "T1",
            client_id="9.9",
            client_secret="cli-client-secret",
            scope=asked,
            user_id="U1",
        )
        done = requests.get(
            base + "/slack/oauth_redirect",
            params={"code": "cli-code", "state": state},
            headers={"Cookie": f"slack-app-oauth-state={state}"},
            timeout=10,
        )
        assert done.status_code == 200
        sender = SlackSender(f"{base}/slack/events", "cli-signing-secret", emulator=emulator)
        assert sender.command("join", user_id="U1", team_id="T1").status == 200
        opened = emulator.wait_for("views.open", timeout=10)[0]
        assert opened.ok and opened.token == token
    finally:
        bot.send_signal(signal.SIGINT)
        try:
            assert bot.wait(timeout=20) == 0
        finally:
            if bot.poll() is None:
                bot.kill()


def test_an_unknown_app_token_is_refused_in_one_line(tmp_path, emulator_and_token):
    """Slack refusing apps.connections.open (here: an app token it never issued) stops the
    bot with one line naming the error, not a traceback."""
    emulator, token = emulator_and_token
    env = offline_env(tmp_path, free_port_pair())
    env.update(
        SLACK_BOT_TOKEN=token, SLACK_APP_TOKEN="xapp-1-unknown", SLACK_API_URL=emulator.base_url
    )
    result = subprocess.run(
        [sys.executable, "-m", "sandbox.cli", "run"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    [call] = emulator.calls_to("apps.connections.open")
    assert call.token == "xapp-1-unknown"
    assert result.returncode == 1
    assert "Slack refused the Socket Mode connection (invalid_auth)" in result.stderr
    assert "Traceback" not in result.stderr


def test_run_with_an_app_token_serves_socket_mode_and_stops_in_order_on_sigterm(
    tmp_path, emulator_and_token
):
    """Socket Mode from the CLI: the bot connects to the emulator's socket, answers a slash
    command there, and on SIGTERM closes the websocket and exits 0 within seconds."""
    from slack_emulator.slack_requests import SlackSender

    emulator, token = emulator_and_token
    app_token = emulator.add_app_token()
    env = offline_env(tmp_path, free_port_pair())
    env.update(
        SLACK_BOT_TOKEN=token,
        SLACK_APP_TOKEN=app_token,
        SLACK_API_URL=emulator.base_url,
        LOG_LEVEL="INFO",
    )
    bot = subprocess.Popen(
        [sys.executable, "-m", "sandbox.cli", "run"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    stderr: list[str] = []
    # Read stderr as it comes, so a chatty start-up can never fill the pipe and stall the bot.
    reader = threading.Thread(target=lambda: stderr.extend(bot.stderr), daemon=True)
    reader.start()
    try:
        emulator.wait_for_socket_connections(1, timeout=60)  # start-up includes migrations
        [opened] = emulator.calls_to("apps.connections.open")
        assert opened.ok and opened.token == app_token

        answer = SlackSender("", "", socket=emulator).command("help", user_id="U1", team_id="T1")
        assert answer.status == 200
        assert "/transition join" in answer.body

        bot.send_signal(signal.SIGTERM)
        stopping = time.monotonic()
        assert bot.wait(timeout=10) == 0
        assert time.monotonic() - stopping < 5
        emulator.wait_for_socket_connections(0, timeout=5)  # the bot closed its websocket
    finally:
        if bot.poll() is None:
            bot.kill()
            bot.wait(timeout=10)
    reader.join(timeout=10)
    output = "".join(stderr)
    assert "scheduler stopped" in output
    assert "Traceback" not in output


def test_first_start_with_one_token_greets_admins_once_and_a_failing_users_list_is_harmless(
    tmp_path, emulator_and_token
):
    """`transition-coach run` with SLACK_BOT_TOKEN: a users.list failure at start is logged
    and the bot serves anyway; the next start plans the admins' checklist; a third plans
    nothing and does not even ask Slack for the members again."""
    from sqlalchemy import create_engine, text

    emulator, token = emulator_and_token
    emulator.add_user("T1", "U9ADMIN", is_admin=True)
    port = free_port_pair()
    env = http_env(tmp_path, port, emulator.base_url, token)
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    engine = create_engine(env["DATABASE_URL"])

    def welcomes() -> list[str]:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT user_id FROM due_item WHERE kind='welcome'"))
            return [r[0] for r in rows]

    emulator.fail("users.list", "fatal_error", times=10)
    with bot_process(tmp_path, env, **quiet):
        wait_until_healthy(port)
    assert emulator.calls_to("users.list") and welcomes() == []
    emulator.clear_faults()
    with bot_process(tmp_path, env, **quiet):
        wait_until_healthy(port)
    assert welcomes() == ["U9ADMIN"]
    asked = len(emulator.calls_to("users.list"))
    with bot_process(tmp_path, env, **quiet):
        wait_until_healthy(port)
    assert welcomes() == ["U9ADMIN"] and len(emulator.calls_to("users.list")) == asked
    engine.dispose()
