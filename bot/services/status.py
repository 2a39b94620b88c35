"""Where a participant stands: week, phase, deliverable, streak."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.programs import Phase, Program
from bot.progress import local_date, program_week, workday_streak
from bot.services import Services
from storage import deliverables, entries, participants
from storage.models import Participant

_STREAK_WINDOW_DAYS = 400


@dataclass(frozen=True)
class StatusReport:
    """A participant's progress, ready to render."""

    participant: Participant
    program: Program
    week: int
    phase: Phase | None
    week_in_phase: int
    evidence_counts: dict[str, int] = field(default_factory=dict)
    total_entries: int = 0
    streak_days: int = 0  # consecutive workdays with an entry, in the member's zone
    # Whether the current phase's deliverable is marked done, and how many of the program's
    # deliverables are.
    deliverable_done: bool = False
    deliverables_done: int = 0

    @property
    def not_started(self) -> bool:
        """True before program week 1."""
        return self.week < 1

    @property
    def finished(self) -> bool:
        """True after the program's last week."""
        return self.week > self.program.weeks


def status(
    services: Services, *, team_id: str, user_id: str, now: datetime | None = None
) -> StatusReport | None:
    """The status of `user_id` at `now` (default: the clock's), or None when never joined."""
    now = now or services.clock.now()
    with services.db.session() as session:
        participant = participants.get_participant(session, team_id=team_id, user_id=user_id)
        if participant is None:
            return None
        program = services.programs.get(participant.program_id)
        if program is None:
            return None
        today = local_date(now, participant.timezone)
        week = program_week(participant.start_date, today)
        phase = program.phase_for_week(min(max(week, 1), program.weeks))
        counts = entries.count_by_kind(session, team_id=team_id, user_id=user_id)
        phase_counts: dict[str, int] = {}
        if phase is not None:
            phase_counts = entries.count_by_kind(
                session, team_id=team_id, user_id=user_id, weeks=phase.weeks
            )
        times = entries.entry_times(
            session,
            team_id=team_id,
            user_id=user_id,
            since=now - timedelta(days=_STREAK_WINDOW_DAYS),
        )
        done_keys = deliverables.done_phase_keys(
            session, team_id=team_id, user_id=user_id, program_id=program.id
        )
    # Every kind counts: a day spent on a customer insight is a day of journaling too.
    streak = workday_streak((local_date(t, participant.timezone) for t in times), today)
    return StatusReport(
        participant=participant,
        program=program,
        week=week,
        phase=phase,
        week_in_phase=program.week_in_phase(week) if phase and 1 <= week <= program.weeks else 0,
        evidence_counts={k: phase_counts.get(k, 0) for k in phase.deliverable.evidence_kinds}
        if phase
        else {},
        total_entries=sum(counts.values()),
        streak_days=streak,
        deliverable_done=phase is not None and phase.key in done_keys,
        deliverables_done=sum(1 for p in program.phases if p.key in done_keys),
    )
