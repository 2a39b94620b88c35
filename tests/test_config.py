"""Settings: defaults, validation, and one clear line when something is wrong."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import SLACK_API_DEFAULT, ConfigError, load_settings

ROOT = Path(__file__).resolve().parent.parent


def test_no_tokens_means_offline_with_defaults():
    settings = load_settings({})
    assert settings.offline and not settings.socket_mode
    assert settings.port == 3000
    assert settings.slack_api_url == SLACK_API_DEFAULT
    assert settings.database_url == "sqlite:///transition-coach.db"


def test_http_mode_and_socket_mode():
    http = load_settings({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"})
    assert not http.offline and not http.socket_mode
    socket = load_settings({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"})
    assert socket.socket_mode


def test_oauth_mode_needs_client_id_secret_and_signing_secret_but_no_bot_token():
    oauth = load_settings(
        {"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "c", "SLACK_SIGNING_SECRET": "s"}
    )
    assert oauth.oauth and not oauth.offline and not oauth.socket_mode
    assert oauth.bot_token is None
    assert (oauth.client_id, oauth.client_secret) == ("1.2", "c")
    assert not load_settings({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}).oauth


def test_api_url_gets_its_trailing_slash_and_postgres_urls_their_driver():
    settings = load_settings(
        {"SLACK_API_URL": "http://127.0.0.1:9/api", "DATABASE_URL": "postgres://u:p@db/coach"}
    )
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"
    assert settings.database_url == "postgresql+psycopg://u:p@db/coach"


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        ({"SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxp-user", "SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "bad"}, "SLACK_APP_TOKEN"),
        ({"PORT": "eighty"}, "PORT"),
        ({"PORT": "70000"}, "PORT"),
        ({"SLACK_API_URL": "slack.com/api"}, "SLACK_API_URL"),
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        ({"PROGRAMS_DIR": "/no/such/dir"}, "PROGRAMS_DIR"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"SLACK_TIMEOUT": "0"}, "SLACK_TIMEOUT"),
        ({"SLACK_TIMEOUT": "soon"}, "SLACK_TIMEOUT"),
        ({"SLACK_CLIENT_ID": "1.2", "SLACK_SIGNING_SECRET": "s"}, "SLACK_CLIENT_SECRET"),
        ({"SLACK_CLIENT_SECRET": "c", "SLACK_SIGNING_SECRET": "s"}, "SLACK_CLIENT_ID"),
        ({"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "c"}, "SLACK_SIGNING_SECRET"),
        (
            {
                "SLACK_CLIENT_ID": "1.2",
                "SLACK_CLIENT_SECRET": "c",
                "SLACK_SIGNING_SECRET": "s",
                "SLACK_BOT_TOKEN": "xoxb-1",
            },
            "SLACK_BOT_TOKEN",
        ),
        (
            {
                "SLACK_CLIENT_ID": "1.2",
                "SLACK_CLIENT_SECRET": "c",
                "SLACK_SIGNING_SECRET": "s",
                "SLACK_APP_TOKEN": "xapp-1",
            },
            "SLACK_APP_TOKEN",
        ),
    ],
)
def test_bad_settings_name_the_setting(env, named):
    with pytest.raises(ConfigError) as error:
        load_settings(env)
    assert named in str(error.value)


def test_secrets_never_appear_in_the_repr():
    settings = load_settings(
        {
            "SLACK_BOT_TOKEN": "xoxb-secret-token",
            "SLACK_SIGNING_SECRET": "signing-secret",
            "DATABASE_URL": "postgresql://coach:hunter2@db/coach",
        }
    )
    text = repr(settings)
    for secret in ("xoxb-secret-token", "signing-secret", "hunter2"):
        assert secret not in text
    oauth = load_settings(
        {
            "SLACK_CLIENT_ID": "1.2",
            "SLACK_CLIENT_SECRET": "client-secret-value",
            "SLACK_SIGNING_SECRET": "signing-secret",
        }
    )
    assert "client-secret-value" not in repr(oauth)


def test_cli_reports_a_bad_setting_in_one_line_without_a_traceback(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    env.update({"SLACK_BOT_TOKEN": "xoxb-1", "PORT": "3000"})
    result = subprocess.run(
        [sys.executable, "-m", "sandbox.cli", "run"],
        cwd=tmp_path,  # no .env here
        env={**env, "PYTHONPATH": os.environ["PYTHONPATH"]},  # the repo and the loopback guard
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("transition-coach: SLACK_SIGNING_SECRET is missing")
    assert "Traceback" not in result.stderr
