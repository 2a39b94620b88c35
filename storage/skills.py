"""Queries about skill self-ratings."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from storage.insert_once import insert_once
from storage.models import SkillRating


def save_ratings(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    moment: str,
    scores: dict[str, int],
    now: datetime,
) -> None:
    """Store (or replace) the ratings of one moment."""
    existing = {
        r.skill: r for r in _ratings(session, team_id=team_id, user_id=user_id, moment=moment)
    }
    for skill, score in scores.items():
        row = existing.get(skill)
        if row is not None:
            row.score, row.rated_at = score, now
            session.add(row)
            continue
        new = SkillRating(
            team_id=team_id, user_id=user_id, moment=moment, skill=skill, score=score, rated_at=now
        )

        def stored(skill: str = skill) -> SkillRating | None:
            mine = _ratings(session, team_id=team_id, user_id=user_id, moment=moment)
            return next((r for r in mine if r.skill == skill), None)

        found, created = insert_once(session, new, stored)
        if not created:  # a double submit raced us: the later answer wins
            found.score, found.rated_at = score, now
            session.add(found)


def _ratings(session: Session, *, team_id: str, user_id: str, moment: str) -> list[SkillRating]:
    return list(
        session.exec(
            select(SkillRating).where(
                SkillRating.team_id == team_id,
                SkillRating.user_id == user_id,
                SkillRating.moment == moment,
            )
        ).all()
    )


def ratings_by_moment(session: Session, *, team_id: str, user_id: str) -> dict[str, dict[str, int]]:
    """{"start": {skill: score}, "end": {...}} for one participant (moments may be missing)."""
    rows = session.exec(
        select(SkillRating).where(SkillRating.team_id == team_id, SkillRating.user_id == user_id)
    ).all()
    result: dict[str, dict[str, int]] = {}
    for row in rows:
        result.setdefault(row.moment, {})[row.skill] = row.score
    return result
