"""Running the scheduling pipeline from a scenario test: one pass at a time, on the harness's
clock, with the scheduler's own Slack client."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.app import scheduler_client
from bot.config import Settings
from bot.outbound import Outbound
from bot.scheduling.pipeline import RunnerConfig, TickReport, run_due_work


def scheduler(slack: Any) -> Any:
    """team -> Outbound, as the scheduler gets it (no in-client 429 waits)."""
    client = scheduler_client(
        Settings(bot_token=slack.emulator.token("T1"), slack_api_url=slack.emulator.base_url)
    )
    return lambda team: Outbound(client, team_id=team)


def run_pass(slack: Any, at: datetime | None = None) -> TickReport:
    """One pass of due work at `at` (the clock moves there first)."""
    if at is not None:
        slack.clock.set(at)
    return run_due_work(
        slack.services,
        scheduler(slack),
        slack.clock.now(),
        config=RunnerConfig(workers=4, per_workspace_rate=0),
    )
