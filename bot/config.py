"""Settings: read once from the environment at start-up, validated, failing with one clear line."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

SLACK_API_DEFAULT = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite:///transition-coach.db"
SLACK_AUTHORIZE_DEFAULT = "https://slack.com/oauth/v2/authorize"
# The bot scopes the app asks for at install (OAuth mode): the same list as manifest.yml's
# oauth_config.scopes.bot (tests/test_manifest.py holds them equal, and checks every Web API
# call in the code against it).
BOT_SCOPES = (
    "commands",
    "chat:write",
    "im:write",
    "im:history",
    "channels:history",
    "files:write",
    "users:read",
    "canvases:write",
)


class ConfigError(Exception):
    """A setting is missing or malformed; the message names it and says how to fix it."""


@dataclass(frozen=True)
class Settings:
    """Everything the bot needs to run, validated."""

    bot_token: str | None = None
    signing_secret: str | None = None
    app_token: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    # Where /slack/install sends the browser; tests point it at a fake authorize page.
    authorize_url: str = SLACK_AUTHORIZE_DEFAULT
    database_url: str = DEFAULT_DATABASE_URL
    port: int = 3000
    host: str = "0.0.0.0"
    slack_api_url: str = SLACK_API_DEFAULT
    programs_dir: Path | None = None
    log_level: str = "INFO"
    # Scheduler fan-out: worker threads, and chat.postMessage per second per workspace.
    scheduler_workers: int = 64
    scheduler_rate: float = 5.0
    slack_timeout: float = 10.0  # seconds per Web API call
    # Extra knobs tests and the offline mode set; never read from the environment.
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def offline(self) -> bool:
        """True when no Slack credentials are set: run against the built-in emulator."""
        return self.bot_token is None and self.signing_secret is None and self.client_id is None

    @property
    def oauth(self) -> bool:
        """True when the app is distributed: installs arrive over OAuth, one token per team."""
        return self.client_id is not None and self.client_secret is not None

    @property
    def socket_mode(self) -> bool:
        """True when an app-level token is set: connect over Socket Mode instead of HTTP."""
        return self.app_token is not None

    def __repr__(self) -> str:  # never print secrets, even by accident in a traceback
        return (
            f"Settings(database_url={_redact_url(self.database_url)!r}, port={self.port}, "
            f"slack_api_url={self.slack_api_url!r}, offline={self.offline}, "
            f"oauth={self.oauth}, socket_mode={self.socket_mode})"
        )


def _redact_url(url: str) -> str:
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


def _get(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build `Settings` from `env` (default: os.environ), raising ConfigError on a bad value."""
    env = os.environ if env is None else env
    bot_token = _get(env, "SLACK_BOT_TOKEN")
    signing_secret = _get(env, "SLACK_SIGNING_SECRET")
    app_token = _get(env, "SLACK_APP_TOKEN")
    client_id = _get(env, "SLACK_CLIENT_ID")
    client_secret = _get(env, "SLACK_CLIENT_SECRET")

    if bool(client_id) != bool(client_secret):
        missing = "SLACK_CLIENT_SECRET" if client_id else "SLACK_CLIENT_ID"
        raise ConfigError(
            f"{missing} is missing: installing in many workspaces needs both the Client ID "
            "and the Client Secret (Basic Information > App Credentials)."
        )
    if client_id:
        if app_token:
            raise ConfigError(
                "SLACK_APP_TOKEN cannot be combined with SLACK_CLIENT_ID: the OAuth install "
                "flow needs a public HTTPS URL, so unset SLACK_APP_TOKEN."
            )
        if not signing_secret:
            raise ConfigError(
                "SLACK_SIGNING_SECRET is missing: the OAuth (multi-workspace) mode serves "
                "HTTP and must verify Slack's requests (Basic Information > App Credentials)."
            )
        if bot_token:
            raise ConfigError(
                "SLACK_BOT_TOKEN must be empty when SLACK_CLIENT_ID is set: each workspace's "
                "token comes from its install and is kept in the database."
            )
    if bot_token and not bot_token.startswith("xoxb-"):
        raise ConfigError("SLACK_BOT_TOKEN must be a bot token starting with 'xoxb-'.")
    if app_token and not app_token.startswith("xapp-"):
        raise ConfigError("SLACK_APP_TOKEN must be an app-level token starting with 'xapp-'.")
    if bot_token and not signing_secret and not app_token:
        raise ConfigError(
            "SLACK_SIGNING_SECRET is missing: HTTP mode needs it to verify requests "
            "(Basic Information > App Credentials), or set SLACK_APP_TOKEN for Socket Mode."
        )
    if (signing_secret or app_token) and not bot_token and not client_id:
        raise ConfigError(
            "SLACK_BOT_TOKEN is missing (OAuth & Permissions > Bot User OAuth Token)."
        )

    port_text = _get(env, "PORT") or "3000"
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ConfigError(f"PORT must be a number between 1 and 65535, got {port_text!r}.")

    api_url = _get(env, "SLACK_API_URL") or SLACK_API_DEFAULT
    if not re.match(r"^https?://[^/\s]+", api_url):
        raise ConfigError(f"SLACK_API_URL must be an http(s) URL, got {api_url!r}.")
    if not api_url.endswith("/"):
        api_url += "/"

    database_url = _get(env, "DATABASE_URL") or DEFAULT_DATABASE_URL
    if database_url.startswith("postgres://"):  # Heroku-style URLs: SQLAlchemy needs the dialect
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgres://")
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    if not database_url.startswith(("sqlite://", "postgresql+psycopg://")):
        raise ConfigError(
            "DATABASE_URL must be sqlite:///path.db or postgresql://user:pass@host/db, "
            f"got {_redact_url(database_url)!r}."
        )

    programs_dir = _get(env, "PROGRAMS_DIR")
    if programs_dir and not Path(programs_dir).is_dir():
        raise ConfigError(f"PROGRAMS_DIR {programs_dir!r} is not a directory.")

    log_level = (_get(env, "LOG_LEVEL") or "INFO").upper()
    if log_level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        raise ConfigError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {log_level!r}.")

    workers_text = _get(env, "SCHEDULER_WORKERS") or "64"
    if not workers_text.isdigit() or not 1 <= int(workers_text) <= 512:
        raise ConfigError(
            f"SCHEDULER_WORKERS must be a number from 1 to 512, got {workers_text!r}."
        )
    rate_text = _get(env, "SCHEDULER_RATE") or "5"
    try:
        rate = float(rate_text)
    except ValueError:
        rate = -1.0
    if not 0 < rate <= 100:
        raise ConfigError(
            f"SCHEDULER_RATE (messages per second per workspace) must be in (0, 100], "
            f"got {rate_text!r}."
        )

    timeout_text = _get(env, "SLACK_TIMEOUT") or "10"
    try:
        slack_timeout = float(timeout_text)
    except ValueError:
        slack_timeout = -1.0
    if not 0 < slack_timeout <= 120:
        raise ConfigError(f"SLACK_TIMEOUT must be seconds in (0, 120], got {timeout_text!r}.")

    return Settings(
        slack_timeout=slack_timeout,
        scheduler_workers=int(workers_text),
        scheduler_rate=rate,
        bot_token=bot_token,
        signing_secret=signing_secret,
        app_token=app_token,
        client_id=client_id,
        client_secret=client_secret,
        database_url=database_url,
        port=int(port_text),
        host=_get(env, "HOST") or "0.0.0.0",
        slack_api_url=api_url,
        programs_dir=Path(programs_dir) if programs_dir else None,
        log_level=log_level,
    )
