"""One pass of the pipeline every scheduled message goes through: plan, claim, send, record,
recover. Exactly once, whatever the kind.

1. Items too late to matter are recorded as skipped.
2. Enrollments and workspaces whose next item has come are planned into the queue
   (bot/scheduling/plan.py).
3. Suspended workspaces whose probe is due are tried again (one auth.test each).
4. Lanes: this instance takes the sending lane of workspaces with ready items (one instance
   per workspace at a time, so a workspace's rate budget holds however many run), claims a
   batch of their items in one statement, renders each kind with the service that owns it
   (bot/scheduling/kinds.py), sends, and records the results in a few statements.

Each message carries Slack metadata naming its items. An item whose send may have reached
Slack (a 5xx, a timeout, a dropped connection, or a claim left by a process that died) is
looked for in the conversation before anything is sent again. A 429 pauses only its own
workspace, for every instance; a dead token suspends only its own workspace, until a
reinstall or a probe finds it alive; nothing else ever holds up another workspace.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.blocks.common import Block
from bot.outbound import NotInstalledError, Outbound, Posted, SlackFailure
from bot.scheduling import pictured as pictured_post
from bot.scheduling.due import CHECKINS, Policy
from bot.scheduling.kinds import Message, Renderer, renderers
from bot.scheduling.plan import PLAN_BATCH, plan_digests, plan_enrollments, plan_returns
from bot.services import Services
from bot.slack_http import Encoded
from storage import due_items, participants, workspaces
from storage.due_items import DROPPED, FAILED, PENDING, UNCERTAIN, Claimed

logger = logging.getLogger(__name__)

EVENT_TYPE = "transition_coach_item"
# Batches of enrollments planned in one pass at most (the rest wait for the next pass).
MAX_PLAN_ROUNDS = 40
# A retry after a failure that may pass: 30 s, 1 min, 2 min... at most 15 min apart, for as
# long as the item is still timely; one that never expires gives up after this many.
FIRST_RETRY = timedelta(seconds=30)
MAX_RETRY_GAP = timedelta(minutes=15)
MAX_ATTEMPTS_WITHOUT_EXPIRY = 40
# A suspended workspace is probed (auth.test) this often until its token works again.
PROBE_EVERY = timedelta(minutes=10)
# A Retry-After up to this long is waited out within the pass; longer ones go back to the
# queue, ready when the pause ends.
WAIT_IN_PASS = 30.0
# A lane is held this long (in the pass's own time) and renewed every round; a round sends
# at most ROUND_SECONDS of a workspace's rate budget, so a lane left by a dead process is
# free again by the next pass. Rounds are short because a round's claim and rendering come
# before its first send: at the prompt hour the first messages go out sooner, and the gap
# between rounds (a few hundred ms) stays within the burst the token bucket saves up, so it
# costs no sends (bench.fanout on PostgreSQL, 10,000 prompts: 0.90 of the rate budget with
# 20 s rounds, 0.92 with 4 s).
LANE_LEASE = timedelta(seconds=60)
ROUND_SECONDS = 4
# conversations.history is a rare last resort (Slack limits it hard for apps not in the
# Marketplace): recovery reads this many messages at most, since the item was due.
RECOVERY_MESSAGES = 15
# Slack errors about the team channel that no retry fixes: an admin has to act.
CHANNEL_ERRORS = frozenset({"channel_not_found", "not_in_channel", "is_archived"})

SlackForTeam = Callable[[str], Outbound]


def default_instance() -> str:
    """An id for this process, recorded on its claims (host, pid and a random suffix)."""
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass(frozen=True)
class RunnerConfig:
    """How a pass fans out and how hard it may push Slack."""

    workers: int = 16
    per_workspace_rate: float = 5.0  # chat.postMessage per second per workspace; 0 = no cap
    burst: int = 5
    batch: int = PLAN_BATCH  # items claimed per round
    lanes: int = 50  # workspaces one instance sends for per round
    max_pass_seconds: float = 50.0  # real seconds: leave the rest to the next pass
    policy: Policy = field(default_factory=Policy)
    instance: str = field(default_factory=default_instance)


@dataclass(frozen=True)
class Outcome:
    """What happened to one piece of due work."""

    kind: str
    team_id: str
    user_id: str
    period: str
    result: str  # sent | recovered | skipped | dropped | retry | paused | suspended | failed
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
        """Items Slack holds after this pass (including recovered ones found there)."""
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
    """Token buckets per workspace, and pauses after a 429, for the sending threads."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = max(1, burst)
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # team -> (tokens, at)
        self._paused: dict[str, float] = {}  # team -> monotonic time the pause ends

    def reserve(self, team_id: str) -> float:
        """Take `team_id`'s next turn to send one message: seconds until it comes (0: now)."""
        with self._lock:
            now = time.monotonic()
            wait = max(0.0, self._paused.get(team_id, 0.0) - now)
            if self.rate > 0:
                start = now + wait
                tokens, at = self._buckets.get(team_id, (float(self.burst), start))
                tokens = min(float(self.burst), tokens + max(0.0, start - at) * self.rate) - 1
                self._buckets[team_id] = (tokens, start)
                if tokens < 0:  # reserved ahead: the caller waits for its turn
                    wait += -tokens / self.rate
        return wait

    def acquire(self, team_id: str) -> None:
        """Wait until `team_id` may send one more message."""
        _sleep(self.reserve(team_id))

    def wait_out_pause(self, team_id: str) -> None:
        """Wait while a 429 pause holds `team_id` (a turn taken earlier does not end it)."""
        with self._lock:
            wait = self._paused.get(team_id, 0.0) - time.monotonic()
        _sleep(wait)

    def pause(self, team_id: str, seconds: float) -> None:
        """Slack said 429: nobody in this process sends for `team_id` for `seconds`."""
        with self._lock:
            until = time.monotonic() + seconds
            self._paused[team_id] = max(self._paused.get(team_id, 0.0), until)


