"""One pass of scheduled work: find what is due, claim it, send it, mark it, exactly once.

The database is the truth: a delivery row is claimed by INSERT before anything is sent, so
any number of threads, processes and instances can run passes at the same time. Each DM
carries Slack message metadata naming its delivery, so a claim left behind by a process
that died between Slack's answer and our UPDATE is resolved by looking at the DM, not by
sending again.

Other features plug in by appending a function to DUE_WORK:

    DUE_WORK.append(ship_follow_ups)   # def ship_follow_ups(tick: Tick) -> list[Outcome]
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session

from bot.blocks.common import Block
from bot.blocks.prompt import completion_message, weekly_prompt
from bot.blocks.reminders import digest_message, missed_note, nudge_message
from bot.blocks.summary import recap_blocks
from bot.outbound import Outbound, SlackFailure
from bot.scheduling.due import (
    COMPLETION,
    DIGEST,
    NUDGE,
    PROMPT,
    RECAP,
    SKIP,
    Candidate,
    Due,
    Policy,
    WorkspaceTimes,
    digest_slot,
    due_digests,
    due_prompts,
)
from bot.services import Services
from bot.services.digest import gather_digest
from bot.services.followups import run_followups
from bot.services.summary import personal_recap
from storage import deliverables, deliveries, entries, participants, workspaces
from storage.models import Workspace

logger = logging.getLogger(__name__)

EVENT_TYPE = "transition_coach_delivery"
# Slack errors that mean this person cannot get DMs from us any more: stop trying.
INACTIVE_ERRORS = frozenset(
    {"account_inactive", "user_not_found", "user_disabled", "cannot_dm_bot"}
)
# Errors about the team channel that no retry fixes: an admin has to act.
CHANNEL_ERRORS = frozenset({"channel_not_found", "not_in_channel", "is_archived"})
# How far back a pass looks for delivery rows: this week's and last week's prompts, plus slack.
LOOKBACK = timedelta(days=16)
# How many recent DM messages a stale-claim recovery inspects for our metadata.
RECOVERY_HISTORY = 100

ClientForTeam = Callable[[str], Outbound]


def default_instance() -> str:
    """An id for this process, recorded on its claims (host, pid and a random suffix)."""
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass(frozen=True)
class RunnerConfig:
    """How a pass fans out and how hard it may push Slack."""

    workers: int = 8
    per_workspace_rate: float = 5.0  # chat.postMessage per second per workspace; 0 = no cap
    burst: int = 5
    policy: Policy = field(default_factory=Policy)
    instance: str = field(default_factory=default_instance)


@dataclass(frozen=True)
class Outcome:
    """What happened to one piece of due work."""

    kind: str
    team_id: str
    user_id: str
    period: str
    result: str  # sent | recovered | skipped | taken | failed | gave_up | inactive | dropped
    detail: str = ""

    def line(self) -> str:
        """One printable line."""
        who = f"{self.team_id}/{self.user_id}" if self.user_id else self.team_id
        extra = f" ({self.detail})" if self.detail else ""
        return f"{self.result:9} {self.kind:10} {self.period:24} {who}{extra}"


@dataclass
class TickReport:
    """Everything one pass did, printable."""

    at: datetime
    outcomes: list[Outcome] = field(default_factory=list)

    def of(self, result: str, kind: str | None = None) -> list[Outcome]:
        """Outcomes with one result (and kind)."""
        return [o for o in self.outcomes if o.result == result and kind in (None, o.kind)]

    @property
    def sent(self) -> list[Outcome]:
        """Messages Slack accepted in this pass (including recovered ones found in the DM)."""
        return [o for o in self.outcomes if o.result in ("sent", "recovered")]

    def summary(self) -> str:
        """A one-line count by result."""
        counts: dict[str, int] = {}
        for outcome in self.outcomes:
            counts[outcome.result] = counts.get(outcome.result, 0) + 1
        parts = ", ".join(f"{n} {result}" for result, n in sorted(counts.items()))
        return f"due work at {self.at.isoformat()}: {parts or 'nothing due'}"

    def __str__(self) -> str:
        lines = [o.line() for o in sorted(self.outcomes, key=lambda o: (o.team_id, o.user_id))]
        return "\n".join([self.summary(), *lines])


class RateLimiter:
    """Token buckets per workspace, shared by the pass's worker threads."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = max(1, burst)
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # team -> (tokens, at)

    def acquire(self, team_id: str) -> None:
        """Wait until `team_id` may send one more message."""
        if self.rate <= 0:
            return
        with self._lock:
            now = time.monotonic()
            tokens, at = self._buckets.get(team_id, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - at) * self.rate) - 1
            self._buckets[team_id] = (tokens, now)
        if tokens < 0:  # reserved ahead: wait for our turn outside the lock
            time.sleep(-tokens / self.rate)


