"""Queries about members' uploaded progress pictures."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from storage.insert_once import insert_once
from storage.models import MemberPicture


def get_picture(session: Session, *, team_id: str, user_id: str, kind: str) -> MemberPicture | None:
    """The member's remembered picture of `kind`, or None."""
    query = select(MemberPicture).where(
        MemberPicture.team_id == team_id,
        MemberPicture.user_id == user_id,
        MemberPicture.kind == kind,
    )
    return session.exec(query).first()


def save_picture(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    kind: str,
    content_hash: str,
    file_id: str,
    now: datetime,
) -> None:
    """Remember (or replace) the member's uploaded picture of `kind`."""
    row = get_picture(session, team_id=team_id, user_id=user_id, kind=kind)
    if row is None:
        new = MemberPicture(
            team_id=team_id, user_id=user_id, kind=kind, content_hash=content_hash,
            file_id=file_id, updated_at=now,
        )  # fmt: skip
        row, created = insert_once(
            session, new, lambda: get_picture(session, team_id=team_id, user_id=user_id, kind=kind)
        )
        if created:
            return
    # An older row, or another request that stored one first: the newest upload wins.
    row.content_hash, row.file_id, row.updated_at = content_hash, file_id, now
    session.add(row)


def drop_picture(session: Session, *, team_id: str, user_id: str, kind: str) -> None:
    """Forget the member's picture of `kind` (its file was refused: upload a new one)."""
    row = get_picture(session, team_id=team_id, user_id=user_id, kind=kind)
    if row is not None:
        session.delete(row)


def file_ids(session: Session, *, team_id: str, user_id: str) -> list[str]:
    """Every uploaded picture file id remembered for the member."""
    query = select(MemberPicture.file_id).where(
        MemberPicture.team_id == team_id, MemberPicture.user_id == user_id
    )
    return list(session.exec(query).all())
