"""`transition-coach`: run the bot, migrate the database, talk to an offline bot."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from dotenv import load_dotenv

from bot.config import ConfigError, Settings, load_settings

if TYPE_CHECKING:
    from bot.shutdown import StopRequest

logger = logging.getLogger("transition_coach")


class OfflineMode(Protocol):
    """What runs when no Slack settings are given: the bot against a local Slack emulator.

    It lives outside `bot/` (in `sandbox/`, which depends on `bot/`, never the reverse) and
    is handed to `main` by the console script.
    """

    def add_commands(self, sub: Any) -> None:
        """Add the offline-only subcommands (e.g. `send`) to the parser."""

    def run(self, settings: Settings, stop: StopRequest) -> None:
        """Run offline until `stop` is requested."""

    def tick_settings(self, settings: Settings) -> Settings:
        """Settings that point a one-off `tick` at the running offline bot's emulator."""

    def command(self, args: argparse.Namespace, settings: Settings) -> int | None:
        """Run an offline-only subcommand; None when `args` names none of them."""


def _configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
        stream=sys.stderr,
    )
    # Their INFO lines narrate their own start-up, not our events.
    for chatty in ("alembic", "apscheduler"):
        logging.getLogger(chatty).setLevel(max(logging.WARNING, logging.getLogger().level))


def _parser(offline: OfflineMode | None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="transition-coach",
        description="Transition Coach: a Slack app that coaches engineers into product roles.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser(
        "run",
        help="Serve Slack (Socket Mode with SLACK_APP_TOKEN, else HTTP on PORT); "
        "with no tokens, run offline against the built-in Slack emulator.",
    )
    sub.add_parser("migrate", help="Create or upgrade the database schema, then exit.")
    sub.add_parser(
        "check",
        help="Validate the settings and every program file (built-in and PROGRAMS_DIR), print "
        "one line, exit 0 when all is well and 2 when not. Run it after editing a program.",
    )
    tick = sub.add_parser(
        "tick",
        help="Run one pass of scheduled work (prompts, nudges, digests) and print what was sent.",
    )
    tick.add_argument(
        "--at",
        type=_instant,
        default=None,
        help="act as if it were this moment, e.g. 2026-03-09T17:00:00Z (default: now)",
    )
    if offline is not None:
        offline.add_commands(sub)
    return parser


def _instant(text: str) -> datetime:
    """An ISO 8601 instant; a time without an offset is read as UTC."""
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not an ISO 8601 time: {text!r} (e.g. 2026-03-09T17:00:00Z)"
        ) from None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def scheduler_config(settings: Settings) -> Any:
    """The runner settings from `settings`."""
    from bot.scheduling.pipeline import RunnerConfig

    return RunnerConfig(
        workers=settings.scheduler_workers, per_workspace_rate=settings.scheduler_rate
    )


def _tick(settings: Settings, at: datetime | None, offline: OfflineMode | None) -> int:
    from bot.app import build_services, client_for_team
    from bot.clock import MovableClock, SystemClock
    from bot.scheduling.pipeline import run_due_work

    if settings.offline:
        if offline is None:
            print(_NO_OFFLINE, file=sys.stderr)
            return 2
        settings = offline.tick_settings(settings)
    clock = MovableClock(at) if at is not None else SystemClock()
    services = build_services(settings, clock=clock)
    try:
        report = run_due_work(
            services,
            client_for_team(settings, services),
            clock.now(),
            config=scheduler_config(settings),
        )
    finally:
        services.db.dispose()
    print(report)
    return 0


def _start_scheduler(app: Any, settings: Settings) -> Any:
    from bot.app import client_for_team
    from bot.scheduling.service import SchedulerService

    # Each team's own token: the one bot token, or in OAuth mode that team's installation.
    return SchedulerService(
        app.services, client_for_team(settings, app.services), config=scheduler_config(settings)
    ).start()


_NO_OFFLINE = (
    "transition-coach: no Slack settings are set (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET or "
    "SLACK_CLIENT_ID), and this build has no offline mode: see .env.example."
)


