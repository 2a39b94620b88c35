"""Shared fixtures: a real database (SQLite file or PostgreSQL), the Slack emulator over real
HTTP, the app served by uvicorn on 127.0.0.1 (or connected over Socket Mode), and a Slack-side
sender that signs requests (or delivers them over the socket)."""

from __future__ import annotations

import logging
import os
import tempfile
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.authorization import AuthorizeResult
from slack_sdk import WebClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.app import create_app, make_client
from bot.clock import MovableClock
from bot.config import Settings
from bot.outbound import Outbound
from bot.programs import load_programs
from bot.server import EVENTS_PATH, ServerThread
from bot.services import Services
from sandbox.offline import OfflineBot
from slack_emulator import SlackEmulator
from slack_emulator.slack_requests import SlackSender
from storage.db import Database
from tests.loopback_guard import guard as loopback_guard

SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
TEAM = "T1"
# A Monday morning in Berlin: a handy, fixed "now" for the tests.
START = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)

PG_URL = os.environ.get("TEST_DATABASE_URL")
ROOT = Path(__file__).resolve().parent.parent
GUARD_DIR = Path(__file__).parent / "loopback_guard"
# What installing the app from its manifest grants a workspace's bot token: the tests run
# with exactly these scopes, so a Web API call the manifest does not cover fails here too.
MANIFEST_SCOPES = tuple(
    yaml.safe_load((ROOT / "manifest.yml").read_text())["oauth_config"]["scopes"]["bot"]
)


def pytest_configure(config: Any) -> None:
    """Refuse any connection off 127.0.0.1, here and in every Python subprocess a test starts
    (they inherit PYTHONPATH, whose first entry is the guard's sitecustomize)."""
    loopback_guard.install()
    log = Path(tempfile.mkdtemp(prefix="loopback-guard-")) / "attempts.log"
    os.environ[loopback_guard.LOG_ENV] = str(log)
    paths = [str(GUARD_DIR), str(ROOT), os.environ.get("PYTHONPATH", "")]
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    """Fail the run if anything (here or in a subprocess) tried to leave this machine."""
    log = Path(os.environ.get(loopback_guard.LOG_ENV, ""))
    seen = list(loopback_guard.attempts)
    if log.is_file():
        seen += [line for line in log.read_text().splitlines() if line not in seen]
    if seen:
        session.config.loopback_attempts = seen
        session.exitstatus = 1


def pytest_report_header() -> str:
    """Say which database this run uses."""
    if PG_URL:
        return f"database: PostgreSQL ({make_url(PG_URL).render_as_string()})"
    return "database: SQLite"


@pytest.fixture(scope="session")
def programs() -> Any:
    """The built-in programs, loaded once."""
    return load_programs()


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str | None]:
    """On PostgreSQL: a migrated template database each test copies (fast and isolated)."""
    if not PG_URL:
        yield None
        return
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"tc_template_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    template_url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    db = Database(template_url)
    db.migrate()
    db.dispose()
    yield name
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def database_url(tmp_path: Any, pg_template: str | None) -> Iterator[str]:
    """A fresh, migrated database for one test."""
    if pg_template is None:
        url = f"sqlite:///{tmp_path / 'test.db'}"
        db = Database(url)
        db.migrate()
        db.dispose()
        yield url
        return
    assert PG_URL is not None
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"tc_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"'))
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def clock() -> MovableClock:
    """A clock that only moves when a test moves it."""
    return MovableClock(START)


@pytest.fixture
def emulator_and_token() -> Iterator[tuple[SlackEmulator, str]]:
    """The Slack Web API emulator with workspace T1, members U1/U2 and channel C1."""
    emu = SlackEmulator(host="127.0.0.1", port=0, bot_scopes=MANIFEST_SCOPES)
    emu.start()
    token = emu.add_workspace(TEAM, name="Acme", domain="acme")
    emu.add_user(TEAM, "U1", name="alex", real_name="Alex Doe", tz="Europe/Berlin")
    emu.add_user(TEAM, "U2", name="sam", real_name="Sam Roe", tz="America/Los_Angeles")
    emu.add_channel(TEAM, "C1", name="transition", bot_is_member=True)
    yield emu, token
    emu.stop()


@pytest.fixture
def emulator(emulator_and_token: tuple[SlackEmulator, str]) -> SlackEmulator:
    """The running emulator."""
    return emulator_and_token[0]