@dataclass
class Unit:
    """One message to send and the items it carries (several for grouped check-ins)."""

    team_id: str
    message: Message
    items: list[Claimed]
    # The message's blocks encoded once for every unit that shares them (see _render).
    encoded: Encoded | None = None

    @property
    def recovered(self) -> bool:
        """True when an earlier attempt at any of its items may have reached Slack."""
        return any(i.recovered for i in self.items)

    @property
    def ids(self) -> list[int]:
        """The item ids."""
        return [i.id for i in self.items]


@dataclass
class Result:
    """How one unit went: `result` is an Outcome result."""

    unit: Unit
    result: str
    detail: str = ""
    channel: str | None = None
    ts: str | None = None
    retry_after: float | None = None


@dataclass
class Tick:
    """What one pass works with."""

    services: Services
    slack_for_team: SlackForTeam
    now: datetime
    config: RunnerConfig
    limiter: RateLimiter
    started: float = field(default_factory=time.monotonic)
    stopped: dict[str, str] = field(default_factory=dict)  # team -> why it is held this pass
    lock: threading.Lock = field(default_factory=threading.Lock)
    clients: dict[str, Outbound] = field(default_factory=dict)  # team -> its way out, this pass

    def slack(self, team_id: str) -> Outbound:
        """The workspace's way out to Slack, looked up once per pass (in OAuth mode that is
        a read of its installation and a new client: per message it cost more than the
        message's own send). Raises NotInstalledError as slack_for_team does."""
        with self.lock:
            found = self.clients.get(team_id)
        if found is None:
            found = self.slack_for_team(team_id)
            with self.lock:
                found = self.clients.setdefault(team_id, found)
        return found

    def stop_team(self, team_id: str, why: str) -> bool:
        """Hold a workspace for the rest of the pass; True the first time."""
        with self.lock:
            first = team_id not in self.stopped
            self.stopped.setdefault(team_id, why)
            return first

    def held(self, team_id: str) -> bool:
        """True once the workspace is held for this pass."""
        with self.lock:
            return team_id in self.stopped

    def out_of_time(self) -> bool:
        """True when the pass has used its share of real time."""
        return time.monotonic() - self.started > self.config.max_pass_seconds

    def current(self) -> datetime:
        """The pass's `now` moved on by the real time it has taken (for leases and pauses)."""
        return self.now + timedelta(seconds=time.monotonic() - self.started)


