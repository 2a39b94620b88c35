"""Skill self-assessment: which moment is due, saving, and reading back."""

from __future__ import annotations

from bot.progress import local_date, program_week
from bot.services import Services
from bot.skills import SKILLS
from storage import participants, skills


def moment_for(services: Services, *, team_id: str, user_id: str) -> str:
    """ "end" from the program's final week on, "start" before that (or when not enrolled)."""
    now = services.clock.now()
    with services.db.session() as session:
        participant = participants.get_participant(session, team_id=team_id, user_id=user_id)
    if participant is None:
        return "start"
    program = services.programs.get(participant.program_id)
    if program is None:
        return "start"
    week = program_week(participant.start_date, local_date(now, participant.timezone))
    return "end" if week >= program.weeks else "start"


def save(
    services: Services, *, team_id: str, user_id: str, moment: str, scores: dict[str, int]
) -> None:
    """Store one moment's ratings; unknown skills or scores outside 1..5 are refused."""
    if moment not in ("start", "end"):
        raise ValueError(f"unknown moment {moment!r}")
    for skill, score in scores.items():
        if skill not in SKILLS or not 1 <= score <= 5:
            raise ValueError(f"bad rating {skill}={score}")
    with services.db.session() as session:
        skills.save_ratings(
            session,
            team_id=team_id,
            user_id=user_id,
            moment=moment,
            scores=scores,
            now=services.clock.now(),
        )


def ratings(services: Services, *, team_id: str, user_id: str) -> dict[str, dict[str, int]]:
    """The participant's ratings by moment."""
    with services.db.session() as session:
        return skills.ratings_by_moment(session, team_id=team_id, user_id=user_id)