class LogWatcher(logging.Handler):
    """Collects log records from every thread and lets a test wait for one to appear."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self._records: list[str] = []
        self._changed = threading.Condition()

    def emit(self, record: logging.LogRecord) -> None:
        with self._changed:
            self._records.append(record.getMessage())
            self._changed.notify_all()

    def messages(self) -> list[str]:
        """Everything logged so far."""
        with self._changed:
            return list(self._records)

    def wait_for(self, fragment: str, timeout: float = 5.0) -> bool:
        """True once a message containing `fragment` is logged, False after `timeout`."""
        with self._changed:
            return self._changed.wait_for(
                lambda: any(fragment in m for m in self._records), timeout=timeout
            )


@pytest.fixture
def log_watcher() -> Iterator[LogWatcher]:
    """Watch the app's log lines (listener threads included)."""
    watcher = LogWatcher()
    root = logging.getLogger()
    previous = root.level
    root.addHandler(watcher)
    root.setLevel(logging.INFO)
    yield watcher
    root.removeHandler(watcher)
    root.setLevel(previous)


@dataclass
class Harness:
    """Everything a scenario test touches: Slack's side, the app's side, the database."""

    sender: SlackSender
    emulator: SlackEmulator
    services: Services
    clock: MovableClock
    url: str
    app: Any = None
    _views_seen: int = 0
    last_view: dict[str, Any] | None = None  # the view opened_view returned last

    def outbound(self, team_id: str = TEAM) -> Outbound:
        """The way out to Slack with `team_id`'s token, as the scheduler gets it."""
        client = make_client(
            Settings(bot_token=self.emulator.token(team_id), slack_api_url=self.emulator.base_url)
        )
        return Outbound(client, team_id=team_id)

    def settle(self) -> None:
        """Wait until the work after every ack so far is done (no sleeping)."""
        after_ack = getattr(self.app, "after_ack", None)
        assert after_ack is None or after_ack.settle(), "after-ack work did not finish"

    def command(self, text: str, *, user_id: str = "U1", **kwargs: Any) -> Any:
        """Send `/transition <text>` and return the app's HTTP response."""
        return self.sender.command(text, user_id=user_id, **kwargs)

    def opened_view(self) -> dict[str, Any]:
        """The next view the app opens with views.open (waiting for it), as Slack holds it.

        Each call returns a newer view than the last, so a test that opens two modals never
        reads the first one twice.
        """
        self._views_seen += 1
        call = self.emulator.wait_for("views.open", count=self._views_seen)[self._views_seen - 1]
        self.last_view = call.response["view"]
        return self.last_view


@contextmanager
def serve_app(
    emulator: SlackEmulator,
    token: str,
    database_url: str,
    clock: MovableClock,
    programs: Any,
    *,
    slack_timeout: float = 2,
) -> Iterator[Harness]:
    """The app served over real HTTP, wired to the emulator and a database."""
    settings = Settings(
        bot_token=token,
        signing_secret=SIGNING_SECRET,
        database_url=database_url,
        slack_api_url=emulator.base_url,
        slack_timeout=slack_timeout,
    )
    services = Services(db=Database(database_url), programs=programs, clock=clock)
    app = create_app(settings, services=services)
    server = ServerThread(app).start()
    url = server.url + EVENTS_PATH
    # Slack's clock is the real one: request timestamps are checked against real time.
    sender = SlackSender(url, SIGNING_SECRET, team_id=TEAM, emulator=emulator)
    try:
        yield Harness(
            sender=sender, emulator=emulator, services=services, clock=clock, url=url, app=app
        )
    finally:
        server.stop()
        services.db.dispose()


@pytest.fixture
def slack(
    emulator_and_token: tuple[SlackEmulator, str],
    database_url: str,
    clock: MovableClock,
    programs: Any,
) -> Iterator[Harness]:
    """The app served over real HTTP, wired to the emulator and a fresh database; a slow
    Slack shows up in seconds (2 s per Web API call), not minutes."""
    emulator, token = emulator_and_token
    with serve_app(emulator, token, database_url, clock, programs) as harness:
        yield harness


