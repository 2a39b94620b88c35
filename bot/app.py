"""The app factory: a Bolt App wired to our services, for every mode (HTTP, Socket, offline)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from slack_bolt import App
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.oauth.callback_options import CallbackOptions, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk import WebClient

from bot import outbound
from bot.authorization import StoredInstallationAuthorize
from bot.clock import Clock, SystemClock
from bot.config import BOT_SCOPES, Settings
from bot.outbound import NotInstalledError, Outbound, SlackFailure
from bot.programs import load_programs
from bot.services import Services
from bot.services.welcome import greet_admins_once, greet_installer
from handlers import register_handlers
from handlers.listener import AfterAck
from storage.db import Database
from storage.installations import installation_store, state_store

logger = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"


def make_client(settings: Settings) -> WebClient:
    """A WebClient for `settings` (see bot.outbound.make_client for its retry policy)."""
    return outbound.make_client(
        settings.bot_token, base_url=settings.slack_api_url, timeout=settings.slack_timeout
    )


def quiet_slack_libraries() -> None:
    """Keep slack_sdk and slack_bolt at INFO even when LOG_LEVEL=DEBUG.

    Their DEBUG lines carry whole request bodies: bot tokens, the OAuth client secret and
    whatever users typed. Our own DEBUG lines never do, so only theirs are held back.
    """
    for name in ("slack_sdk", "slack_bolt"):
        logging.getLogger(name).setLevel(logging.INFO)
    # The edge (bot/edge.py) refuses a bad signature before Bolt sees it, but a request
    # that ages past the 5-minute window between the two checks would still reach Bolt's
    # INFO line quoting the whole body.
    logging.getLogger("slack_bolt.RequestVerification").addFilter(_without_request_body)


def _without_request_body(record: logging.LogRecord) -> bool:
    """Keep Bolt's "Invalid request signature" line, minus the signature and the body."""
    if isinstance(record.msg, str) and record.msg.startswith("Invalid request signature"):
        record.msg, record.args = "Invalid request signature detected (body not logged)", ()
    return True


def build_services(settings: Settings, *, clock: Clock | None = None) -> Services:
    """Open the database (migrated) and load the programs; fails fast on a broken program file."""
    programs = load_programs(settings.programs_dir)
    db = Database(settings.database_url)
    db.migrate()
    return Services(db=db, programs=programs, clock=clock or SystemClock())


def oauth_settings(settings: Settings, services: Services) -> OAuthSettings:
    """The install flow: installs and one-time states live in our database, so any instance
    behind the load balancer can finish an install another one started."""
    assert settings.client_id and settings.client_secret
    return OAuthSettings(
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        scopes=list(BOT_SCOPES),
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        # Straight to Slack's consent screen: no intermediate "Add to Slack" page to click.
        install_page_rendering_enabled=False,
        authorization_url=settings.authorize_url,
        installation_store=installation_store(services.db, client_id=settings.client_id),
        state_store=state_store(services.db),
        callback_options=CallbackOptions(
            success=_welcome_after_install(settings, services),
            failure=lambda args: args.default.failure(args),  # Bolt's own page
        ),
    )


def _welcome_after_install(
    settings: Settings, services: Services
) -> Callable[[SuccessArgs], BoltResponse]:
    """Bolt's install-success callback: the installer (named by the redirect) gets the set-up
    checklist in a DM, then the usual success page."""

    def success(args: SuccessArgs) -> BoltResponse:
        installation = args.installation
        if installation.team_id and installation.user_id and installation.bot_token:
            client = scheduler_client(replace(settings, bot_token=installation.bot_token))
            greet_installer(
                Outbound(client, team_id=installation.team_id),
                services,
                team_id=installation.team_id,
                user_id=installation.user_id,
            )
        return args.default.success(args)

    return success