def _run(settings: Settings, offline: OfflineMode | None) -> int:
    from bot.shutdown import StopRequest, stop_on_signals

    if settings.offline and offline is None:
        print(_NO_OFFLINE, file=sys.stderr)
        return 2
    # Signals are handled from the start, so a SIGTERM during start-up still ends in an
    # orderly shutdown rather than killing the process half-started.
    with stop_on_signals(StopRequest()) as stop:
        if settings.offline:
            assert offline is not None
            offline.run(settings, stop)
            return 0
        return _run_slack(settings, stop)


def _run_slack(settings: Settings, stop: StopRequest) -> int:
    from bot.app import create_app, greet_admins_on_first_start

    app = create_app(settings)
    # Before the scheduler starts: its first pass sends what this planned.
    greet_admins_on_first_start(settings, app.services)  # type: ignore[attr-defined]
    # A single-workspace install: the one bot token serves every team row in the database.
    scheduler = _start_scheduler(app, settings)
    try:
        if settings.socket_mode:
            return _run_socket_mode(app, settings, stop)
        if not stop.is_set():
            _serve_http(app, settings)
        return 0
    finally:
        scheduler.shutdown()  # lets a pass in progress finish
        app.after_ack.shutdown()  # type: ignore[attr-defined]  # replies to requests acked


def _run_socket_mode(app: Any, settings: Settings, stop: StopRequest) -> int:
    from slack_bolt.adapter.socket_mode import SocketModeHandler
    from slack_sdk.errors import SlackApiError

    logger.info("connecting to Slack over Socket Mode")
    handler = SocketModeHandler(app, settings.app_token)
    try:
        handler.connect()
    except SlackApiError as error:
        print(
            "transition-coach: Slack refused the Socket Mode connection "
            f"({error.response.get('error')}): check SLACK_APP_TOKEN and that Socket Mode "
            "is enabled for the app.",
            file=sys.stderr,
        )
        return 1
    try:
        stop.wait()
    finally:
        handler.close()
    return 0


def _serve_http(app: Any, settings: Settings) -> None:
    from bot.server import serve

    logger.info("serving Slack over HTTP on %s:%s", settings.host, settings.port)
    if settings.oauth:
        from bot.app import INSTALL_PATH

        logger.info(
            "many-workspace mode: each workspace installs from https://<your host>%s",
            INSTALL_PATH,
        )
    # uvicorn shuts down gracefully on SIGINT/SIGTERM, then raises the signal again: the
    # caller's handlers take it, so its `finally` still stops the scheduler.
    serve(app, host=settings.host, port=settings.port)


def _check(settings: Settings) -> int:
    """Load the programs as start-up would; a ProgramFileError reaches main()'s handler."""
    from bot.programs import load_programs

    programs = load_programs(settings.programs_dir)
    names = ", ".join(f"{p.id} ({p.weeks} weeks)" for p in programs.values())
    where = f" with PROGRAMS_DIR {settings.programs_dir}" if settings.programs_dir else ""
    print(f"transition-coach: OK: settings are valid; {len(programs)} programs{where}: {names}")
    return 0


def main(argv: Sequence[str] | None = None, *, offline: OfflineMode | None = None) -> int:
    """Entry point of the `transition-coach` command (`offline`: the no-tokens mode)."""
    args = _parser(offline).parse_args(argv)
    load_dotenv()  # .env is read here only, never at import time
    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"transition-coach: {error}", file=sys.stderr)
        return 2
    _configure_logging(settings.log_level)
    try:
        if args.command == "migrate":
            from storage.db import Database

            Database(settings.database_url).migrate()
            return 0
        if args.command == "check":
            return _check(settings)
        if args.command == "tick":
            return _tick(settings, args.at, offline)
        if args.command == "run":
            return _run(settings, offline)
        handled = offline.command(args, settings) if offline is not None else None
        if handled is None:
            raise AssertionError(f"unhandled command {args.command!r}")
        return handled
    except KeyboardInterrupt:
        return 0
    except Exception as error:
        from bot.programs import ProgramFileError

        if isinstance(error, ProgramFileError):
            print(f"transition-coach: program file refused: {error}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