@pytest.fixture
def slack_socket(
    emulator_and_token: tuple[SlackEmulator, str],
    database_url: str,
    clock: MovableClock,
    programs: Any,
) -> Iterator[Harness]:
    """The same app over Socket Mode: Bolt's SocketModeHandler (what `transition-coach run`
    uses with SLACK_APP_TOKEN) connected to the emulator, and a sender that delivers there.

    Request verification is off only because Socket Mode requests carry no signature
    (Settings.socket_mode: an app token is set); the connection itself is what Slack checks.
    """
    emulator, token = emulator_and_token
    app_token = emulator.add_app_token()
    settings = Settings(
        bot_token=token,
        app_token=app_token,
        database_url=database_url,
        slack_api_url=emulator.base_url,
        slack_timeout=2,
    )
    services = Services(db=Database(database_url), programs=programs, clock=clock)
    app = create_app(settings, services=services)
    handler = SocketModeHandler(app, app_token)
    handler.connect()
    emulator.wait_for_socket_connections(1)
    sender = SlackSender("", "", team_id=TEAM, socket=emulator)  # no HTTP endpoint here
    yield Harness(sender=sender, emulator=emulator, services=services, clock=clock, url="", app=app)
    handler.close()
    emulator.wait_for_socket_connections(0)
    app.after_ack.shutdown()  # type: ignore[attr-defined]
    services.db.dispose()


@pytest.fixture(params=["http", "socket"])
def slack_transport(request: pytest.FixtureRequest) -> Harness:
    """The app over HTTP, then over Socket Mode: a test using this runs once for each."""
    harness: Harness = request.getfixturevalue(
        "slack" if request.param == "http" else "slack_socket"
    )
    return harness


@dataclass
class TwoTeams:
    sender: SlackSender
    emulator: SlackEmulator
    services: Services


@pytest.fixture
def two_teams(
    emulator_and_token: tuple[SlackEmulator, str], database_url: str, clock, programs
) -> Iterator[TwoTeams]:
    """One app serving T1 and T2: `authorize` hands each request its own team's token.

    The shared `slack` fixture serves one token, so a second team needs this app; the only
    addition to create_app is its optional `authorize` parameter.
    """
    emulator, _ = emulator_and_token
    emulator.add_workspace("T2", name="Globex", domain="globex")
    emulator.add_user("T2", "V1", name="val", is_admin=True)
    emulator.add_user("T2", "V2", name="vic")
    emulator.add_channel("T2", "G2", name="ships")
    emulator.add_user("T1", "U3", name="ada", is_admin=True)

    def authorize(team_id: str | None, **_: Any) -> AuthorizeResult:
        assert team_id is not None
        return AuthorizeResult(
            enterprise_id=None,
            team_id=team_id,
            bot_token=emulator.token(team_id),
            bot_user_id=emulator.bot_user_id(team_id),
            bot_id=emulator.bot_id(team_id),
        )

    settings = Settings(
        signing_secret=SIGNING_SECRET,
        database_url=database_url,
        slack_api_url=emulator.base_url,
    )
    services = Services(db=Database(database_url), programs=programs, clock=clock)
    client = WebClient(base_url=emulator.base_url)  # no token: each request gets its team's
    app = create_app(settings, client, services=services, authorize=authorize)
    server = ServerThread(app).start()
    sender = SlackSender(
        server.url + EVENTS_PATH,
        SIGNING_SECRET,
        team_id="T1",
        emulator=emulator,
    )
    yield TwoTeams(sender=sender, emulator=emulator, services=services)
    server.stop()
    services.db.dispose()


@pytest.fixture
def offline(tmp_path: Path) -> Iterator[OfflineBot]:
    """Offline mode in-process on free ports: emulator, bot and sandbox page."""
    bot = OfflineBot.start(Settings(database_url=f"sqlite:///{tmp_path / 'sandbox.db'}", port=0))
    yield bot
    bot.stop()


def move_to(offline: OfflineBot, weekday: int, hour: int) -> datetime:
    """Jump the sandbox clock (which only moves forward) to the next `weekday` `hour`:00 UTC.

    What a week of waiting brings depends on where in the week it starts, so a test that
    lets time pass starts from a fixed point, not from whenever CI happens to run.
    """
    now = offline.clock.now()
    target = datetime.combine(now.date(), time(hour), tzinfo=UTC)
    target += timedelta(days=(weekday - now.weekday()) % 7)
    if target <= now:
        target += timedelta(days=7)
    return offline.clock.advance(target - now)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print what the reliability suite tried and what held, and any connection attempt
    the loopback guard refused."""
    attempts = getattr(terminalreporter.config, "loopback_attempts", [])
    if attempts:
        terminalreporter.section("connections refused by the loopback guard (run FAILED)")
        for line in attempts:
            terminalreporter.write_line(line)
    from tests.reliability.ledger import LEDGER

    lines = LEDGER.lines()
    if lines:
        terminalreporter.section("reliability summary")
        for line in lines:
            terminalreporter.write_line(line)