def run_due_work(
    services: Services,
    slack_for_team: SlackForTeam,
    now: datetime,
    *,
    config: RunnerConfig | None = None,
    limiter: RateLimiter | None = None,
) -> TickReport:
    """One pass of the pipeline at `now`."""
    config = config or RunnerConfig()
    tick = Tick(
        services=services,
        slack_for_team=slack_for_team,
        now=now,
        config=config,
        limiter=limiter or RateLimiter(config.per_workspace_rate, config.burst),
    )
    report = TickReport(at=now)
    # One statement says which steps have work; when nothing is due it is the whole pass.
    with services.db.engine.connect() as connection:
        waiting = due_items.waiting(connection, now=now)
    if waiting.items:
        with services.db.session() as session:
            for key in due_items.skip_expired(session, teams=None, now=now):
                report.outcomes.append(Outcome(key[2], key[0], key[1], key[3], "skipped"))
    returned = 0
    for _ in range(MAX_PLAN_ROUNDS if waiting.returns else 0):
        back = plan_returns(services, now, limit=config.batch)
        returned += back.seen
        if back.seen < config.batch:
            break
    planned_any = False
    # Members back from away are active again and planned in the same pass.
    steps = (
        (plan_enrollments, waiting.enrollments or returned > 0),
        (plan_digests, waiting.digests),
    )
    for plan, wanted in steps:
        for _ in range(MAX_PLAN_ROUNDS if wanted else 0):
            planned = plan(services, now, limit=config.batch)
            planned_any = planned_any or bool(planned.planned)
            report.outcomes.extend(
                Outcome(d.kind, d.team_id, d.user_id, d.period, "skipped") for d in planned.skipped
            )
            if planned.seen < config.batch:
                break
    if waiting.probes:
        _probe_suspended(tick)
    while (waiting.items or planned_any) and not tick.out_of_time():
        outcomes = _send_round(tick)
        if outcomes is None:
            break
        report.outcomes.extend(outcomes)
    if report.outcomes:
        logger.info("%s", report.summary())
    return report


def _probe_suspended(tick: Tick) -> None:
    """Try each suspended workspace whose probe is due; resume it when its token works."""
    with tick.services.db.session() as session:
        due = workspaces.due_for_probe(session, now=tick.now)
    for team_id, reason in due:
        alive = False
        try:
            tick.slack_for_team(team_id).call("auth.test")
            alive = True
        except (SlackFailure, NotInstalledError):
            pass
        with tick.services.db.session() as session:
            if alive:
                workspaces.resume(session, team_id=team_id)
            else:
                workspaces.suspend(
                    session, team_id=team_id, reason=reason, probe_at=tick.now + PROBE_EVERY
                )
        if alive:
            logger.info("workspace %s resumed: its token works again", team_id)


def _send_round(tick: Tick) -> list[Outcome] | None:
    """Lease lanes, claim a batch, send it, record it; None when nothing is ready."""
    services, config, now = tick.services, tick.config, tick.now
    lease_until = now + config.policy.lease
    # What one workspace may send in a round, at its rate (everything when uncapped).
    rate = config.per_workspace_rate
    per_team = config.batch if rate <= 0 else max(1, min(config.batch, int(rate * ROUND_SECONDS)))
    with services.db.session() as session:
        teams = due_items.ready_teams(
            session, instance=config.instance, now=now, limit=config.lanes
        )
        teams = [t for t in teams if not tick.held(t)]
        lanes = workspaces.lease_lanes(
            session, teams=teams, instance=config.instance, now=now, until=now + LANE_LEASE
        )
        claimed: list[Claimed] = []
        for team_id in lanes:
            claimed += due_items.claim_ready(
                session,
                team_id=team_id,
                instance=config.instance,
                now=now,
                lease_until=lease_until,
                limit=per_team,
            )
        # Check-ins due for the same people go in the same message: claim them all.
        people = {(c.team_id, c.user_id) for c in claimed if c.kind in CHECKINS}
        for team_id, user_id in sorted(people):
            claimed += due_items.claim_person(
                session,
                team_id=team_id,
                user_id=user_id,
                kinds=CHECKINS,
                instance=config.instance,
                now=now,
                lease_until=lease_until,
            )
    if not claimed:
        with services.db.session() as session:
            workspaces.release_lanes(session, teams=lanes, instance=config.instance, now=now)
        return None
    units, dropped = _render(tick, claimed)
    outcomes = _fan_out(tick, units, dropped)
    with services.db.session() as session:
        workspaces.release_lanes(session, teams=lanes, instance=config.instance, now=now)
    return outcomes