@dataclass
class Tick:
    """What a due-work runner gets: the services, Slack clients, the moment and the limits."""

    services: Services
    client_for_team: ClientForTeam
    now: datetime
    config: RunnerConfig
    limiter: RateLimiter

    def fan_out(self, items: Sequence[Due], work: Callable[[Tick, Due], Outcome]) -> list[Outcome]:
        """Run `work` over `items` on a bounded pool; one failure never stops the others."""
        if not items:
            return []

        def guarded(item: Due) -> Outcome:
            try:
                return work(self, item)
            except Exception as error:  # a bug or a database outage: keep serving the rest
                logger.exception("due work %s %s/%s failed", item.kind, item.team_id, item.user_id)
                return Outcome(
                    item.kind, item.team_id, item.user_id, item.period, "failed", repr(error)
                )

        with ThreadPoolExecutor(
            max_workers=max(1, min(self.config.workers, len(items))),
            thread_name_prefix="due-work",
        ) as pool:
            return list(pool.map(guarded, interleave_teams(items)))


DueWorkRunner = Callable[[Tick], list[Outcome]]


def interleave_teams(items: Sequence[Due]) -> list[Due]:
    """Round-robin over workspaces, so the workers are not all queued on one team's bucket."""
    by_team: dict[str, list[Due]] = {}
    for item in items:
        by_team.setdefault(item.team_id, []).append(item)
    queues = list(by_team.values())
    ordered: list[Due] = []
    for i in range(max((len(q) for q in queues), default=0)):
        ordered.extend(q[i] for q in queues if i < len(q))
    return ordered


def run_due_work(
    services: Services,
    client_for_team: ClientForTeam,
    now: datetime,
    *,
    config: RunnerConfig | None = None,
    limiter: RateLimiter | None = None,
) -> TickReport:
    """One pass over everything due at `now` (every runner in DUE_WORK)."""
    config = config or RunnerConfig()
    tick = Tick(
        services=services,
        client_for_team=client_for_team,
        now=now,
        config=config,
        limiter=limiter or RateLimiter(config.per_workspace_rate, config.burst),
    )
    report = TickReport(at=now)
    for runner in DUE_WORK:
        report.outcomes.extend(runner(tick))
    if report.outcomes:
        logger.info("%s", report.summary())
    return report


# -- weekly prompts, nudges, completion and digests --------------------------------------------


def find_due(services: Services, now: datetime, policy: Policy) -> list[Due]:
    """Everything due at `now`, read from the database in a few queries (no Slack calls)."""
    with services.db.session() as session:
        rows = workspaces.list_workspaces(session)
        times = {
            w.team_id: WorkspaceTimes(w.team_id, w.prompt_weekday, w.prompt_hour, w.team_channel_id)
            for w in rows
        }
        candidates = [Candidate(*row) for row in participants.active_schedule(session)]
        teams = set(times) | {c.team_id for c in candidates}
        delivered = deliveries.recent_states(session, team_ids=teams, since=now - LOOKBACK)
    programs = services.programs
    due = due_prompts(now, candidates, times, programs, delivered, policy)
    # The window misses rows older than LOOKBACK, which a resumed participant's current week
    # can have: confirm what looks due against the exact keys, and decide those again.
    with services.db.session() as session:
        exact = deliveries.states_for_keys(session, keys={d.key for d in due})
    if exact:
        delivered = {**delivered, **exact}
        again = {(k[0], k[1]) for k in exact}
        due = [d for d in due if (d.team_id, d.user_id) not in again] + due_prompts(
            now,
            [c for c in candidates if (c.team_id, c.user_id) in again],
            times,
            programs,
            delivered,
            policy,
        )
    due += due_digests(now, list(times.values()), delivered, policy)

    return _without_done_nudges(services, due)


def scheduled_messages(tick: Tick) -> list[Outcome]:
    """Prompts, nudges, completion messages and team digests due at `tick.now`."""
    now = tick.now
    due = find_due(tick.services, now, tick.config.policy)
    outcomes: list[Outcome] = []
    skips = [d for d in due if d.action == SKIP]
    if skips:
        with tick.services.db.session() as session:
            for d in skips:
                if deliveries.record_skipped(
                    session, team_id=d.team_id, user_id=d.user_id, kind=d.kind, period=d.period,
                    now=now,
                ):  # fmt: skip
                    logger.info("skipped %s %s for %s/%s: too late", d.kind, d.period, d.team_id,
                                d.user_id)  # fmt: skip
                    outcomes.append(Outcome(d.kind, d.team_id, d.user_id, d.period, "skipped"))
    outcomes.extend(tick.fan_out([d for d in due if d.action != SKIP], deliver))
    return outcomes


