"""A scheduler pass in its own process, for the crash tests (run with `python -m`)."""

from __future__ import annotations

import json
import sys
from datetime import datetime

from bot.app import scheduler_client
from bot.clock import MovableClock
from bot.config import Settings
from bot.outbound import Outbound
from bot.programs import load_programs
from bot.scheduling.pipeline import RunnerConfig, run_due_work
from bot.services import Services
from storage.db import Database


def main(database_url: str, api_url: str, tokens: str, at: str) -> None:
    """Run one pass at `at` (ISO) with 8 workers and no rate cap, then print the summary.

    `tokens` is one bot token for every team, or a JSON object team -> token."""
    now = datetime.fromisoformat(at)
    services = Services(Database(database_url), load_programs(), MovableClock(now))
    by_team = json.loads(tokens) if tokens.startswith("{") else {}

    def slack_for(team: str) -> Outbound:
        token = by_team.get(team, tokens)
        return Outbound(
            scheduler_client(Settings(bot_token=token, slack_api_url=api_url)), team_id=team
        )

    report = run_due_work(
        services, slack_for, now, config=RunnerConfig(workers=8, per_workspace_rate=0)
    )
    print(report.summary(), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:5])
