"""Planning: enrollments and workspaces whose next item is due become items in the queue.

Only rows whose `next_due_at` (enrollments) or `next_digest_at` (workspaces) has come are
read, in batches, through their indexes; each is planned, and told when to be looked at
again. Anything that changes someone's schedule (join, resume, a new time zone, new prompt
settings) sets that time to PLAN_NOW, so the next pass plans it afresh.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlmodel import Session, col, select

from bot.scheduling.due import (
    NEVER,
    SKIP,
    Candidate,
    Due,
    WorkspaceTimes,
    digest_due,
    due_for,
    keys_to_check,
    next_attention,
)
from bot.services import Services
from bot.services.participation import return_from_away
from storage import cohorts, due_items, participants, workspaces
from storage.due_items import PENDING, SKIPPED, Planned
from storage.models import Workspace
from storage.participants import ToPlan

# Enrollments (and workspaces) planned per database round; a pass plans until none is left.
PLAN_BATCH = 500


@dataclass(frozen=True)
class PlanReport:
    """What one planning round added to the queue, and how many rows it looked at."""

    planned: list[Due]
    seen: int = 0

    @property
    def skipped(self) -> list[Due]:
        """Items recorded as missed (too late to send)."""
        return [d for d in self.planned if d.action == SKIP]


def as_planned(due: Due) -> Planned:
    """The queue item for a `Due`."""
    payload: dict[str, object] = {}
    if due.week is not None:
        payload["week"] = due.week
    if due.program_id is not None:
        payload["program_id"] = due.program_id
    if due.phase_key is not None:
        payload["phase_key"] = due.phase_key
    if due.missed_previous:
        payload["missed_previous"] = True
    assert due.at is not None
    return Planned(
        team_id=due.team_id,
        user_id=due.user_id,
        kind=due.kind,
        period=due.period,
        due_at=due.at,
        expires_at=due.expires,
        payload=payload,
        status=SKIPPED if due.action == SKIP else PENDING,
    )


def times_of(session: Session, team_ids: Iterable[str]) -> dict[str, WorkspaceTimes]:
    """The schedule settings of these workspaces (defaults where a row is missing)."""
    wanted = sorted(set(team_ids))
    rows = session.exec(select(Workspace).where(col(Workspace.team_id).in_(wanted))).all()
    found = {
        w.team_id: WorkspaceTimes(w.team_id, w.prompt_weekday, w.prompt_hour, w.team_channel_id)
        for w in rows
    }
    return {team: found.get(team, WorkspaceTimes(team)) for team in wanted}


def plan_enrollments(services: Services, now: datetime, *, limit: int = PLAN_BATCH) -> PlanReport:
    """Plan one batch of enrollments whose next item is due; returns what was added."""
    with services.db.session() as session:
        batch = participants.to_plan(session, now=now, limit=limit)
        if not batch:
            return PlanReport([])
        times = times_of(session, (p.team_id for p in batch))
        candidates = [(p, _candidate(p)) for p in batch]
        programs = services.programs
        keys = [
            key
            for p, c in candidates
            if (program := programs.get(p.program_id)) is not None
            for key in keys_to_check(now, c, program)
        ]
        planned = due_items.statuses(session, keys)
        due: list[Due] = []
        next_times: list[tuple[int, datetime]] = []
        for p, c in candidates:
            program = programs.get(p.program_id)
            assert p.id is not None
            if program is None:  # its program file was removed: nothing to send any more
                next_times.append((p.id, NEVER))
                continue
            theirs = own_times(times[p.team_id], p)
            due.extend(due_for(now, c, theirs, program, planned))
            next_times.append((p.id, next_attention(now, c, theirs, program)))
        due_items.plan(session, [as_planned(d) for d in due], now=now)
        participants.set_next_due(session, next_times)
    return PlanReport(due, len(batch))


def plan_returns(services: Services, now: datetime, *, limit: int = PLAN_BATCH) -> PlanReport:
    """Members back from away today: resumed (and so planned right after, like any
    enrollment whose schedule changed)."""
    return PlanReport([], return_from_away(services, now, limit=limit))


def own_times(times: WorkspaceTimes, p: ToPlan) -> WorkspaceTimes:
    """The workspace's schedule with the member's own prompt day and hour, where set."""
    if p.prompt_weekday is None and p.prompt_hour is None:
        return times
    return replace(
        times,
        prompt_weekday=times.prompt_weekday if p.prompt_weekday is None else p.prompt_weekday,
        prompt_hour=times.prompt_hour if p.prompt_hour is None else p.prompt_hour,
    )


def plan_digests(services: Services, now: datetime, *, limit: int = PLAN_BATCH) -> PlanReport:
    """Plan the weekly digest of each workspace whose next digest is due."""
    with services.db.session() as session:
        rows = workspaces.digests_to_plan(session, now=now, limit=limit)
        if not rows:
            return PlanReport([])
        due: list[Due] = []
        next_times: list[tuple[str, datetime]] = []
        with_cohorts = cohorts.ids_by_team(session, team_ids=[w.team_id for w in rows])
        for w in rows:
            times = WorkspaceTimes(w.team_id, w.prompt_weekday, w.prompt_hour, w.team_channel_id)
            found, again = digest_due(now, times, with_cohorts.get(w.team_id, ()))
            due.extend(found)
            next_times.append((w.team_id, again))
        due_items.plan(session, [as_planned(d) for d in due], now=now)
        workspaces.set_next_digest(session, next_times)
    return PlanReport(due, len(rows))


def _candidate(p: ToPlan) -> Candidate:
    return Candidate(p.team_id, p.user_id, p.program_id, p.start_date, p.timezone, p.joined_at)
