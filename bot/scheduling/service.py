"""The clock: one APScheduler interval job that runs a due-work pass every minute.

Nothing per participant lives in APScheduler and no job store is shared: every instance
runs the same job and the delivery claims in the database decide who sends what.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.scheduling.pipeline import (
    RateLimiter,
    RunnerConfig,
    SlackForTeam,
    TickReport,
    run_due_work,
)
from bot.services import Services

logger = logging.getLogger(__name__)

JOB_ID = "transition-coach-due-work"
INTERVAL_SECONDS = 60


def due_work_job(
    services: Services,
    client_for_team: SlackForTeam,
    config: RunnerConfig,
    limiter: RateLimiter,
) -> TickReport:
    """The job: one pass at the services' clock's now."""
    return run_due_work(
        services, client_for_team, services.clock.now(), config=config, limiter=limiter
    )


class SchedulerService:
    """Owns the BackgroundScheduler and its single job."""

    def __init__(
        self,
        services: Services,
        client_for_team: SlackForTeam,
        *,
        config: RunnerConfig | None = None,
        interval_seconds: int = INTERVAL_SECONDS,
    ) -> None:
        self.services = services
        self.config = config or RunnerConfig()
        self.limiter = RateLimiter(self.config.per_workspace_rate, self.config.burst)
        self.scheduler = BackgroundScheduler(timezone="UTC")
        self.scheduler.add_job(
            due_work_job,
            IntervalTrigger(seconds=interval_seconds, timezone="UTC"),
            id=JOB_ID,
            name="scheduled prompts, nudges and digests",
            args=(services, client_for_team, self.config, self.limiter),
            coalesce=True,  # after a pause or a slow pass, run once, not once per missed minute
            max_instances=1,  # passes never overlap within one process
            misfire_grace_time=30,
            replace_existing=True,
        )

    def run_now(self) -> TickReport:
        """Run one pass at once, in the caller's thread (start-up and tests)."""
        job = self.scheduler.get_job(JOB_ID)
        assert job is not None
        func: Callable[..., TickReport] = job.func
        return func(*job.args)

    def start(self) -> SchedulerService:
        """Start ticking in a background thread."""
        self.scheduler.start()
        logger.info(
            "scheduler started: due work every %ss as instance %s",
            INTERVAL_SECONDS,
            self.config.instance,
        )
        return self

    def shutdown(self) -> None:
        """Stop ticking; waits for a running pass to finish."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
            logger.info("scheduler stopped")
