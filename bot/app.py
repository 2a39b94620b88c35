"""The app factory: a Bolt App wired to our services, for every mode (HTTP, Socket, offline)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import App
from slack_bolt.authorization import AuthorizeResult
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.programs import load_programs
from bot.services import Services
from handlers import register_handlers
from storage.db import Database

logger = logging.getLogger(__name__)


def make_client(settings: Settings) -> WebClient:
    """A WebClient for `settings`: honours Retry-After on 429, retries 5xx and lost connections."""
    return WebClient(
        token=settings.bot_token,
        base_url=settings.slack_api_url,
        timeout=10,
        retry_handlers=[
            RateLimitErrorRetryHandler(max_retry_count=5),
            ServerErrorRetryHandler(max_retry_count=3),
            ConnectionErrorRetryHandler(max_retry_count=2),
        ],
    )


def build_services(settings: Settings, *, clock: Clock | None = None) -> Services:
    """Open the database (migrated) and load the programs; fails fast on a broken program file."""
    programs = load_programs(settings.programs_dir)
    db = Database(settings.database_url)
    db.migrate()
    return Services(db=db, programs=programs, clock=clock or SystemClock())


def create_app(
    settings: Settings,
    client: WebClient | None = None,
    *,
    services: Services | None = None,
    authorize: Callable[..., AuthorizeResult] | None = None,
) -> App:
    """Build the Bolt app. Request verification stays on in every mode.

    `authorize` (team -> token) serves several workspaces from one app; the client then
    carries no token of its own and Bolt gives each request a client with the team's token.
    """
    services = services or build_services(settings)
    app = App(
        # The token travels inside the client (Bolt reads it from there).
        signing_secret=settings.signing_secret or "",
        client=client or make_client(settings),
        authorize=authorize,
        process_before_response=False,  # ack first, slow work after, in Bolt's worker threads
        # Socket Mode has no signatures to check; HTTP mode always checks them.
        request_verification_enabled=not settings.socket_mode,
        logger=logging.getLogger("slack_bolt"),
    )
    register_handlers(app, services)
    app.services = services  # type: ignore[attr-defined]  # handy for the CLI and tests
    return app