def _render(tick: Tick, claimed: list[Claimed]) -> tuple[list[Unit], list[Claimed]]:
    """Each item's message, by the service that owns its kind; items that share one message
    (check-ins for one person) become one unit."""
    # Grouped by renderer, not by kind: kinds that share one (a follow-up and a revisit)
    # must reach it together to go out in one message.
    registry = renderers()
    by_renderer: dict[Renderer, list[Claimed]] = {}
    messages: dict[int, Message | None] = {}
    unknown: set[str] = set()
    for item in claimed:
        render = registry.get(item.kind)
        if render is None:
            unknown.add(item.kind)
            messages[item.id] = None
            continue
        by_renderer.setdefault(render, []).append(item)
    for kind in sorted(unknown):
        logger.error("no renderer for scheduled kind %r: dropped", kind)
    with tick.services.db.session() as session:
        for render, items in by_renderer.items():
            messages.update(render(tick.services, session, items, tick.now))
    units: dict[int, Unit] = {}
    dropped: list[Claimed] = []
    # Renderers hand everyone who gets the same prompt the same block list: encoded once.
    # (Keyed by id() while `messages` holds every list, so no id is reused meanwhile.)
    encoded: dict[int, Encoded] = {}
    for item in claimed:
        message = messages.get(item.id)
        if message is None:
            dropped.append(item)
            continue
        unit = units.get(id(message))
        if unit is None:
            blocks = message.blocks
            if id(blocks) not in encoded:
                encoded[id(blocks)] = Encoded.of(blocks)
            unit = units[id(message)] = Unit(item.team_id, message, [], encoded[id(blocks)])
        unit.items.append(item)
    return list(units.values()), dropped


def _fan_out(tick: Tick, units: list[Unit], dropped: list[Claimed]) -> list[Outcome]:
    """Send every unit on a bounded pool, workspaces interleaved, a chunk (one unit per
    worker) at a time: each chunk is marked `sending` before it is queued and recorded when
    it is done, and the next one is queued before the last one is recorded, so the workers
    never wait for the database while at most two chunks (2 x workers units, as many as one
    chunk held before) are in flight: a process killed mid-pass leaves only those to be
    looked for in Slack, and the rest of its claims to be sent as they are. One failure
    never stops the others."""
    outcomes = _record(tick, [], dropped)

    def guarded(unit: Unit) -> Result:
        try:
            return _send(tick, unit)
        except Exception as error:  # a bug or a database outage: keep serving the rest
            logger.exception("sending %s to %s failed", unit.items[0].kind, unit.team_id)
            return Result(unit, "retry", type(error).__name__)

    if not units:
        return outcomes
    ordered = interleave_teams(units)
    workers = step = max(1, min(tick.config.workers, len(ordered)))
    instance, lease = tick.config.instance, tick.config.policy.lease
    # The claims' lease runs from the pass's now; the items still waiting are renewed only
    # when half of it is gone (renewing them all per chunk cost more than the sends).
    renewed = tick.now
    in_flight: deque[list[Future[Result]]] = deque()
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pipeline") as pool:
        for start in range(0, len(ordered), step):
            chunk, waiting = ordered[start : start + step], ordered[start + step :]
            current = tick.current()
            with tick.services.db.session() as session:
                due_items.mark_sending(
                    session, [i for u in chunk for i in u.ids], instance=instance,
                    lease_until=current + lease,
                )  # fmt: skip
                if waiting and current - renewed > lease / 2:
                    due_items.renew(
                        session, [i for u in waiting for i in u.ids], instance=instance,
                        lease_until=current + lease,
                    )  # fmt: skip
                    renewed = current
            in_flight.append([pool.submit(guarded, _when_its_turn(tick, u)) for u in chunk])
            while len(in_flight) > 1:
                outcomes += _record(tick, [f.result() for f in in_flight.popleft()], [])
        while in_flight:
            outcomes += _record(tick, [f.result() for f in in_flight.popleft()], [])
    return outcomes


def _when_its_turn(tick: Tick, unit: Unit) -> Unit:
    """`unit`, once its workspace's turn to send has come: it is queued for a worker then,
    so a worker's time goes on sending, never on waiting for a turn. (bench.fanout, 10,000
    prompts over 100 workspaces, 192 threads on SQLite: 0.85 of the rate budget with the
    waits in the workers, 0.92 with them here.) A workspace already held this pass is not
    waited for: its units come straight back."""
    if not tick.held(unit.team_id):
        _sleep(tick.limiter.reserve(unit.team_id))
    return unit


