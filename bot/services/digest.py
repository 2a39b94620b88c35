"""The team digest's numbers: counts only, never what anyone wrote in private."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session

from bot.progress import local_date, program_week
from bot.scheduling.kinds import Message
from bot.services import Services
from storage import deliverables, entries, participants
from storage.due_items import Claimed
from storage.models import Entry, Workspace

STEADY_JOURNAL_DAYS = 3  # journaled on this many of the 7 days: "keeping the journal"


@dataclass(frozen=True)
class ShipLink:
    """A ship post of the week: public by design, so its title and link may be shown."""

    title: str
    permalink: str | None

    @classmethod
    def of(cls, entry: Entry) -> ShipLink:
        """The link shown for a ship post entry: what was built, and the post's permalink."""
        fields = entry.fields
        return cls(
            title=str(fields.get("built") or entry.text),
            permalink=str(fields["permalink"]) if fields.get("permalink") else None,
        )


@dataclass(frozen=True)
class DigestData:
    """Everything a team digest shows."""

    by_week: dict[int, int]
    logged: dict[str, int]
    deliverables_done: int
    deliverables_total: int
    ship_posts: list[ShipLink] = field(default_factory=list)
    journaling: int = 0  # participants who journaled on STEADY_JOURNAL_DAYS+ days


def gather_digest(
    session: Session, *, team_id: str, since: datetime, until: datetime
) -> DigestData:
    """The digest of `team_id` for [since, until), inside the caller's transaction."""
    by_week: dict[int, int] = {}
    # Grouped by (start date, time zone) in SQL: the week depends on nothing else.
    for start, timezone, n in participants.count_active_by_start(session, team_id=team_id):
        week = max(0, program_week(start, local_date(until, timezone)))  # 0: not yet
        by_week[week] = by_week.get(week, 0) + n
    ships = [
        ShipLink.of(e)
        for e in entries.team_ship_posts(session, team_id=team_id, since=since, until=until)
        if e.fields.get("posted_to") == "team"  # a post that fell back to a DM stays private
    ]
    days = entries.team_journal_days(session, team_id=team_id, since=since, until=until)
    return DigestData(
        by_week=by_week,
        logged=entries.team_counts_by_kind(session, team_id=team_id, since=since, until=until),
        deliverables_done=deliverables.count_done(
            session, team_id=team_id, since=since, until=until
        ),
        deliverables_total=deliverables.count_done(session, team_id=team_id),
        ship_posts=ships,
        journaling=sum(1 for n in days.values() if n >= STEADY_JOURNAL_DAYS),
    )


def digest_now(services: Services, *, team_id: str) -> tuple[datetime, DigestData]:
    """The digest of the seven days up to now (for `/transition summary team`)."""
    now = services.clock.now()
    until = now + timedelta(seconds=1)  # the window is half-open: include what was logged now
    with services.db.session() as session:
        return now, gather_digest(
            session, team_id=team_id, since=until - timedelta(days=7), until=until
        )


def render_digests(
    services: Services, session: Session, items: list[Claimed], now: datetime
) -> dict[int, Message | None]:
    """The weekly digests: the seven days up to each one's slot, to its team channel."""
    from bot.blocks.reminders import digest_message  # the builder reads DigestData from here

    out: dict[int, Message | None] = {}
    for item in items:
        workspace = session.get(Workspace, item.team_id)
        if workspace is None or not workspace.team_channel_id:
            out[item.id] = None
            continue
        until = item.due_at
        data = gather_digest(
            session, team_id=item.team_id, since=until - timedelta(days=7), until=until
        )
        text, blocks = digest_message(period=item.period, data=data)
        out[item.id] = Message(workspace.team_channel_id, text, blocks)
    return out