def _without_done_nudges(services: Services, due: list[Due]) -> list[Due]:
    """Drop nudges whose deliverable is already marked done (one query per workspace)."""
    by_team: dict[str, list[str]] = {}
    for d in due:
        if d.kind == NUDGE:
            by_team.setdefault(d.team_id, []).append(d.user_id)
    if not by_team:
        return due
    done: set[tuple[str, str, str, str]] = set()
    with services.db.session() as session:
        for team_id, user_ids in by_team.items():
            keys = deliverables.done_keys(session, team_id=team_id, user_ids=user_ids)
            done.update((team_id, u, p, k) for u, p, k in keys)
    return [
        d
        for d in due
        if d.kind != NUDGE or (d.team_id, d.user_id, d.program_id, d.phase_key) not in done
    ]


@dataclass(frozen=True)
class Message:
    """A rendered scheduled message and where it goes."""

    channel: str
    text: str
    blocks: list[Block]


def deliver(tick: Tick, due: Due) -> Outcome:
    """Claim, (recover,) send and mark one delivery."""
    services, policy = tick.services, tick.config.policy

    def outcome(result: str, detail: str = "") -> Outcome:
        return Outcome(due.kind, due.team_id, due.user_id, due.period, result, detail)

    with services.db.session() as session:
        claim = deliveries.claim(
            session,
            team_id=due.team_id,
            user_id=due.user_id,
            kind=due.kind,
            period=due.period,
            instance=tick.config.instance,
            now=tick.now,
            lease=policy.lease,
            max_attempts=policy.max_attempts,
        )
        if claim is None:
            return outcome("taken", "claimed or done by another runner")
        delivery_id = claim.delivery.id
        assert delivery_id is not None
        attempts = claim.delivery.attempts
        # Rendered in the claim's transaction (one round trip fewer); the claim is committed
        # when this block ends, before anything is sent.
        message = render(services, session, due, tick.now)
        if message is None:  # nothing to say any more (e.g. the deliverable was just done)
            deliveries.record_dropped(session, delivery_id=delivery_id, now=tick.now)
            return outcome("dropped", "no longer relevant")

    slack = tick.client_for_team(due.team_id)
    try:
        if claim.recovered:
            found = find_posted(slack, due, message.channel, delivery_id)
            if found is not None:
                channel, ts = found
                with services.db.session() as session:
                    deliveries.mark_sent(
                        session, delivery_id=delivery_id, channel=channel, message_ts=ts,
                        now=tick.now,
                    )  # fmt: skip
                logger.info(
                    "delivery %s was already in Slack (ts %s): marked sent", delivery_id, ts
                )
                return outcome("recovered", f"found ts {ts}")
        tick.limiter.acquire(due.team_id)
        posted = slack.post(
            message.channel,
            message.text,
            message.blocks,
            metadata={"event_type": EVENT_TYPE, "event_payload": {"delivery_id": delivery_id}},
            unfurl_links=False,
        )
    except SlackFailure as failure:
        return _failed(tick, due, delivery_id, attempts, failure.error)
    with services.db.session() as session:
        deliveries.mark_sent(
            session,
            delivery_id=delivery_id,
            channel=posted.channel,
            message_ts=posted.ts,
            now=tick.now,
        )
    return outcome("sent", f"week {due.week}" if due.week else "")


def _failed(tick: Tick, due: Due, delivery_id: int, attempts: int, code: str) -> Outcome:
    """Record a failed attempt: inactive people are retired, the rest retried later."""
    services, max_attempts = tick.services, tick.config.policy.max_attempts
    result = "failed"
    with services.db.session() as session:
        if due.user_id and code in INACTIVE_ERRORS:
            participants.set_status(
                session, team_id=due.team_id, user_id=due.user_id, status="inactive", now=tick.now
            )
            deliveries.mark_failed(
                session, delivery_id=delivery_id, error=code, give_up_at=max_attempts
            )
            logger.warning(
                "participant %s/%s marked inactive: Slack said %s", due.team_id, due.user_id, code
            )
            result = "inactive"
        elif not due.user_id and code in CHANNEL_ERRORS:
            deliveries.mark_failed(
                session, delivery_id=delivery_id, error=code, give_up_at=max_attempts
            )
            logger.error(
                "digest for %s not posted: %s (invite the bot to the team channel or change "
                "it with /transition config)",
                due.team_id,
                code,
            )
            result = "gave_up"
        else:
            deliveries.mark_failed(session, delivery_id=delivery_id, error=code)
            if attempts >= max_attempts:
                logger.error(
                    "giving up on %s %s for %s/%s after %s attempts: %s",
                    due.kind, due.period, due.team_id, due.user_id, attempts, code,
                )  # fmt: skip
                result = "gave_up"
            else:
                logger.warning(
                    "%s %s for %s/%s failed (attempt %s of %s, retried next pass): %s",
                    due.kind, due.period, due.team_id, due.user_id, attempts, max_attempts, code,
                )  # fmt: skip
    return Outcome(due.kind, due.team_id, due.user_id, due.period, result, code)


