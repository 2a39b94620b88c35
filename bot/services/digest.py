"""The team digest's numbers: per program, counts only, never what anyone wrote in private.

Members are split by where they really are: not started, active by program week, paused,
finished (past their program's last week). "Needs attention" is counted among active members
in their program; a member is named only if they chose to share their progress with the
coach (`Participant.share_progress`, off by default).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from sqlmodel import Session

from bot.pictures import MemberStates, digest_chart_apart
from bot.programs import Program
from bot.progress import local_date, program_week
from bot.scheduling.due import cohort_of_period
from bot.scheduling.kinds import Message
from bot.services import Services
from storage import coach_counts, cohorts, entries
from storage.coach_counts import Member
from storage.due_items import Claimed
from storage.models import Entry, Workspace

STEADY_JOURNAL_DAYS = 3  # journaled on this many of the 7 days: "keeping the journal"
TREND_WEEKS = 6  # participation is shown for this many weeks, the digest's own last
SILENT_DAYS = 14  # "no entry in 14 days" (only for members in their program that long)
UNANSWERED_WEEKS = 2  # "prompts unanswered two weeks running"


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
class Flagged:
    """How many members one "needs attention" rule caught, and the ids of those who share."""

    count: int = 0
    shared: tuple[str, ...] = ()


@dataclass(frozen=True)
class Attention:
    """The digest's "needs attention" counts."""

    silent: Flagged = Flagged()  # no entry in SILENT_DAYS
    past_due: Flagged = Flagged()  # a deliverable whose phase ended is not marked done
    unanswered: Flagged = Flagged()  # nothing filed under the last two weeks' prompts

    @property
    def any(self) -> bool:
        """Whether any rule caught anyone."""
        return bool(self.silent.count or self.past_due.count or self.unanswered.count)


@dataclass(frozen=True)
class ProgramDigest(MemberStates):
    """One program's part of the digest."""

    program_id: str
    title: str
    weeks: int  # the program's length
    not_started: int = 0
    by_week: dict[int, int] = field(default_factory=dict)  # active members, weeks 1..weeks
    paused: int = 0
    finished: int = 0
    logged: dict[str, int] = field(default_factory=dict)  # entries of the 7 days by kind
    deliverables_done: int = 0
    deliverables_total: int = 0
    journaling: int = 0  # members who journaled on STEADY_JOURNAL_DAYS+ days
    participation: tuple[int, ...] = ()  # members who logged anything, per week, oldest first
    attention: Attention = Attention()


@dataclass(frozen=True)
class DigestData:
    """Everything a team digest shows."""

    programs: list[ProgramDigest]
    ship_posts: list[ShipLink] = field(default_factory=list)


@dataclass
class _Tally:
    """A program's counts while members are sorted into them."""

    not_started: int = 0
    by_week: dict[int, int] = field(default_factory=dict)
    paused: int = 0
    finished: int = 0
    silent: list[Member] = field(default_factory=list)
    past_due: list[Member] = field(default_factory=list)
    unanswered: list[Member] = field(default_factory=list)
    journaling: int = 0


def _flagged(found: list[Member]) -> Flagged:
    return Flagged(len(found), tuple(sorted(m.user_id for m in found if m.share_progress)))


