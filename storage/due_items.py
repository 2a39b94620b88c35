"""The queue of scheduled messages: plan, claim in batches, record, recover. One table.

Every query here reads the open items through their partial indexes (by workspace and ready
time, and by ready time alone), or rows by id or by key, so its cost follows the work that
is due, never the number of items ever sent or planned for later; `waiting` tells a pass in
one statement which of its steps have work at all. Claims are one UPDATE per batch:
on PostgreSQL the rows are picked FOR UPDATE SKIP LOCKED, so instances running the same
pass take disjoint batches; SQLite serialises writers, which gives the same guarantee.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import (
    JSON,
    BigInteger,
    Text,
    TextClause,
    and_,
    any_,
    bindparam,
    case,
    cast,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection
from sqlmodel import Session
from sqlmodel import select as sqlmodel_select

from storage.insert_once import insert_or_skip
from storage.models import OPEN_STATUSES, DueItem, Participant, Workspace
from storage.prepared import Prepared
from storage.types import stored_form

PENDING = "pending"
CLAIMED = "claimed"  # an owner will send it; ready_at is the end of its lease
SENDING = "sending"  # its owner is sending it now: if the owner dies, check Slack first
UNCERTAIN = "uncertain"  # an attempt may have reached Slack: check before sending again
SENT = "sent"
SKIPPED = "skipped"  # too late to matter
FAILED = "failed"  # given up (the person cannot be reached, or Slack refused it)
DROPPED = "dropped"  # nothing to say any more (the deliverable was done, the person left)
OPEN = (PENDING, CLAIMED, SENDING, UNCERTAIN)
MAYBE_SENT = (SENDING, UNCERTAIN)
OWNED = (CLAIMED, SENDING, UNCERTAIN)  # the statuses a claim leaves an item in
assert OPEN == OPEN_STATUSES, "storage/models.py's index must list the same statuses"

Key = tuple[str, str, str, str]  # (team, user, kind, period)

T = DueItem.__table__  # type: ignore[attr-defined]
W = Workspace.__table__  # type: ignore[attr-defined]
P = Participant.__table__  # type: ignore[attr-defined]


def _written_out(statuses: Sequence[str]) -> Any:
    """`status IN (...)` with the statuses as SQL literals, not bound parameters (they are
    our own constants, never a caller's values)."""
    return T.c.status.in_([literal_column(f"'{status}'") for status in statuses])


# "The item is open", with the statuses written into the SQL rather than bound: that is
# what lets both planners match it against the partial index's condition (and what lets
# a Prepared statement use it: it takes no expanding parameters).
IS_OPEN = _written_out(OPEN)


@dataclass(frozen=True)
class Waiting:
    """What a pass would find to do at one moment, step by step."""

    returns: bool  # a paused enrollment's away date has come: resume it
    enrollments: bool  # an active enrollment's next item has come: plan it
    digests: bool  # a workspace's digest is unplanned or due: plan it
    probes: bool  # a suspended workspace is due for a probe
    items: bool  # a queue item is ready: skip it if expired, else claim and send it


_NOW: Any = bindparam("now")


def _first(column: Any, *where: Any) -> Any:
    """The smallest value of an indexed column among rows matching `where` (one index entry
    read). Asked as ORDER BY ... LIMIT 1 rather than EXISTS (... <= now): PostgreSQL's
    estimate for the latter assumes status and time are independent, which they are not
    (most rows are sent, and long past), and it then chose to scan the table."""
    return select(column).where(*where, column.is_not(None)).order_by(column).limit(1)


# Built once, so each pass finds it compiled in SQLAlchemy's cache: a few index probes in
# one statement, the whole of a pass when nothing is due.
# The paused range is bounded by `now` inside: paused enrollments without a return date sit
# at the far end of it, and reading up to the first one with a date walked them all. The
# unplanned-digest check is a one-row probe, which SQLite runs on the index even when every
# workspace shares one digest hour (its EXISTS then chose to scan the table).
_WAITING = select(
    _first(
        P.c.next_due_at,
        P.c.status == "paused",
        P.c.next_due_at <= _NOW,
        P.c.away_until.is_not(None),
    ).scalar_subquery()
    <= _NOW,
    _first(P.c.next_due_at, P.c.status == "active").scalar_subquery() <= _NOW,
    or_(
        select(literal(1))
        .where(W.c.next_digest_at.is_(None))
        .limit(1)
        .scalar_subquery()
        .is_not(None),
        _first(W.c.next_digest_at).scalar_subquery() <= _NOW,
    ),
    _first(W.c.probe_at, W.c.suspended.is_not(None)).scalar_subquery() <= _NOW,
    _first(T.c.ready_at, IS_OPEN).scalar_subquery() <= _NOW,
)


def waiting(connection: Connection, *, now: datetime) -> Waiting:
    """Which steps of a pass at `now` have anything to do. Each flag covers its step's own
    query (those read a subset of what it reads), so a step whose flag is False is a no-op."""
    row = connection.execute(_WAITING, {"now": now}).one()
    return Waiting(*(bool(flag) for flag in row))  # NULL (no such row) is False


@dataclass(frozen=True)
class Planned:
    """An item to add to the queue (nothing happens when its key is already there)."""

    team_id: str
    user_id: str
    kind: str
    period: str
    due_at: datetime
    expires_at: datetime | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    status: str = PENDING  # or SKIPPED: recorded as missed, never sent

    @property
    def key(self) -> Key:
        """The item's unique key."""
        return (self.team_id, self.user_id, self.kind, self.period)


class Claimed(NamedTuple):
    """An item this instance now owns. `recovered`: an earlier attempt may have sent it.

    A named tuple rather than a frozen dataclass: a prompt-hour claim makes hundreds at
    once, and a tuple is built in well under half the time."""

    id: int
    team_id: str
    user_id: str
    kind: str
    period: str
    due_at: datetime
    expires_at: datetime | None
    attempts: int
    payload: dict[str, Any]
    recovered: bool

    @property
    def key(self) -> Key:
        """The item's unique key."""
        return (self.team_id, self.user_id, self.kind, self.period)


@cache
def _plan_statement(dialect: str) -> Any:
    """The queue's INSERT ... ON CONFLICT DO NOTHING RETURNING id, built once per dialect
    (a new statement per call costs building and hashing it: a fifth of a logged decision)."""
    return insert_or_skip(dialect, T, on=KEY_COLUMNS).returning(T.c.id)


# One item in a Core transaction (a logged decision's revisit, on the request path): run on
# the driver's cursor (storage/prepared.py).
_PLAN_ONE = Prepared(_plan_statement)


# An item's unique key, and the columns a new one is written with (row_of).
KEY_COLUMNS = ("team_id", "user_id", "kind", "period")
ROW_COLUMNS = (
    *KEY_COLUMNS,
    "status",
    "due_at",
    "expires_at",
    "ready_at",
    "attempts",
    "payload",
    "created_at",
)


def row_of(item: Planned, *, now: datetime) -> dict[str, Any]:
    """The queue's row for a new item (its columns are ROW_COLUMNS)."""
    return {
        "team_id": item.team_id,
        "user_id": item.user_id,
        "kind": item.kind,
        "period": item.period,
        "status": item.status,
        "due_at": item.due_at,
        "expires_at": item.expires_at,
        "ready_at": item.due_at,
        "attempts": 0,
        "payload": item.payload,
        "created_at": now,
    }


def plan(session: Session | Connection, items: Sequence[Planned], *, now: datetime) -> int:
    """Add items to the queue; an existing key is left as it is. Returns how many were new."""
    if not items:
        return 0
    rows = [row_of(i, now=now) for i in items]
    if isinstance(session, Connection) and len(rows) == 1:
        return 0 if _PLAN_ONE.first(session, rows[0]) is None else 1
    bind = session.get_bind() if isinstance(session, Session) else session
    if len(rows) > 1:
        return _plan_many(session, bind.dialect, items, now=now)
    # RETURNING counts what was new on both databases (an executemany's rowcount does not).
    return len(session.execute(_plan_statement(bind.dialect.name), rows[0]).all())


# The columns a batch of planned items fills from its own values, and their PostgreSQL types.
_PLANNED = (
    ("team_id", "varchar"),
    ("user_id", "varchar"),
    ("kind", "varchar"),
    ("period", "varchar"),
    ("status", "varchar"),
    ("due_at", "timestamp"),
    ("expires_at", "timestamp"),
    ("payload", "text"),  # JSON text
)


@cache
def _plan_many_statement(dialect: str) -> TextClause:
    """A batch of items in one INSERT ... SELECT whose SQL is the same whatever its size.

    SQLAlchemy's executemany-with-RETURNING renders a VALUES row per item: for a planning
    batch of 500, 5,500 placeholders that psycopg parses afresh on every call (it caches
    only short statements), 56 ms of the 100 a batch took at the prompt hour. Here each
    column travels as one array (PostgreSQL's unnest), or the rows as one JSON array
    (SQLite's json_each); an existing key is left as it is, as one at a time."""
    names = [name for name, _ in _PLANNED]
    into = f"INSERT INTO due_item ({', '.join(names)}, ready_at, attempts, created_at) "
    tail = " ON CONFLICT (team_id, user_id, kind, period) DO NOTHING RETURNING id"
    if dialect == "postgresql":
        arrays = ", ".join(f"CAST(:{name} AS {kind}[])" for name, kind in _PLANNED)
        picked = ", ".join(f"CAST(t.{n} AS json)" if n == "payload" else f"t.{n}" for n in names)
        source = f"unnest({arrays}) AS t({', '.join(names)})"
        ready = "t.due_at"
    else:
        picked = ", ".join(
            f"json(json_extract(value, '$[{k}]'))"
            if n == "payload"
            else f"json_extract(value, '$[{k}]')"
            for k, n in enumerate(names)
        )
        # (`WHERE true`: SQLite would read an ON CONFLICT right after FROM as the join's.)
        source = "json_each(:rows) WHERE true"
        ready = f"json_extract(value, '$[{names.index('due_at')}]')"
    return text(f"{into}SELECT {picked}, {ready}, 0, :created_at FROM {source}{tail}")


def _plan_many(
    session: Session | Connection, dialect: Any, items: Sequence[Planned], *, now: datetime
) -> int:
    stamp = stored_form(T.c.due_at, dialect)
    rows = [
        (i.team_id, i.user_id, i.kind, i.period, i.status, stamp(i.due_at),
         None if i.expires_at is None else stamp(i.expires_at), i.payload)
        for i in items
    ]  # fmt: skip
    values: dict[str, Any] = {"created_at": stamp(now)}
    if dialect.name == "postgresql":
        columns = [list(column) for column in zip(*rows, strict=True)]
        columns[-1] = [json.dumps(payload) for payload in columns[-1]]
        values.update({name: column for (name, _), column in zip(_PLANNED, columns, strict=True)})
    else:
        values["rows"] = json.dumps(rows)
    return len(session.execute(_plan_many_statement(dialect.name), values).all())


@cache
def _statuses_statement(dialect: str) -> TextClause:
    """Every key of a batch travels in one JSON parameter, unpacked by the database and
    joined to the queue's unique key: a bound parameter per key cost SQLAlchemy more than
    the rest of planning the enrollment (a third of a prompt's planning, at 10,000)."""
    if dialect == "postgresql":
        source, part = "jsonb_array_elements(CAST(:keys AS jsonb)) AS k(v)", "k.v ->> {}"
    else:
        source, part = "json_each(:keys) AS k", "json_extract(k.value, '$[{}]')"
    on = " AND ".join(
        f"d.{column} = {part.format(n)}"
        for n, column in enumerate(("team_id", "user_id", "kind", "period"))
    )
    return text(
        f"SELECT d.team_id, d.user_id, d.kind, d.period, d.status FROM {source} "
        f"JOIN due_item AS d ON {on}"
    )


def statuses(session: Session, keys: Iterable[Key]) -> dict[Key, str]:
    """The status of each of these keys that is in the queue."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    statement = _statuses_statement(session.get_bind().dialect.name)
    rows = session.execute(statement, {"keys": json.dumps(wanted)})
    return {(team, user, kind, period): status for team, user, kind, period, status in rows}


def ready_teams(session: Session, *, instance: str, now: datetime, limit: int) -> list[str]:
    """Workspaces with items ready now that this instance may send for: not paused by a
    429, not suspended, and whose lane is free, expired or already ours."""
    query = _ready_teams_query(instance=instance, now=now, limit=limit)
    return [row[0] for row in session.execute(query)]


def _ready_teams_query(*, instance: str, now: datetime, limit: int) -> Any:
    """The ready items are grouped first (the ready part of the open items' index by
    ready time) and only then joined to their workspaces, so the cost follows the items
    ready now, not the number of workspaces or of items planned for later."""
    # Grouped by an expression, not the column: grouped by the column, both planners would
    # rather read every open item in team order (the other index), sparing the grouping
    # a sort, and that reads the check-ins planned for the weeks ahead as well.
    team = (T.c.team_id + "").label("team_id")
    ready = (
        select(team, func.min(T.c.ready_at).label("first"))
        .where(IS_OPEN, T.c.ready_at <= now)
        .group_by(team)
        .subquery("ready")
    )
    lane_free = or_(W.c.lane_owner.is_(None), W.c.lane_owner == instance, W.c.lane_until <= now)
    return (
        select(ready.c.team_id)
        .join(W, W.c.team_id == ready.c.team_id)
        .where(
            W.c.suspended.is_(None),
            or_(W.c.paused_until.is_(None), W.c.paused_until <= now),
            lane_free,
        )
        .order_by(ready.c.first, ready.c.team_id)
        .limit(limit)
    )


def skip_expired(session: Session, *, teams: Sequence[str] | None, now: datetime) -> list[Key]:
    """Ready items (of these workspaces, or all) that are too late to matter: recorded as
    skipped. Reads the open items' index only."""
    conditions = [] if teams is None else [T.c.team_id.in_(teams)]
    result = session.execute(
        update(T)
        .where(
            *conditions,
            IS_OPEN,
            T.c.status.in_((PENDING, UNCERTAIN)),
            T.c.ready_at <= now,
            T.c.expires_at.is_not(None),
            T.c.expires_at < now,
        )
        .values(status=SKIPPED, error="too late to matter")
        .returning(T.c.team_id, T.c.user_id, T.c.kind, T.c.period)
    )
    return [(row[0], row[1], row[2], row[3]) for row in result]


# What a claim's RETURNING hands back, in the order `_claimed` reads it. The payload comes
# as its JSON text, decoded by `_Payloads`.
_CLAIMED_COLUMNS = (
    T.c.id,
    T.c.team_id,
    T.c.user_id,
    T.c.kind,
    T.c.period,
    T.c.due_at,
    T.c.expires_at,
    T.c.attempts,
    cast(T.c.payload, Text).label("payload"),
)


class _Payloads:
    """Decodes the payloads of one claim, each distinct JSON text once. At the prompt hour
    nearly every item of a batch carries one of a few (`{"week": 3}`), and the driver's
    JSON decoding of every row was a third of a claim of 500 (bench.ticks, PostgreSQL).
    A flat payload (no list or object inside) is handed out as a copy of its own; any other
    is decoded afresh: no two items ever share a value that could be changed."""

    def __init__(self) -> None:
        self._flat: dict[str, dict[str, Any]] = {}

    def __call__(self, text: str | None) -> dict[str, Any]:
        if not text:
            return {}
        flat = self._flat.get(text)
        if flat is not None:
            return dict(flat)
        value: dict[str, Any] = json.loads(text) or {}
        if not any(isinstance(v, dict | list) for v in value.values()):
            self._flat[text] = value
            return dict(value)
        return value


def _claimed(row: Any, *, recovered: bool, payloads: _Payloads) -> Claimed:
    item_id, team_id, user_id, kind, period, due_at, expires_at, attempts, payload = row
    return Claimed(
        item_id, team_id, user_id, kind, period, due_at, expires_at, attempts,
        payloads(payload), recovered,
    )  # fmt: skip


def _claim_ready(dialect_name: str) -> Any:
    # The pick (oldest first, by the open items' index) and the claim are one statement:
    # the update's own condition is the compare-and-set (another claim moves ready_at past
    # `now`), so two writers never both win a row, and PostgreSQL's writers skip each
    # other's picked rows instead of waiting on them.
    picked = (
        select(T.c.id)
        .where(T.c.team_id == bindparam("team"), IS_OPEN, T.c.ready_at <= _NOW)
        .order_by(T.c.ready_at, T.c.id)
        .limit(bindparam("limit"))
        .with_for_update(skip_locked=True)  # PostgreSQL; SQLite serialises writers anyway
    )
    # An item that may be in Slack keeps saying so (if this owner dies too before trying
    # it, the next one still looks for it first), and so the status it is left in tells
    # whether it is to be recovered.
    maybe_sent = _written_out(MAYBE_SENT)
    # PostgreSQL is handed the picked ids as one array, found before the update starts:
    # given `id IN (subquery)` its planner may rather hash-join the subquery against every
    # workspace's ready items, and at the prompt hour that is all of them, for each claim.
    # SQLite looks each picked id up by rowid either way.
    chosen = (
        T.c.id == any_(func.array(picked.scalar_subquery()))
        if dialect_name == "postgresql"
        else T.c.id.in_(picked.scalar_subquery())
    )
    return (
        update(T)
        .where(chosen, IS_OPEN, T.c.ready_at <= _NOW)
        .values(
            status=case((maybe_sent, T.c.status), else_=literal_column(f"'{CLAIMED}'")),
            claimed_by=bindparam("instance"),
            ready_at=bindparam("lease_until", type_=T.c.ready_at.type),
            attempts=T.c.attempts + 1,
        )
        .returning(*_CLAIMED_COLUMNS, T.c.status)
    )


_CLAIM_READY = Prepared(_claim_ready)


def claim_ready(
    session: Session,
    *,
    team_id: str,
    instance: str,
    now: datetime,
    lease_until: datetime,
    limit: int,
) -> list[Claimed]:
    """Claim up to `limit` ready items of this workspace in one statement, oldest first.

    A pending item, or a claimed one whose owner died before trying it, is claimed fresh;
    one whose owner died while sending it, or an uncertain one, comes back `recovered`, to
    be looked for in Slack before it is sent again.
    """
    rows = _CLAIM_READY.all(
        session.connection(),
        {
            "team": team_id,
            "now": now,
            "limit": limit,
            "instance": instance,
            "lease_until": lease_until,
        },
    )
    payloads = _Payloads()
    claimed = [
        _claimed(row[:-1], recovered=row[-1] in MAYBE_SENT, payloads=payloads) for row in rows
    ]
    return sorted(claimed, key=lambda c: (c.due_at, c.id))


def claim_person(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    kinds: Sequence[str],
    instance: str,
    now: datetime,
    lease_until: datetime,
) -> list[Claimed]:
    """Claim every ready item of these kinds for one person (one message carries them all)."""
    rows = session.execute(
        update(T)
        .where(
            T.c.team_id == team_id,
            T.c.user_id == user_id,
            T.c.kind.in_(kinds),
            T.c.status == PENDING,
            T.c.ready_at <= now,
        )
        .values(
            status=CLAIMED, claimed_by=instance, ready_at=lease_until, attempts=T.c.attempts + 1
        )
        .returning(*_CLAIMED_COLUMNS)
    )
    payloads = _Payloads()
    return [_claimed(row, recovered=False, payloads=payloads) for row in rows]


def _listed_ids() -> Any:
    """The `ids` parameter: a list handed over as one value (a PostgreSQL array, a JSON
    array on SQLite), not a bound parameter per id, which for a chunk of sends cost
    SQLAlchemy more than the statement did."""
    return bindparam("ids", type_=JSON().with_variant(ARRAY(BigInteger), "postgresql"))


def _by_ids(dialect_name: str) -> Any:
    ids = _listed_ids()
    if dialect_name == "postgresql":
        return T.c.id == any_(ids)
    return T.c.id.in_(select(literal_column("value")).select_from(func.json_each(ids)))


def _renew_statement(*, sending: bool) -> Prepared:
    def build(dialect_name: str) -> Any:
        values: dict[str, Any] = {"ready_at": bindparam("lease_until", type_=T.c.ready_at.type)}
        if sending:
            values["status"] = SENDING
        return (
            update(T)
            .where(
                _by_ids(dialect_name),
                T.c.claimed_by == bindparam("instance"),
                _written_out(OWNED),
            )
            .values(**values)
        )

    return Prepared(build)


_MARK_SENDING = _renew_statement(sending=True)
_RENEW = _renew_statement(sending=False)


def mark_sending(
    session: Session, ids: Sequence[int], *, instance: str, lease_until: datetime
) -> None:
    """These claimed items are being sent now (and the owner's lease is renewed)."""
    if ids:
        _MARK_SENDING.run(
            session.connection(),
            {"ids": list(ids), "instance": instance, "lease_until": lease_until},
        )


def renew(session: Session, ids: Sequence[int], *, instance: str, lease_until: datetime) -> None:
    """Keep our claim on items still waiting their turn in a long pass."""
    if ids:
        _RENEW.run(
            session.connection(),
            {"ids": list(ids), "instance": instance, "lease_until": lease_until},
        )


_MARK_SENT = Prepared(
    lambda _: (
        update(T)
        .where(T.c.id == bindparam("item_id"), T.c.claimed_by == bindparam("instance"))
        .values(
            status=SENT,
            channel=bindparam("channel_id"),
            message_ts=bindparam("ts"),
            sent_at=bindparam("now", type_=T.c.sent_at.type),
            error=None,
        )
    )
)


# PostgreSQL gets a chunk's sends as three arrays in one UPDATE ... FROM unnest: as an
# executemany, psycopg's Python work for each row (dumping, reordering, its pipeline) was
# the largest part of recording a send (bench.fanout, py-spy).
_MARK_SENT_ARRAYS = text(
    "UPDATE due_item AS d SET status = :sent, channel = s.channel, message_ts = s.ts,"
    " sent_at = :now, error = NULL"
    " FROM unnest(CAST(:ids AS bigint[]), CAST(:channels AS text[]), CAST(:tss AS text[]))"
    " AS s(id, channel, ts) WHERE d.id = s.id AND d.claimed_by = :instance"
).bindparams(bindparam("now", type_=T.c.sent_at.type))


def mark_sent(
    session: Session, results: Sequence[tuple[int, str, str]], *, instance: str, now: datetime
) -> None:
    """Record many sends at once: (item id, channel, message ts). Only our own claims.

    SQLite: one executemany on the driver's cursor, a loop in C (SQLAlchemy's processing of
    each row's parameters took a third of the time for a chunk of 96: 2.65 -> 1.95 ms)."""
    if not results:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        ids, channels, tss = (list(column) for column in zip(*results, strict=True))
        values = {"ids": ids, "channels": channels, "tss": tss, "sent": SENT}
        connection.execute(_MARK_SENT_ARRAYS, {**values, "instance": instance, "now": now})
        return
    _MARK_SENT.many(
        connection,
        [
            {"item_id": i, "channel_id": c, "ts": t, "instance": instance, "now": now}
            for i, c, t in results
        ],
    )


def release(
    session: Session,
    ids: Sequence[int],
    *,
    status: str,
    ready_at: datetime,
    error: str | None = None,
    undo_attempt: bool = False,
) -> None:
    """Give claimed items back: pending again (a 429, a suspended workspace: no attempt was
    made), or uncertain (the attempt may have reached Slack) to be tried at `ready_at`."""
    if not ids:
        return
    values: dict[str, Any] = {"status": status, "ready_at": ready_at, "error": error}
    if undo_attempt:
        values["attempts"] = T.c.attempts - 1
    session.execute(update(T).where(T.c.id.in_(ids), T.c.status.in_(OWNED)).values(**values))


def finish(session: Session, ids: Sequence[int], *, status: str, error: str | None) -> None:
    """Close items for good: failed (given up) or dropped (nothing to say any more)."""
    if ids:
        session.execute(update(T).where(T.c.id.in_(ids)).values(status=status, error=error))


def get(session: Session, key: Key) -> DueItem | None:
    """The item with this key, if it is in the queue."""
    team, user, kind, period = key
    return session.exec(
        sqlmodel_select(DueItem).where(
            DueItem.team_id == team,
            DueItem.user_id == user,
            DueItem.kind == kind,
            DueItem.period == period,
        )
    ).first()


def drop_open_for_person(
    session: Session, *, team_id: str, user_id: str, kinds: Sequence[str] | None = None
) -> int:
    """Drop a person's items not yet sent (they paused, left, or were forgotten)."""
    conditions = [T.c.team_id == team_id, T.c.user_id == user_id, T.c.status.in_(OPEN)]
    if kinds is not None:
        conditions.append(T.c.kind.in_(kinds))
    result = session.execute(
        update(T).where(and_(*conditions)).values(status=DROPPED, error="no longer relevant")
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# Messages whose thread replies belong to a program week: the prompt, its nudge, a snooze.
WEEKLY_KINDS = ("prompt", "nudge", "snooze")


def week_of_message(session: Session, *, team_id: str, user_id: str, message_ts: str) -> int | None:
    """The program week of the weekly message `user_id` was sent at `message_ts` (None when
    it is not one). Reads one person's items only (index on team and user)."""
    row = session.execute(
        select(T.c.payload).where(
            T.c.team_id == team_id,
            T.c.user_id == user_id,
            T.c.message_ts == message_ts,
            T.c.kind.in_(WEEKLY_KINDS),
        )
    ).first()
    week = row[0].get("week") if row is not None and isinstance(row[0], dict) else None
    return week if isinstance(week, int) else None
