"""Offline mode: the whole bot against the built-in Slack emulator, on 127.0.0.1 only."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from bot.app import build_services, create_app, greet_admins_on_first_start, make_client
from bot.clock import OffsetClock
from bot.config import BOT_SCOPES, ConfigError, Settings
from bot.outbound import Outbound
from bot.progress import week_start
from bot.scheduling.pipeline import RunnerConfig
from bot.scheduling.service import SchedulerService
from bot.server import EVENTS_PATH, ServerThread
from bot.services import Services
from bot.services import config as workspace_config
from bot.services.enrollment import join
from bot.shutdown import StopRequest
from slack_emulator import SlackEmulator

logger = logging.getLogger(__name__)

# Loopback-only demo credentials: the emulator accepts them, real Slack never sees them.
OFFLINE_SIGNING_SECRET = "offline-signing-secret"
# Fixed so `transition-coach tick` can reach the running offline bot's emulator.
OFFLINE_BOT_TOKEN = "xoxb-T0DEMO-offline-demo-token"
DEMO_TEAM = "T0DEMO"
DEMO_CHANNEL = "C0TRANSITION"
# A second channel, for trying a cohort: its intro post with the Join button lands there.
DEMO_COHORT_CHANNEL = "C0PECOHORT"
DEMO_COHORT_CHANNEL_NAME = "pe-cohort"
DEMO_MEMBERS = {
    "U0ALEX": ("alex", "Alex Rivera", "America/Los_Angeles"),
    "U0SAM": ("sam", "Sam Okafor", "Europe/Berlin"),
    "U0PRIYA": ("priya", "Priya Nair", "Asia/Kolkata"),
}
DEMO_ADMIN = "U0PRIYA"  # a Slack workspace admin, so `/transition config` can be tried
# "Next day" / "next week" play the time they skip in steps this long (see advance).
ADVANCE_STEP = timedelta(hours=1)
# Milliseconds the emulator adds to each Web API answer (0 by default); e.g. 150 makes the
# sandbox feel like Slack over the internet.
LATENCY_SETTING = "SLACK_EMULATOR_LATENCY_MS"


def emulator_latency(env: Mapping[str, str]) -> float:
    """Seconds of simulated Web API latency from the environment; ConfigError when malformed."""
    text = env.get(LATENCY_SETTING, "").strip() or "0"
    if not text.isdigit() or int(text) > 10_000:
        raise ConfigError(f"{LATENCY_SETTING} must be milliseconds from 0 to 10000, got {text!r}.")
    return int(text) / 1000


def start_emulator(port: int, latency: float = 0.0) -> tuple[SlackEmulator, str]:
    """Start the emulator with the demo team, installed with the scopes the app asks for
    (those of manifest.yml); returns it and the demo bot token."""
    emulator = SlackEmulator(host="127.0.0.1", port=port, latency=latency, bot_scopes=BOT_SCOPES)
    emulator.start()
    token = emulator.add_workspace(
        DEMO_TEAM, name="Demo team", domain="demo-team", token=OFFLINE_BOT_TOKEN
    )
    for user_id, (name, real_name, tz) in DEMO_MEMBERS.items():
        admin = user_id == DEMO_ADMIN
        emulator.add_user(DEMO_TEAM, user_id, name=name, real_name=real_name, tz=tz, is_admin=admin)
    emulator.add_channel(DEMO_TEAM, DEMO_CHANNEL, name="transition", bot_is_member=True)
    emulator.add_channel(
        DEMO_TEAM, DEMO_COHORT_CHANNEL, name=DEMO_COHORT_CHANNEL_NAME, bot_is_member=True
    )
    return emulator, token


def seed_demo(services: Services) -> None:
    """Enroll two demo members part-way through their programs (Alex is left to join), and
    make #transition the team channel, so ship posts and digests have somewhere to go."""
    workspace_config.update(services, team_id=DEMO_TEAM, team_channel_id=DEMO_CHANNEL)
    today = services.clock.now().date()
    seeds = [
        ("U0SAM", "product-engineer", "backend", 2),
        ("U0PRIYA", "engineer-to-pm", "platform-infra", 5),
    ]
    for user_id, program_id, background, weeks_ago in seeds:
        if program_id not in services.programs:
            continue
        join(
            services,
            team_id=DEMO_TEAM,
            user_id=user_id,
            program_id=program_id,
            background=background,
            start_date=week_start(today) - timedelta(weeks=weeks_ago),
            timezone=DEMO_MEMBERS[user_id][2],
        )