def gather_digest(
    session: Session,
    *,
    team_id: str,
    since: datetime,
    until: datetime,
    programs: Mapping[str, Program],
    cohort_id: int | None = None,
) -> DigestData:
    """The digest of `team_id` (or of one of its cohorts) for [since, until), inside the
    caller's transaction."""
    people = coach_counts.members(session, team_id=team_id, cohort_id=cohort_id)
    # Far enough back for the silent rule and for the last two weeks' prompts (time zones
    # and late replies included).
    lookback = until - timedelta(days=7 * (UNANSWERED_WEEKS + 1) + 1)
    activity = coach_counts.recent_activity(
        session,
        team_id=team_id,
        since=lookback,
        recent=until - timedelta(days=SILENT_DAYS),
        until=until,
    )
    done = coach_counts.done_phases(session, team_id=team_id)
    journal_days = entries.team_journal_days(session, team_id=team_id, since=since, until=until)
    tallies: dict[str, _Tally] = {}
    today_in: dict[str, date] = {}  # a handful of zones for hundreds of members
    for m in people:
        tally = tallies.setdefault(m.program_id, _Tally())
        program = programs.get(m.program_id)
        today = today_in.get(m.timezone) or today_in.setdefault(
            m.timezone, local_date(until, m.timezone)
        )
        week = program_week(m.start_date, today)
        length = program.weeks if program else week
        if m.status == "paused":
            tally.paused += 1
        elif week < 1:
            tally.not_started += 1
        elif week > length:
            tally.finished += 1
        else:
            tally.by_week[week] = tally.by_week.get(week, 0) + 1
            if journal_days.get(m.user_id, 0) >= STEADY_JOURNAL_DAYS:
                tally.journaling += 1
            recently, filed = activity.get(m.user_id, (False, set()))
            if (today - m.start_date).days >= SILENT_DAYS and not recently:
                tally.silent.append(m)
            previous = set(range(week - UNANSWERED_WEEKS, week))
            if week > UNANSWERED_WEEKS and not previous & filed:
                tally.unanswered.append(m)
            if program is not None and any(
                phase.last_week < week and (m.user_id, m.program_id, phase.key) not in done
                for phase in program.phases
            ):
                tally.past_due.append(m)
    edges = [until - timedelta(weeks=TREND_WEEKS - i) for i in range(TREND_WEEKS + 1)]
    program_of = {m.user_id: m.program_id for m in people}
    participation: dict[tuple[str, int], int] = {}
    for i, user in coach_counts.authors_by_window(session, team_id=team_id, edges=edges):
        if user in program_of:  # not someone who left
            key = (program_of[user], i)
            participation[key] = participation.get(key, 0) + 1
    logged = coach_counts.counts_by_program_kind(
        session, team_id=team_id, since=since, until=until, cohort_id=cohort_id
    )
    delivered = coach_counts.done_by_program(
        session, team_id=team_id, since=since, until=until, cohort_id=cohort_id
    )
    out: list[ProgramDigest] = []
    order = {program_id: i for i, program_id in enumerate(programs)}
    for program_id in sorted(tallies, key=lambda p: (order.get(p, len(order)), p)):
        t = tallies[program_id]
        program = programs.get(program_id)
        window, total = delivered.get(program_id, (0, 0))
        out.append(
            ProgramDigest(
                program_id=program_id,
                title=program.title if program else program_id,
                weeks=program.weeks if program else 0,
                not_started=t.not_started,
                by_week=t.by_week,
                paused=t.paused,
                finished=t.finished,
                logged={k: n for (p, k), n in logged.items() if p == program_id},
                deliverables_done=window,
                deliverables_total=total,
                journaling=t.journaling,
                participation=tuple(
                    participation.get((program_id, i), 0) for i in range(TREND_WEEKS)
                ),
                attention=Attention(
                    _flagged(t.silent), _flagged(t.past_due), _flagged(t.unanswered)
                ),
            )
        )
    ships = [
        ShipLink.of(e)
        for e in entries.team_ship_posts(session, team_id=team_id, since=since, until=until)
        if e.fields.get("posted_to") == "team"  # a post that fell back to a DM stays private
        and (cohort_id is None or e.user_id in program_of)  # a cohort's: its members' posts
    ]
    return DigestData(programs=out, ship_posts=ships)


def digest_now(services: Services, *, team_id: str) -> tuple[datetime, DigestData]:
    """The digest of the seven days up to now (for `/transition summary team`)."""
    now = services.clock.now()
    until = now + timedelta(seconds=1)  # the window is half-open: include what was logged now
    with services.db.session() as session:
        return now, gather_digest(
            session,
            team_id=team_id,
            since=until - timedelta(days=7),
            until=until,
            programs=services.programs,
        )


def digest_with_chart(channel: str, text: str, blocks: list[Any], data: DigestData) -> Message:
    """The digest as a message whose chart goes right under the header, beside the text
    version, drawn when it is sent (none when no program has members)."""
    chart = partial(digest_chart_apart, data.programs) if data.programs else None
    return Message(channel, text, blocks, picture=chart, picture_at=1)


def render_digests(
    services: Services, session: Session, items: list[Claimed], now: datetime
) -> dict[int, Message | None]:
    """The weekly digests: the seven days up to each one's slot, to its team channel."""
    from bot.blocks.reminders import digest_message  # the builder reads DigestData from here

    out: dict[int, Message | None] = {}
    for item in items:
        cohort_id = cohort_of_period(item.period)
        title, channel = _where(session, item.team_id, cohort_id)
        if channel is None:
            out[item.id] = None
            continue
        until = item.due_at
        data = gather_digest(
            session,
            team_id=item.team_id,
            since=until - timedelta(days=7),
            until=until,
            programs=services.programs,
            cohort_id=cohort_id,
        )
        period = item.period.partition(":")[0]
        text, blocks = digest_message(period=period, data=data, title=title)
        out[item.id] = digest_with_chart(channel, text, blocks, data)
    return out


def _where(session: Session, team_id: str, cohort_id: int | None) -> tuple[str | None, str | None]:
    """(title, channel) of a digest: the workspace's team channel, or a cohort's own."""
    if cohort_id is None:
        workspace = session.get(Workspace, team_id)
        return None, workspace.team_channel_id if workspace else None
    cohort = cohorts.get(session, team_id=team_id, cohort_id=cohort_id)
    return (cohort.name, cohort.channel_id) if cohort else (None, None)