def _sleep(seconds: float) -> None:
    if seconds > 0:
        time.sleep(seconds)


def interleave_teams(units: Sequence[Unit]) -> list[Unit]:
    """Round-robin over workspaces, so the workers are not all queued on one team's bucket."""
    by_team: dict[str, list[Unit]] = {}
    for unit in units:
        by_team.setdefault(unit.team_id, []).append(unit)
    queues = list(by_team.values())
    ordered: list[Unit] = []
    for i in range(max((len(q) for q in queues), default=0)):
        ordered.extend(q[i] for q in queues if i < len(q))
    return ordered


def _send(tick: Tick, unit: Unit) -> Result:
    """Recover or send one unit; the result says what to record."""
    team_id = unit.team_id
    if tick.held(team_id):
        return Result(unit, "held")
    try:
        slack = tick.slack(team_id)
    except NotInstalledError:
        return _workspace_down(tick, unit, "not_installed")
    try:
        if unit.recovered:
            found = find_posted(tick, slack, unit)
            if found is not None:
                return Result(unit, "recovered", f"found ts {found[1]}", *found)
        pictured = pictured_post.drawn(slack, unit.message, unit.items[0].kind)
        # The turn was taken before the unit was queued (_when_its_turn); a 429 since holds.
        tick.limiter.wait_out_pause(team_id)
        while True:
            try:
                posted = _post_unit(slack, unit, pictured)
                return Result(unit, "sent", "", posted.channel, posted.ts)
            except SlackFailure as failure:
                if failure.kind != "rate_limited":
                    raise
                wait = failure.retry_after or 1.0
                tick.limiter.pause(team_id, wait)  # this workspace only, every thread
                with tick.services.db.session() as session:  # ... and every instance
                    workspaces.pause(
                        session, team_id=team_id, until=tick.current() + timedelta(seconds=wait)
                    )
                if wait > WAIT_IN_PASS:
                    tick.stop_team(team_id, "rate limited")
                    return Result(unit, "paused", failure.error, retry_after=wait)
                tick.limiter.acquire(team_id)  # a turn of its own for the next try
    except SlackFailure as failure:
        return _failed(tick, unit, failure)


def _post_unit(slack: Outbound, unit: Unit, pictured: list[Block] | None) -> Posted:
    """chat.postMessage the unit (with its picture when there is one), tagged with its
    items' ids for recovery (find_posted)."""
    return pictured_post.post(
        slack,
        unit.message,
        pictured,
        what=unit.items[0].kind,
        plain=unit.encoded,
        metadata={"event_type": EVENT_TYPE, "event_payload": {"items": unit.ids}},
        unfurl_links=False,
    )


def _failed(tick: Tick, unit: Unit, failure: SlackFailure) -> Result:
    if failure.kind == "workspace":
        return _workspace_down(tick, unit, failure.error)
    if failure.kind == "unavailable":
        return Result(unit, "retry", failure.error)
    if failure.kind == "recipient":
        person = unit.items[0].user_id
        if person and failure.error not in CHANNEL_ERRORS:
            return Result(unit, "inactive", failure.error)
        return Result(unit, "failed", failure.error)
    return Result(unit, "failed", failure.error)  # refused: a bug, logged by Outbound


def _workspace_down(tick: Tick, unit: Unit, reason: str) -> Result:
    """The workspace's token is dead: suspend it (logged once), keep its items queued."""
    if tick.stop_team(unit.team_id, reason):
        with tick.services.db.session() as session:
            first = workspaces.suspend(
                session, team_id=unit.team_id, reason=reason, probe_at=tick.now + PROBE_EVERY
            )
        if first:
            logger.warning(
                "workspace %s suspended (%s): nothing is sent there until it is reinstalled "
                "or its token works again",
                unit.team_id,
                reason,
            )
    return Result(unit, "suspended", reason)


