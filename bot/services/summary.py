"""The personal recap: what you logged, where your deliverable stands, what comes next."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from bot.programs import Phase
from bot.scheduling.kinds import Message
from bot.services import Services
from bot.services.skills import ratings
from bot.services.status import StatusReport, status
from storage import deliverables, entries
from storage.due_items import Claimed


@dataclass(frozen=True)
class Recap:
    """Everything the recap shows."""

    report: StatusReport
    week_counts: dict[str, int]
    total_counts: dict[str, int]
    deliverable_done: bool
    deliverables_done: int
    next_phase: Phase | None
    skills: dict[str, dict[str, int]] = field(default_factory=dict)


def personal_recap(
    services: Services, *, team_id: str, user_id: str, now: datetime | None = None
) -> Recap | None:
    """The recap of `user_id` at `now` (default: the clock's), or None when never joined."""
    report = status(services, team_id=team_id, user_id=user_id, now=now)
    if report is None:
        return None
    program = report.program
    week = report.week
    with services.db.session() as session:
        week_counts = (
            entries.count_by_kind(
                session, team_id=team_id, user_id=user_id, weeks=range(week, week + 1)
            )
            if week >= 1
            else {}
        )
        total_counts = entries.count_by_kind(session, team_id=team_id, user_id=user_id)
        done = deliverables.done_phase_keys(
            session, team_id=team_id, user_id=user_id, program_id=program.id
        )
    phase = report.phase
    next_phase = program.phase_for_week(week + 1) if 0 <= week < program.weeks else None
    return Recap(
        report=report,
        week_counts=week_counts,
        total_counts=total_counts,
        deliverable_done=phase is not None and phase.key in done,
        deliverables_done=len(done & {p.key for p in program.phases}),
        next_phase=next_phase if next_phase is not phase else None,
        skills=ratings(services, team_id=team_id, user_id=user_id),
    )


def render_recaps(
    services: Services, session: Session, items: list[Claimed], now: datetime
) -> dict[int, Message | None]:
    """The Friday recaps: what each person logged this week and so far (counts only)."""
    from bot.blocks.summary import recap_blocks  # the builder reads Recap from here

    out: dict[int, Message | None] = {}
    for item in items:
        recap = personal_recap(services, team_id=item.team_id, user_id=item.user_id, now=now)
        if recap is None or recap.report.participant.status != "active":
            out[item.id] = None
            continue
        out[item.id] = Message(item.user_id, *recap_blocks(recap))
    return out
