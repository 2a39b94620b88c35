"""Offline mode: the whole bot against the built-in Slack emulator, on 127.0.0.1 only."""

from __future__ import annotations

import logging
import threading
from dataclasses import replace
from datetime import timedelta

from bot.app import build_services, create_app
from bot.config import Settings
from bot.emulator import SlackEmulator
from bot.progress import week_start
from bot.scheduling.runner import RunnerConfig
from bot.scheduling.service import SchedulerService
from bot.server import EVENTS_PATH, ServerThread
from bot.services import Services
from bot.services.enrollment import join

logger = logging.getLogger(__name__)

# Loopback-only demo credentials: the emulator accepts them, real Slack never sees them.
OFFLINE_SIGNING_SECRET = "offline-signing-secret"
# Fixed so `transition-coach tick` can reach the running offline bot's emulator.
OFFLINE_BOT_TOKEN = "xoxb-T0DEMO-offline-demo-token"
DEMO_TEAM = "T0DEMO"
DEMO_CHANNEL = "C0TRANSITION"
DEMO_MEMBERS = {
    "U0ALEX": ("alex", "Alex Rivera", "America/Los_Angeles"),
    "U0SAM": ("sam", "Sam Okafor", "Europe/Berlin"),
    "U0PRIYA": ("priya", "Priya Nair", "Asia/Kolkata"),
}


def start_emulator(port: int) -> tuple[SlackEmulator, str]:
    """Start the emulator with the demo team; returns it and the demo bot token."""
    emulator = SlackEmulator(host="127.0.0.1", port=port)
    emulator.start()
    token = emulator.add_workspace(
        DEMO_TEAM, name="Demo team", domain="demo-team", token=OFFLINE_BOT_TOKEN
    )
    for user_id, (name, real_name, tz) in DEMO_MEMBERS.items():
        emulator.add_user(DEMO_TEAM, user_id, name=name, real_name=real_name, tz=tz)
    emulator.add_channel(DEMO_TEAM, DEMO_CHANNEL, name="transition", bot_is_member=True)
    return emulator, token


def seed_demo(services: Services) -> None:
    """Enroll two demo members part-way through their programs (Alex is left to join)."""
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


def run_offline(settings: Settings, *, stop: threading.Event | None = None) -> None:
    """Run until interrupted (or until `stop` is set)."""
    emulator, token = start_emulator(settings.port + 1)
    offline_settings = replace(
        settings,
        bot_token=token,
        signing_secret=OFFLINE_SIGNING_SECRET,
        slack_api_url=emulator.base_url,
    )
    services = build_services(offline_settings)
    seed_demo(services)
    app = create_app(offline_settings, services=services)
    server = ServerThread(app, host="127.0.0.1", port=settings.port).start()
    scheduler = SchedulerService(
        services,
        lambda _team: app.client,
        config=RunnerConfig(
            workers=settings.scheduler_workers, per_workspace_rate=settings.scheduler_rate
        ),
    ).start()
    print(
        "Transition Coach is running offline: no Slack tokens are set, so it talks to the\n"
        "built-in Slack emulator. Nothing leaves this machine.\n"
        f"  bot:            {server.url}{EVENTS_PATH}   (health: {server.url}/healthz)\n"
        f"  Slack emulator: {emulator.base_url}\n"
        f"  demo team {DEMO_TEAM}: members {', '.join(DEMO_MEMBERS)}; channel #transition\n"
        "Try it from another terminal:\n"
        '  scripts/run send "/transition help"\n'
        '  scripts/run send --user U0SAM "/transition status"\n'
        '  scripts/run send --user U0ALEX "/transition log We dropped CSV export without asking"\n'
        "Press Ctrl-C to stop.",
        flush=True,
    )
    try:
        (stop or threading.Event()).wait()
    except KeyboardInterrupt:
        pass
    finally:
        scheduler.shutdown()
        server.stop()
        emulator.stop()
        services.db.dispose()
