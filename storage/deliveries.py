"""Queries about scheduled deliveries: claim by INSERT, send, then mark sent, exactly once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from storage.insert_once import insert_once
from storage.models import Delivery

CLAIMED = "claimed"
SENT = "sent"
SKIPPED = "skipped"
FAILED = "failed"


@dataclass(frozen=True)
class Claim:
    """A delivery this instance now owns; `recovered` when an earlier attempt may have sent it."""

    delivery: Delivery
    recovered: bool


@dataclass(frozen=True)
class DeliveryState:
    """What the due computation needs to know about an existing delivery row."""

    status: str
    attempts: int
    claimed_at: datetime | None


def _get(
    session: Session, *, team_id: str, user_id: str, kind: str, period: str
) -> Delivery | None:
    return session.exec(
        select(Delivery).where(
            Delivery.team_id == team_id,
            Delivery.user_id == user_id,
            Delivery.kind == kind,
            Delivery.period == period,
        )
    ).first()


def claim(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    kind: str,
    period: str,
    instance: str,
    now: datetime,
    lease: timedelta,
    max_attempts: int,
) -> Claim | None:
    """Take ownership of one delivery, or None when someone else has it or it is finished.

    A new key is claimed by INSERT: the unique constraint picks one winner among threads,
    processes and instances, on SQLite and PostgreSQL alike. An existing row is taken over
    only when it is retryable (failed, attempts left) or its claim is older than `lease`
    (its owner died); that takeover is a compare-and-set on `attempts`, so it too has one
    winner. Commit the session before sending so other instances see the claim.
    """
    row = Delivery(
        team_id=team_id,
        user_id=user_id,
        kind=kind,
        period=period,
        status=CLAIMED,
        claimed_by=instance,
        claimed_at=now,
        attempts=1,
    )
    existing, created = insert_once(
        session,
        row,
        lambda: _get(session, team_id=team_id, user_id=user_id, kind=kind, period=period),
    )
    if created:
        return Claim(row, recovered=False)
    if existing.id is None:
        return None
    stale = (
        existing.status == CLAIMED
        and existing.claimed_at is not None
        and existing.claimed_at <= now - lease
    )
    retryable = existing.status == FAILED and existing.attempts < max_attempts
    if not (stale or retryable):
        return None
    result = session.execute(
        update(Delivery)
        .where(
            col(Delivery.id) == existing.id,
            col(Delivery.status) == existing.status,
            col(Delivery.attempts) == existing.attempts,
        )
        .values(
            status=CLAIMED,
            claimed_by=instance,
            claimed_at=now,
            attempts=existing.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]  # another instance won the takeover
        return None
    session.refresh(existing)
    return Claim(existing, recovered=True)


def mark_sent(
    session: Session,
    *,
    delivery_id: int,
    channel: str | None,
    message_ts: str | None,
    now: datetime,
) -> None:
    """Record that Slack accepted the message."""
    session.execute(
        update(Delivery)
        .where(col(Delivery.id) == delivery_id)
        .values(status=SENT, sent_at=now, channel=channel, message_ts=message_ts, error=None)
        .execution_options(synchronize_session=False)
    )


def mark_failed(
    session: Session, *, delivery_id: int, error: str, give_up_at: int | None = None
) -> None:
    """Record a failed attempt; the row stays retryable while attempts are left.

    `give_up_at` (the max attempts) makes it final at once, for errors a retry cannot fix.
    """
    values: dict[str, object] = {"status": FAILED, "error": error[:255]}
    if give_up_at is not None:
        values["attempts"] = give_up_at
    session.execute(
        update(Delivery)
        .where(col(Delivery.id) == delivery_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def record_dropped(session: Session, *, delivery_id: int, now: datetime) -> None:
    """A claimed delivery that turned out to be moot (e.g. the deliverable was just done)."""
    session.execute(
        update(Delivery)
        .where(col(Delivery.id) == delivery_id)
        .values(status=SKIPPED, error="no longer relevant", sent_at=None, claimed_at=now)
        .execution_options(synchronize_session=False)
    )


def record_skipped(
    session: Session, *, team_id: str, user_id: str, kind: str, period: str, now: datetime
) -> bool:
    """Record a delivery that will never be sent (too late to matter); False if one exists."""
    row = Delivery(
        team_id=team_id,
        user_id=user_id,
        kind=kind,
        period=period,
        status=SKIPPED,
        claimed_at=now,
        attempts=0,
    )
    _, created = insert_once(
        session,
        row,
        lambda: _get(session, team_id=team_id, user_id=user_id, kind=kind, period=period),
    )
    return created


# Shared: a finished row needs no more detail than its status.
_FINAL = {SENT: DeliveryState(SENT, 0, None), SKIPPED: DeliveryState(SKIPPED, 0, None)}


def recent_states(
    session: Session, *, team_ids: Iterable[str], since: datetime
) -> dict[tuple[str, str, str, str], DeliveryState]:
    """Deliveries claimed since `since` plus every completion, by (team, user, kind, period).

    Everything a due pass can ask about is recent (this week's and last week's prompt, this
    week's nudge, this week's digest) except the once-per-enrollment completion message.
    Finished rows (sent, skipped) come back without converting their dates:
    they are nearly all of them, and this runs every minute.
    """
    team_list = sorted(set(team_ids))
    found: dict[tuple[str, str, str, str], DeliveryState] = {}
    if not team_list:
        return found
    keys = (Delivery.team_id, Delivery.user_id, Delivery.kind, Delivery.period)
    in_scope = (
        (col(Delivery.team_id).in_(team_list), col(Delivery.claimed_at) >= since),
        (col(Delivery.team_id).in_(team_list), Delivery.kind == "completion"),
    )
    for where in in_scope:
        finished = select(*keys, Delivery.status).where(  # type: ignore[call-overload]  # sqlmodel types 4 columns at most
            *where, col(Delivery.status).in_((SENT, SKIPPED))
        )
        for team, user, kind, period, status in session.exec(finished).all():
            found[(team, user, kind, period)] = _FINAL[status]
        open_rows = select(*keys, Delivery.status, Delivery.attempts, Delivery.claimed_at).where(  # type: ignore[call-overload]  # sqlmodel types 4 columns at most
            *where, col(Delivery.status).in_((CLAIMED, FAILED))
        )
        for team, user, kind, period, status, attempts, claimed_at in session.exec(open_rows).all():
            found[(team, user, kind, period)] = DeliveryState(status, attempts, claimed_at)
    return found


def states_for_keys(
    session: Session, *, keys: Iterable[tuple[str, str, str, str]]
) -> dict[tuple[str, str, str, str], DeliveryState]:
    """Existing deliveries for exact (team, user, kind, period) keys, whatever their age."""
    by_team: dict[str, set[tuple[str, str, str, str]]] = {}
    for key in keys:
        by_team.setdefault(key[0], set()).add(key)
    found: dict[tuple[str, str, str, str], DeliveryState] = {}
    for team_id, team_keys in by_team.items():
        users = sorted({k[1] for k in team_keys})
        for start in range(0, len(users), 200):
            chunk = set(users[start : start + 200])
            # Only the periods of this chunk's users, so the bound parameters stay few.
            periods = sorted({k[3] for k in team_keys if k[1] in chunk})
            rows = session.exec(
                select(  # type: ignore[call-overload]  # sqlmodel types 4 columns at most
                    Delivery.user_id,
                    Delivery.kind,
                    Delivery.period,
                    Delivery.status,
                    Delivery.attempts,
                    Delivery.claimed_at,
                ).where(
                    Delivery.team_id == team_id,
                    col(Delivery.user_id).in_(sorted(chunk)),
                    col(Delivery.period).in_(periods),
                )
            ).all()
            for user, kind, period, status, attempts, claimed_at in rows:
                key = (team_id, user, kind, period)
                if key in team_keys:
                    found[key] = DeliveryState(status, attempts, claimed_at)
    return found


def list_deliveries(
    session: Session,
    *,
    team_id: str | None = None,
    kind: str | None = None,
    user_id: str | None = None,
) -> list[Delivery]:
    """Delivery rows, oldest first (for tests and operators)."""
    query = select(Delivery).order_by(col(Delivery.id))
    if team_id is not None:
        query = query.where(Delivery.team_id == team_id)
    if user_id is not None:
        query = query.where(Delivery.user_id == user_id)
    if kind is not None:
        query = query.where(Delivery.kind == kind)
    return list(session.exec(query).all())


def count_by_status(session: Session) -> dict[str, int]:
    """How many deliveries are in each status."""
    rows = session.exec(select(Delivery.status, func.count()).group_by(Delivery.status)).all()
    return {status: int(n) for status, n in rows}


def add_many(session: Session, rows: list[Delivery]) -> None:
    """Insert many delivery rows at once (benchmarks; no duplicate check)."""
    session.add_all(rows)