def find_posted(tick: Tick, slack: Outbound, unit: Unit) -> tuple[str, str] | None:
    """(channel, ts) of the message carrying this unit's items, if Slack has it already."""
    channel = unit.message.channel
    first = unit.items[0]
    if first.user_id and not channel.startswith(("C", "G", "D")):
        with tick.services.db.session() as session:
            person = participants.get_participant(
                session, team_id=first.team_id, user_id=first.user_id
            )
        known = person.dm_channel_id if person is not None else None
        tick.limiter.acquire(unit.team_id)
        channel = known or slack.open_dm(first.user_id)
    tick.limiter.acquire(unit.team_id)
    messages = slack.history(channel, include_all_metadata=True, limit=RECOVERY_MESSAGES)
    wanted = set(unit.ids)
    for message in messages:
        metadata = message.get("metadata") or {}
        payload: dict[str, Any] = metadata.get("event_payload") or {}
        if metadata.get("event_type") == EVENT_TYPE and wanted & set(payload.get("items") or []):
            return channel, str(message["ts"])
    return None


def _retry_at(tick: Tick, item: Claimed) -> datetime | None:
    """When to try a failed-but-maybe-passing item again, or None to give up."""
    gap = min(FIRST_RETRY * 2 ** max(0, item.attempts - 1), MAX_RETRY_GAP)
    at = tick.now + gap
    if item.expires_at is None:
        return at if item.attempts < MAX_ATTEMPTS_WITHOUT_EXPIRY else None
    return at if at < item.expires_at else None


def _record(tick: Tick, results: list[Result], dropped: list[Claimed]) -> list[Outcome]:
    """Write every result down in a few statements; returns the outcomes."""
    instance, now = tick.config.instance, tick.now
    outcomes: list[Outcome] = []
    sent: list[tuple[int, str, str]] = []
    dms: list[tuple[str, str, str]] = []  # (team, user, DM channel) learned from the sends

    def outcome(item: Claimed, result: str, detail: str = "") -> None:
        outcomes.append(Outcome(item.kind, item.team_id, item.user_id, item.period, result, detail))

    with tick.services.db.session() as session:
        for item in dropped:
            outcome(item, "dropped", "no longer relevant")
        due_items.finish(
            session, [i.id for i in dropped], status=DROPPED, error="no longer relevant"
        )
        for r in results:
            items = r.unit.items
            if r.result in ("sent", "recovered"):
                assert r.channel is not None and r.ts is not None
                sent.extend((i.id, r.channel, r.ts) for i in items)
                if r.channel.startswith("D") and items[0].user_id:
                    dms.append((r.unit.team_id, items[0].user_id, r.channel))
                for i in items:
                    outcome(i, r.result, r.detail)
            elif r.result in ("held", "suspended", "paused"):
                ready = tick.current() + timedelta(seconds=r.retry_after or 0)
                due_items.release(
                    session, r.unit.ids, status=PENDING, ready_at=ready, undo_attempt=True
                )
                for i in items:
                    outcome(i, "paused" if r.result == "held" else r.result, r.detail)
            elif r.result == "retry":
                for i in items:
                    again = _retry_at(tick, i)
                    if again is None:
                        due_items.finish(session, [i.id], status=FAILED, error=r.detail)
                        logger.error(
                            "giving up on %s %s for %s/%s after %s attempts: %s",
                            i.kind, i.period, i.team_id, i.user_id, i.attempts, r.detail,
                        )  # fmt: skip
                        outcome(i, "failed", r.detail)
                    else:
                        due_items.release(
                            session, [i.id], status=UNCERTAIN, ready_at=again, error=r.detail
                        )
                        outcome(i, "retry", r.detail)
            elif r.result == "inactive":
                person = items[0]
                participants.set_status(
                    session, team_id=person.team_id, user_id=person.user_id, status="inactive",
                    now=now,
                )  # fmt: skip
                due_items.finish(session, r.unit.ids, status=FAILED, error=r.detail)
                logger.warning(
                    "participant %s/%s marked inactive: Slack said %s",
                    person.team_id, person.user_id, r.detail,
                )  # fmt: skip
                for i in items:
                    outcome(i, "inactive", r.detail)
            else:
                due_items.finish(session, r.unit.ids, status=FAILED, error=r.detail)
                if r.detail in CHANNEL_ERRORS:
                    logger.error(
                        "%s for %s not posted: %s (invite the bot to the team channel or "
                        "change it with /transition config)",
                        items[0].kind, r.unit.team_id, r.detail,
                    )  # fmt: skip
                for i in items:
                    outcome(i, "failed", r.detail)
        due_items.mark_sent(session, sent, instance=instance, now=now)
        participants.remember_dms(session, dms)
    return outcomes