def find_posted(
    slack: Outbound, due: Due, channel: str, delivery_id: int
) -> tuple[str, str] | None:
    """(channel, ts) of the message carrying our metadata for `delivery_id`, if Slack has it."""
    if due.user_id:  # history needs the DM's D… id; the user id works only for posting
        channel = slack.open_dm(due.user_id)
    messages = slack.history(channel, include_all_metadata=True, limit=RECOVERY_HISTORY)
    for message in messages:
        metadata = message.get("metadata") or {}
        payload = metadata.get("event_payload") or {}
        if metadata.get("event_type") == EVENT_TYPE and payload.get("delivery_id") == delivery_id:
            return channel, str(message["ts"])
    return None


# -- rendering -----------------------------------------------------------------------------------


def render(services: Services, session: Session, due: Due, now: datetime) -> Message | None:
    """The message for one delivery, or None when it should no longer be sent."""
    if due.kind == DIGEST:
        return _render_digest(session, due, now)
    participant = participants.get_participant(session, team_id=due.team_id, user_id=due.user_id)
    if participant is None or participant.status != "active":
        return None
    program = services.programs.get(participant.program_id)
    if program is None:
        return None
    if due.kind == COMPLETION:
        text, blocks = completion_message(program)
        return Message(due.user_id, text, blocks)
    if due.kind == RECAP:
        recap = personal_recap(services, team_id=due.team_id, user_id=due.user_id, now=now)
        if recap is None:
            return None
        text, blocks = recap_blocks(recap)
        return Message(due.user_id, text, blocks)
    assert due.week is not None
    phase = program.phase_for_week(due.week)
    if phase is None:
        return None
    done = (
        deliverables.get_done(
            session,
            team_id=due.team_id,
            user_id=due.user_id,
            program_id=program.id,
            phase_key=phase.key,
        )
        is not None
    )
    if due.kind == NUDGE:
        if done:
            return None
        text, blocks = nudge_message(program, phase)
        return Message(due.user_id, text, blocks)
    if due.kind != PROMPT:
        raise ValueError(f"unknown delivery kind {due.kind!r}")
    logged = entries.count_by_kind(
        session, team_id=due.team_id, user_id=due.user_id, weeks=phase.weeks
    )
    text, blocks = weekly_prompt(
        program,
        due.week,
        background=participant.background,
        logged=logged,
        deliverable_done=done,
    )
    if due.missed_previous:
        blocks = [blocks[0], missed_note(), *blocks[1:]]
        text = "You missed last week's prompt. " + text
    return Message(due.user_id, text, blocks)


def _render_digest(session: Session, due: Due, now: datetime) -> Message | None:
    workspace = session.get(Workspace, due.team_id)
    if workspace is None or not workspace.team_channel_id:
        return None
    until = digest_slot(now, workspace.prompt_weekday, workspace.prompt_hour)
    data = gather_digest(session, team_id=due.team_id, since=until - timedelta(days=7), until=until)
    text, blocks = digest_message(period=due.period, data=data)
    return Message(workspace.team_channel_id, text, blocks)


# -- ship follow-ups and decision revisits (claimed on the entry itself) -------------------------


def follow_ups(tick: Tick) -> list[Outcome]:
    """One week after a ship post, "what does the data say now?"; weeks after a decision,
    "how did it turn out?". Each is claimed once on its entry (bot/services/followups.py)."""
    outcomes = []
    for label in run_followups(tick.services, tick.client_for_team, tick.now):
        what, team_id, entry_id = label.split(":", 2)
        outcomes.append(Outcome(what, team_id, "", f"entry-{entry_id}", "sent"))
    return outcomes


DUE_WORK: list[DueWorkRunner] = [scheduled_messages, follow_ups]