@dataclass
class OfflineBot:
    """The bot, the emulator and the sandbox page, all on 127.0.0.1, with a movable clock."""

    settings: Settings
    emulator: SlackEmulator
    token: str
    services: Services
    clock: OffsetClock
    server: ServerThread
    sandbox: ServerThread | None = None

    @classmethod
    def start(
        cls, settings: Settings, *, sandbox_port: int | None = None, latency: float = 0.0
    ) -> OfflineBot:
        """Start the emulator (PORT+1), the bot (PORT) and the sandbox page (PORT+2)."""
        emulator, token = start_emulator(settings.port + 1 if settings.port else 0, latency)
        offline_settings = replace(
            settings,
            bot_token=token,
            signing_secret=OFFLINE_SIGNING_SECRET,
            slack_api_url=emulator.base_url,
        )
        # The sandbox's "next day" / "next week" buttons move this clock, never the real one.
        clock = OffsetClock()
        # Scheduled messages (a snoozed prompt) post when their time comes on the same clock.
        emulator.set_clock(lambda: clock.now().timestamp())
        services = build_services(offline_settings, clock=clock)
        seed_demo(services)
        # As a real single-token start does: Priya (the demo admin) gets the set-up checklist
        # at the first scheduler pass, once per sandbox database.
        greet_admins_on_first_start(offline_settings, services)
        app = create_app(offline_settings, services=services)
        server = ServerThread(app, host="127.0.0.1", port=settings.port).start()
        bot = cls(
            settings=offline_settings,
            emulator=emulator,
            token=token,
            services=services,
            clock=clock,
            server=server,
        )
        from sandbox.page import build_sandbox

        if sandbox_port is None:
            sandbox_port = settings.port + 2 if settings.port else 0
        bot.sandbox = ServerThread(build_sandbox(bot), host="127.0.0.1", port=sandbox_port).start()
        return bot

    @property
    def events_url(self) -> str:
        """Where Slack's side sends signed requests."""
        return self.server.url + EVENTS_PATH

    def client_for_team(self, team_id: str) -> Outbound:
        """The way out to Slack with `team_id`'s bot token (only the demo team exists)."""
        client = make_client(replace(self.settings, bot_token=self.emulator.token(team_id)))
        return Outbound(client, team_id=team_id)

    def advance(self, delta: timedelta) -> datetime:
        """Move the simulated clock by `delta`, an hour at a time, with a scheduler pass after
        each step.

        One pass at the end would look like a bot that was down all along: the catch-up
        rules would skip what fell due on the way (a Monday prompt, Wednesday's nudge,
        Friday's recap). Stepping makes "next week" play the week as a running bot would.
        The single hook for simulated time: the sandbox's buttons call only this.
        """
        run_due_work = _scheduler_pass()
        now = self.clock.now()
        remaining = delta
        while remaining > timedelta(0):
            step = min(ADVANCE_STEP, remaining)
            now = self.clock.advance(step)
            remaining -= step
            self.emulator.deliver_scheduled()
            if run_due_work is not None:
                run_due_work(self.services, self.client_for_team, now)
        return now

    def stop(self) -> None:
        """Stop everything started by `start`."""
        if self.sandbox is not None:
            self.sandbox.stop()
        self.server.stop()
        self.emulator.stop()
        self.services.db.dispose()


def _scheduler_pass() -> Callable[..., Any] | None:
    """The scheduler's `run_due_work(services, client_for_team, now)` when it is installed."""
    try:
        module = importlib.import_module("bot.scheduling.pipeline")
    except ModuleNotFoundError:
        return None  # no scheduler in this build: moving the clock is all there is to do
    found = getattr(module, "run_due_work", None)
    return found if callable(found) else None


def run_offline(settings: Settings, *, stop: StopRequest, latency: float = 0.0) -> None:
    """Run until `stop` is requested (the caller turns Ctrl-C and SIGTERM into that)."""
    bot = OfflineBot.start(settings, latency=latency)
    server, emulator = bot.server, bot.emulator
    assert bot.sandbox is not None
    scheduler = SchedulerService(
        bot.services,
        bot.client_for_team,
        config=RunnerConfig(
            workers=settings.scheduler_workers, per_workspace_rate=settings.scheduler_rate
        ),
    ).start()
    print(
        "Transition Coach is running offline: no Slack tokens are set, so it talks to the\n"
        "built-in Slack emulator. Nothing leaves this machine.\n"
        f"  sandbox page:   {bot.sandbox.url}/   <- open this in a browser and play Slack\n"
        f"  bot:            {server.url}{EVENTS_PATH}   (health: {server.url}/healthz)\n"
        f"  Slack emulator: {emulator.base_url}\n"
        f"  demo team {DEMO_TEAM}: members {', '.join(DEMO_MEMBERS)}; channel #transition\n"
        "Or from another terminal:\n"
        '  scripts/run send "/transition help"\n'
        '  scripts/run send --user U0SAM "/transition status"\n'
        '  scripts/run send --user U0ALEX "/transition log We dropped CSV export without asking"\n'
        "Press Ctrl-C to stop.",
        flush=True,
    )
    try:
        stop.wait()
    finally:
        scheduler.shutdown()
        bot.stop()
