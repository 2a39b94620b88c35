"""Check-ins: a ship post's one-week "what does the data say now?" and a decision's "how did
it turn out?". Each is a queue item (bot/scheduling), planned when its subject is stored,
due at the author's prompt hour (never at night), and the ones due together for one person
go out as one message.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from bot.blocks.common import Block, context, divider, section
from bot.blocks.ship import followup_dm, revisit_dm
from bot.progress import local_date
from bot.scheduling.due import FOLLOWUP, REVISIT, local_instant
from bot.scheduling.kinds import Message
from bot.services import Services
from storage import due_items, entries, participants, workspaces
from storage.due_items import Claimed, Planned
from storage.entries import StoredEntry
from storage.models import Entry

SHIP_FOLLOWUP_AFTER = timedelta(days=7)
DEFAULT_REVISIT_DAYS = 28
# A check-in more than this late (the bot was down) is skipped rather than sent: a burst of
# stale questions helps nobody.
CHECKIN_GRACE = timedelta(days=14)
# At most this many check-ins in one message (Block Kit allows 50 blocks; each takes three).
PER_MESSAGE = 12


def at_prompt_hour(session: Session, *, team_id: str, user_id: str, at: datetime) -> datetime:
    """The first moment from `at` on that is the person's prompt hour (their own, else the
    workspace's) in their zone (UTC for someone not enrolled): never at night."""
    workspace = workspaces.get_workspace(session, team_id=team_id)
    hour = workspace.prompt_hour if workspace is not None else 9
    person = participants.get_participant(session, team_id=team_id, user_id=user_id)
    if person is not None and person.prompt_hour is not None:  # their own rhythm first
        hour = person.prompt_hour
    return next_hour(at, timezone=person.timezone if person is not None else "UTC", hour=hour)


def next_hour(at: datetime, *, timezone: str, hour: int) -> datetime:
    """The first moment from `at` on that is `hour` o'clock in `timezone`."""
    day = local_date(at, timezone)
    moment = local_instant(timezone, day, hour)
    return moment if moment >= at else local_instant(timezone, day + timedelta(days=1), hour)


def plan_followup(session: Session, *, entry: Entry, now: datetime) -> None:
    """A published ship post: ask its author for the after-data a week later."""
    due = at_prompt_hour(
        session,
        team_id=entry.team_id,
        user_id=entry.user_id,
        at=entry.created_at + SHIP_FOLLOWUP_AFTER,
    )
    _plan(session, FOLLOWUP, entry, due, now)


def plan_revisit(session: Session, *, entry: Entry, now: datetime) -> None:
    """A decision in the journal: ask its author how it turned out, after the workspace's
    revisit delay."""
    workspace = workspaces.get_workspace(session, team_id=entry.team_id)
    days = workspace.revisit_days if workspace is not None else DEFAULT_REVISIT_DAYS
    due = at_prompt_hour(
        session,
        team_id=entry.team_id,
        user_id=entry.user_id,
        at=entry.created_at + timedelta(days=days),
    )
    due_items.plan(session, [_item(REVISIT, entry, due)], now=now)


def revisit_item(entry: StoredEntry, *, timezone: str, hour: int, days: int) -> Planned:
    """The revisit of a decision just stored, from settings already read (the fast path of
    /transition log plans it in the same transaction as the entry)."""
    due = next_hour(entry.created_at + timedelta(days=days), timezone=timezone, hour=hour)
    return _item(REVISIT, entry, due)


def _plan(session: Session, kind: str, entry: Entry, due: datetime, now: datetime) -> None:
    due_items.plan(session, [_item(kind, entry, due)], now=now)


def _item(kind: str, entry: Entry | StoredEntry, due: datetime) -> Planned:
    assert entry.id is not None
    return Planned(
        team_id=entry.team_id,
        user_id=entry.user_id,
        kind=kind,
        period=f"entry-{entry.id}",
        due_at=due,
        expires_at=due + CHECKIN_GRACE,
        payload={"entry_id": entry.id},
    )


def render_checkins(
    services: Services, session: Session, items: list[Claimed], now: datetime
) -> dict[int, Message | None]:
    """One message per person for the follow-ups and revisits due together (at most
    PER_MESSAGE in one); an item whose entry is gone is dropped, and so is every item of a
    member who has paused, is away or has left ("nothing is sent until you resume"). Someone
    who logs without ever joining still gets their check-ins."""
    out: dict[int, Message | None] = {}
    by_person: dict[tuple[str, str], list[Claimed]] = {}
    for item in items:
        by_person.setdefault((item.team_id, item.user_id), []).append(item)
    statuses = participants.statuses_among(session, by_person)
    for (team_id, user_id), mine in by_person.items():
        if statuses.get((team_id, user_id), "active") != "active":
            out.update((item.id, None) for item in mine)
            continue
        ids = [i.payload.get("entry_id") for i in mine]
        found = entries.get_entries(
            session, team_id=team_id, entry_ids=[i for i in ids if isinstance(i, int)]
        )
        live: list[tuple[Claimed, Entry]] = []
        for item in mine:
            entry = found.get(item.payload.get("entry_id"))  # type: ignore[arg-type]
            # Gone, or a one-line entry filed as a decision and then moved to another kind.
            if (
                entry is None
                or entry.user_id != user_id
                or (item.kind == REVISIT and entry.kind != "decision")
            ):
                out[item.id] = None
            else:
                live.append((item, entry))
        for start in range(0, len(live), PER_MESSAGE):
            chunk = live[start : start + PER_MESSAGE]
            message = _message(services, session, user_id, chunk)
            for item, _entry in chunk:
                out[item.id] = message
    return out


def _message(
    services: Services, session: Session, user_id: str, chunk: list[tuple[Claimed, Entry]]
) -> Message:
    parts: list[tuple[str, list[Block]]] = []
    for item, entry in chunk:
        if item.kind == FOLLOWUP:
            built = str(entry.fields.get("built") or entry.text)
            link = entry.fields.get("permalink")
            parts.append(
                followup_dm(
                    entry_id=entry.id or 0,
                    built=built,
                    permalink=link if isinstance(link, str) else None,
                )
            )
        else:
            days = max(1, (item.due_at - entry.created_at).days)
            parts.append(revisit_dm(entry_id=entry.id or 0, decision=entry.text, days=days))
    if len(parts) == 1:
        return Message(user_id, *parts[0])
    count = len(parts)
    text = f"{count} check-ins from your transition journal"
    blocks: list[Block] = [section(f":wave: *{count} check-ins* on what you logged earlier.")]
    for _summary, item_blocks in parts:
        blocks.append(divider())
        blocks.extend(b for b in item_blocks if b.get("type") != "context")
    blocks.append(context(":lock: Only you can see your journal and your answers."))
    return Message(user_id, text, blocks)