def greet_admins_on_first_start(settings: Settings, services: Services) -> int:
    """With a single bot token nobody is named by an OAuth redirect: the first start plans
    the set-up checklist for the workspace's admins, once (bot/services/welcome.py). Slack
    failing here is logged and never stops the start; returns how many were planned."""
    if settings.oauth or not settings.bot_token:
        return 0
    slack = Outbound(make_client(settings), team_id=None)
    try:
        team_id = str(slack.call("auth.test").get("team_id") or "")
    except SlackFailure:
        return 0  # logged by Outbound; Bolt's own auth.test reports a bad token
    if not team_id:
        return 0
    slack.team_id = team_id
    return greet_admins_once(services, slack, team_id=team_id)


def client_for_team(settings: Settings, services: Services) -> Callable[[str], Outbound]:
    """A function giving the way out to Slack for a team, for work no Slack request started
    (the scheduler): the one bot token, or in OAuth mode that team's stored token.

    These clients do not wait out 429s themselves: the scheduler pauses just that workspace,
    for every thread and instance (bot/scheduling/pipeline.py).
    """
    if not settings.oauth:
        shared = scheduler_client(settings)
        return lambda team_id: Outbound(shared, team_id=team_id)
    assert settings.client_id is not None
    store = installation_store(services.db, client_id=settings.client_id)

    def for_team(team_id: str) -> Outbound:
        bot = store.find_bot(enterprise_id=None, team_id=team_id)
        if bot is None or not bot.bot_token:
            raise NotInstalledError(f"no installation for team {team_id}")
        return Outbound(
            scheduler_client(replace(settings, bot_token=bot.bot_token)), team_id=team_id
        )

    return for_team


def scheduler_client(settings: Settings) -> WebClient:
    """A WebClient for the scheduler: a 429 comes straight back (no waiting inside)."""
    return outbound.make_client(
        settings.bot_token,
        base_url=settings.slack_api_url,
        timeout=settings.slack_timeout,
        rate_limit_retries=0,
    )


def create_app(
    settings: Settings,
    client: WebClient | None = None,
    *,
    services: Services | None = None,
    authorize: Callable[..., AuthorizeResult] | None = None,
    after_ack: AfterAck | None = None,
) -> App:
    """Build the Bolt app. Request verification stays on in every mode.

    `authorize` (team -> token) serves several workspaces from one app; the client then
    carries no token of its own and Bolt gives each request a client with the team's token.

    With a client id (OAuth mode) there is no single token: each request's team is looked
    up in the installation store (bot/authorization.py, no auth.test), nothing is cached in
    process memory, so instances are interchangeable.

    Listeners acknowledge before anything calls Slack (handlers/listener.py); what comes
    after runs on `after_ack` (a pool of its own unless given).
    """
    services = services or build_services(settings)
    quiet_slack_libraries()
    # Bolt takes one way to find tokens: an authorize function, OAuth's installation store,
    # or (neither) the client's own token.
    auth: dict[str, Any] = {}
    if authorize is not None:
        auth["authorize"] = authorize
    elif settings.oauth:
        flow = oauth_settings(settings, services)
        auth["oauth_settings"] = flow
        auth["authorize"] = StoredInstallationAuthorize(flow.installation_store)
    app = App(
        # The token travels inside the client (Bolt reads it from there); in OAuth mode the
        # client has none and Bolt hands each listener a client holding the team's token.
        signing_secret=settings.signing_secret or "",
        client=client or make_client(settings),
        **auth,
        # The listener acknowledges and returns at once (its Slack work is queued on the
        # after-ack pool), so Bolt answers as soon as it returns: no 10 ms ack polling.
        process_before_response=True,
        # Socket Mode has no signatures to check; HTTP mode always checks them.
        request_verification_enabled=not settings.socket_mode,
        logger=logging.getLogger("slack_bolt"),
    )
    after_ack = after_ack or AfterAck()
    register_handlers(app, services, after_ack)
    app.services = services  # type: ignore[attr-defined]  # handy for the CLI and tests
    app.after_ack = after_ack  # type: ignore[attr-defined]  # stopped with the app
    return app
