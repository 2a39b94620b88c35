"""Cohorts: an admin starts a program for a group on one Monday, with its own channel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.programs import Program
from bot.progress import local_date, program_week, week_start
from bot.services import Services
from storage import cohorts
from storage.models import Cohort

NAME_LIMIT = 80


class CohortError(ValueError):
    """A cohort we cannot create as asked; the message says what to change."""


@dataclass(frozen=True)
class NewCohort:
    """A cohort just created, with its program."""

    cohort: Cohort
    program: Program


def create_cohort(
    services: Services,
    *,
    team_id: str,
    user_id: str,
    name: str,
    program_id: str,
    start: date,
    channel_id: str,
) -> NewCohort:
    """Create a cohort starting on the Monday of `start`'s week."""
    program, monday, name = check_cohort(services, name=name, program_id=program_id, start=start)
    now = services.clock.now()
    with services.db.session() as session:
        cohort = cohorts.create(
            session,
            team_id=team_id,
            name=name,
            program_id=program.id,
            start_date=monday,
            channel_id=channel_id,
            created_by=user_id,
            now=now,
        )
        session.expunge(cohort)
    return NewCohort(cohort, program)


def check_cohort(
    services: Services, *, name: str, program_id: str, start: date
) -> tuple[Program, date, str]:
    """(program, start Monday, tidy name) of a cohort we can create; CohortError if not."""
    name = " ".join(name.split())
    if not name:
        raise CohortError("Give the cohort a name.")
    if len(name) > NAME_LIMIT:
        raise CohortError(f"Keep the name under {NAME_LIMIT} characters.")
    program = services.programs.get(program_id)
    if program is None:
        names = ", ".join(f"`{p}`" for p in services.programs)
        raise CohortError(f"I don't know the program `{program_id[:40]}`. Pick one of: {names}.")
    now = services.clock.now()
    monday = week_start(start)
    today = now.date()
    if program_week(monday, today) > program.weeks:
        raise CohortError(
            f"That start is over {program.weeks} weeks ago: the cohort would be over."
        )
    if (monday - today).days > 7 * 26:
        raise CohortError("Pick a start within the next six months.")
    return program, monday, name


def find_cohort(services: Services, *, team_id: str, cohort_id: int) -> Cohort | None:
    """A cohort of this workspace, or None."""
    with services.db.session() as session:
        cohort = cohorts.get(session, team_id=team_id, cohort_id=cohort_id)
        if cohort is not None:
            session.expunge(cohort)
        return cohort


def cohort_week(services: Services, cohort: Cohort, timezone: str | None) -> int:
    """The cohort's program week today, for someone in `timezone` (0 or less: not started)."""
    return program_week(cohort.start_date, local_date(services.clock.now(), timezone))


def join_cohort(services: Services, *, team_id: str, user_id: str, cohort_id: int) -> None:
    """Record that a new enrollment belongs to this cohort."""
    with services.db.session() as session:
        cohorts.add_member(session, team_id=team_id, user_id=user_id, cohort_id=cohort_id)


@dataclass(frozen=True)
class CohortInfo:
    """A cohort and how many members it has (active or paused)."""

    cohort: Cohort
    members: int


def list_cohorts(services: Services, *, team_id: str) -> list[CohortInfo]:
    """The workspace's cohorts, oldest first, with member counts (one grouped query)."""
    with services.db.session() as session:
        found = cohorts.in_team(session, team_id=team_id)
        counts = cohorts.member_counts(session, team_id=team_id)
        for c in found:
            session.expunge(c)
    return [CohortInfo(c, counts.get(c.id or 0, 0)) for c in found]
