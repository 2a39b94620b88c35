"""What is due now, and when to look again: plain functions of (now, state), no database
and no Slack.

Times: a participant's weekly prompt goes out on the workspace's prompt weekday and hour
(default Monday 09:00) in the participant's own IANA time zone, so it follows daylight
saving time. The team digest goes out at the same weekday and hour in UTC, once per ISO week.

The planner (bot/scheduling/plan.py) calls `due_for` only for enrollments whose next item
is due, and stores `next_attention` as the time to call it again: nothing here runs for
everyone every minute.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from bot.programs import Program
from bot.progress import local_date, program_week, zone
from storage.due_items import SKIPPED, Key

PROMPT = "prompt"
NUDGE = "nudge"
DIGEST = "digest"
COMPLETION = "completion"
RECAP = "recap"
FOLLOWUP = "followup"  # a ship post's one-week "what does the data say now?"
REVISIT = "revisit"  # a decision's "how did it turn out?"
SNOOZE = "snooze"  # a snoozed prompt, back the next morning
MILESTONE = "milestone"  # a program's day-30/60/90 check-in on its success criteria
WELCOME = "welcome"  # the set-up checklist for a workspace admin (single-token first start)
# Check-ins due together for one person go out as one message.
CHECKINS = (FOLLOWUP, REVISIT)
# Never planned or sent again once it went out: nothing after it is ever due.
NEVER = datetime(9999, 1, 1, tzinfo=UTC)

SEND = "send"
SKIP = "skip"

# The weekly recap closes each program week: Friday afternoon, local time.
RECAP_WEEKDAY = 4
RECAP_HOUR = 16

# A day-N check-in goes out at the prompt hour on that day of the program, and is still worth
# sending for a week after (a bot down for longer skips it).
MILESTONE_GRACE = timedelta(days=7)

# The nudge goes out two days after the prompt (Wednesday for a Monday prompt), at the same
# local hour, but never later than the week's Sunday.
NUDGE_DAYS_AFTER_PROMPT = 2


@dataclass(frozen=True)
class Candidate:
    """The parts of an enrollment the schedule depends on."""

    team_id: str
    user_id: str
    program_id: str
    start_date: date  # Monday of program week 1, local to the participant
    timezone: str
    joined_at: datetime


@dataclass(frozen=True)
class WorkspaceTimes:
    """A workspace's schedule settings."""

    team_id: str
    prompt_weekday: int = 0
    prompt_hour: int = 9
    team_channel_id: str | None = None


@dataclass(frozen=True)
class Due:
    """One piece of scheduled work: send it, or record that it is skipped."""

    kind: str
    team_id: str
    user_id: str  # "" for a workspace's digest
    period: str
    action: str = SEND
    week: int | None = None
    program_id: str | None = None
    phase_key: str | None = None
    missed_previous: bool = False  # the prompt says "you missed last week's prompt"
    at: datetime | None = None  # when it was due
    expires: datetime | None = None  # after this, too late to matter (None: never)

    @property
    def key(self) -> Key:
        """The item's unique key."""
        return (self.team_id, self.user_id, self.kind, self.period)


@dataclass(frozen=True)
class Policy:
    """How long a claim lasts before another instance may take it over."""

    lease: timedelta = timedelta(minutes=5)


def enrollment_tag(joined_at: datetime) -> str:
    """Distinguishes enrollments of one person, so rejoining after `leave` starts afresh."""
    return f"e{int(joined_at.timestamp())}"


def prompt_period(joined_at: datetime, week: int) -> str:
    """The delivery period of one program week's prompt."""
    return f"{enrollment_tag(joined_at)}:week-{week}"


def nudge_period(joined_at: datetime, week: int) -> str:
    """The delivery period of the nudge of the phase ending in program week `week`."""
    return f"{enrollment_tag(joined_at)}:nudge-w{week}"


def recap_period(joined_at: datetime, week: int) -> str:
    """The delivery period of the recap of program week `week`."""
    return f"{enrollment_tag(joined_at)}:recap-w{week}"


def completion_period(joined_at: datetime) -> str:
    """The delivery period of the completion message."""
    return f"{enrollment_tag(joined_at)}:completion"


def milestone_period(joined_at: datetime, day: int) -> str:
    """The delivery period of the check-in on program day `day`."""
    return f"{enrollment_tag(joined_at)}:day-{day}"


def milestone_day(period: str) -> int:
    """The program day a check-in's period is for."""
    return int(period.rsplit(":day-", 1)[1])


def milestone_slot(timezone: str, start_date: date, hour: int, day: int) -> datetime:
    """The UTC instant of the check-in on program day `day` (day 1 is the start Monday)."""
    return local_instant(timezone, start_date + timedelta(days=day - 1), hour)


def digest_period(now: datetime) -> str:
    """The ISO week of `now` in UTC, e.g. 2026-W48."""
    year, week, _ = now.astimezone(UTC).isocalendar()
    return f"{year}-W{week:02d}"


def local_instant(timezone: str, day: date, hour: int) -> datetime:
    """`hour`:00 on `day` in `timezone`, as an aware UTC datetime (DST-correct)."""
    return datetime.combine(day, time(hour), tzinfo=zone(timezone)).astimezone(UTC)


@lru_cache(maxsize=65_536)
def week_slot(timezone: str, start_date: date, weekday: int, hour: int, week: int) -> datetime:
    """The UTC instant of program week `week`'s prompt (cached: cohorts share start dates)."""
    day = start_date + timedelta(days=7 * (week - 1) + weekday)
    return local_instant(timezone, day, hour)


def prompt_slot(
    participant_tz: str, start_date: date, weekday: int, hour: int, now: datetime
) -> datetime:
    """The UTC instant of the prompt of the program week `now` falls in (local to the tz)."""
    week = program_week(start_date, local_date(now, participant_tz))
    return week_slot(participant_tz, start_date, weekday, hour, week)


@lru_cache(maxsize=65_536)
def nudge_slot(timezone: str, start_date: date, weekday: int, hour: int, week: int) -> datetime:
    """The UTC instant of program week `week`'s nudge."""
    offset = min(weekday + NUDGE_DAYS_AFTER_PROMPT, 6)
    day = start_date + timedelta(days=7 * (week - 1) + offset)
    return local_instant(timezone, day, hour)


def digest_slot(now: datetime, weekday: int, hour: int) -> datetime:
    """The UTC instant of the digest of the ISO week `now` falls in."""
    year, week, _ = now.astimezone(UTC).isocalendar()
    monday = date.fromisocalendar(year, week, 1)
    return datetime.combine(monday + timedelta(days=weekday), time(hour), tzinfo=UTC)


def week_end(timezone: str, start_date: date, week: int) -> datetime:
    """The end of program week `week`: local midnight before the next week's Monday."""
    return local_instant(timezone, start_date + timedelta(days=7 * week), 0)


def due_for(
    now: datetime,
    c: Candidate,
    times: WorkspaceTimes,
    program: Program,
    planned: Mapping[Key, str],
) -> list[Due]:
    """What of this enrollment is due at `now` and not yet in the queue (`planned` holds the
    status of its keys that are): send it, or record it as skipped.

    A prompt missed while the bot was down goes out late while it is still the same program
    week (its item expires at the end of the week); after that it is recorded as skipped and
    the next prompt says so. Never a burst.
    """
    week = program_week(c.start_date, local_date(now, c.timezone))
    if week < 1:
        return []

    def new(kind: str, period: str) -> bool:
        return (c.team_id, c.user_id, kind, period) not in planned

    if week > program.weeks:
        period = completion_period(c.joined_at)
        # At the time the next prompt would have gone out, not at midnight.
        end = week_slot(
            c.timezone, c.start_date, times.prompt_weekday, times.prompt_hour, program.weeks + 1
        )
        if now >= end and new(COMPLETION, period):
            return [Due(COMPLETION, c.team_id, c.user_id, period, program_id=c.program_id, at=end)]
        return []

    found: list[Due] = []
    ends = week_end(c.timezone, c.start_date, week)
    slot = week_slot(c.timezone, c.start_date, times.prompt_weekday, times.prompt_hour, week)
    period = prompt_period(c.joined_at, week)
    if now >= slot and new(PROMPT, period):
        missed = False
        if week > 1:
            previous = prompt_period(c.joined_at, week - 1)
            before = planned.get((c.team_id, c.user_id, PROMPT, previous))
            previous_slot = week_slot(
                c.timezone, c.start_date, times.prompt_weekday, times.prompt_hour, week - 1
            )
            # Only a prompt that was due while enrolled counts as missed.
            if before is None and previous_slot >= c.joined_at:
                found.append(
                    Due(
                        PROMPT,
                        c.team_id,
                        c.user_id,
                        previous,
                        SKIP,
                        week - 1,
                        c.program_id,
                        at=previous_slot,
                    )
                )
                missed = True
            elif before == SKIPPED:
                missed = True
        found.append(
            Due(
                PROMPT,
                c.team_id,
                c.user_id,
                period,
                SEND,
                week,
                c.program_id,
                missed_previous=missed,
                at=slot,
                expires=ends,
            )
        )

    # The week's recap, only within that week: a bot down over the weekend skips it.
    recap_at = week_slot(c.timezone, c.start_date, RECAP_WEEKDAY, RECAP_HOUR, week)
    rperiod = recap_period(c.joined_at, week)
    if now >= recap_at and new(RECAP, rperiod):
        found.append(
            Due(
                RECAP,
                c.team_id,
                c.user_id,
                rperiod,
                SEND,
                week,
                c.program_id,
                at=recap_at,
                expires=ends,
            )
        )

    for checkin in program.checkins:
        at = milestone_slot(c.timezone, c.start_date, times.prompt_hour, checkin.day)
        mperiod = milestone_period(c.joined_at, checkin.day)
        if at <= now < at + MILESTONE_GRACE and at >= c.joined_at and new(MILESTONE, mperiod):
            found.append(
                Due(
                    MILESTONE,
                    c.team_id,
                    c.user_id,
                    mperiod,
                    SEND,
                    week,
                    c.program_id,
                    at=at,
                    expires=at + MILESTONE_GRACE,
                )
            )

    phase = program.phase_for_week(week)
    if phase is not None and phase.last_week == week:
        nudge_at = nudge_slot(
            c.timezone, c.start_date, times.prompt_weekday, times.prompt_hour, week
        )
        nperiod = nudge_period(c.joined_at, week)
        if now >= nudge_at and new(NUDGE, nperiod):
            found.append(
                Due(
                    NUDGE,
                    c.team_id,
                    c.user_id,
                    nperiod,
                    SEND,
                    week,
                    c.program_id,
                    phase.key,
                    at=nudge_at,
                    expires=ends,
                )
            )
    return found


def keys_to_check(now: datetime, c: Candidate, program: Program) -> list[Key]:
    """The queue keys `due_for` may ask about for this enrollment at `now`."""
    week = program_week(c.start_date, local_date(now, c.timezone))
    team, user, joined = c.team_id, c.user_id, c.joined_at
    if week < 1:
        return []
    if week > program.weeks:
        return [(team, user, COMPLETION, completion_period(joined))]
    keys = [
        (team, user, PROMPT, prompt_period(joined, week)),
        (team, user, RECAP, recap_period(joined, week)),
        (team, user, NUDGE, nudge_period(joined, week)),
    ]
    if week > 1:
        keys.append((team, user, PROMPT, prompt_period(joined, week - 1)))
    keys += [(team, user, MILESTONE, milestone_period(joined, ci.day)) for ci in program.checkins]
    return keys


def next_attention(
    now: datetime, c: Candidate, times: WorkspaceTimes, program: Program
) -> datetime:
    """The first moment after `now` at which `due_for` can find something new for this
    enrollment: its next prompt, recap, nudge or completion (NEVER once it is complete)."""
    today = local_date(now, c.timezone)
    week = max(1, program_week(c.start_date, today))
    weekday, hour = times.prompt_weekday, times.prompt_hour
    moments: list[datetime] = []
    for w in (week, week + 1):
        if w <= program.weeks:
            moments.append(week_slot(c.timezone, c.start_date, weekday, hour, w))
            moments.append(week_slot(c.timezone, c.start_date, RECAP_WEEKDAY, RECAP_HOUR, w))
            phase = program.phase_for_week(w)
            if phase is not None and phase.last_week == w:
                moments.append(nudge_slot(c.timezone, c.start_date, weekday, hour, w))
    moments.append(week_slot(c.timezone, c.start_date, weekday, hour, program.weeks + 1))
    moments += [milestone_slot(c.timezone, c.start_date, hour, ci.day) for ci in program.checkins]
    later = [m for m in moments if m > now]
    if later:
        return min(later)
    return NEVER if week > program.weeks else now + timedelta(days=7)


COHORT_PERIOD = ":cohort-"  # "2026-W49:cohort-3": cohort 3's digest of that ISO week


def cohort_period(period: str, cohort_id: int) -> str:
    """The due-item period of a cohort's digest (one per cohort and ISO week)."""
    return f"{period}{COHORT_PERIOD}{cohort_id}"


def cohort_of_period(period: str) -> int | None:
    """The cohort id in a digest's period, or None for the workspace's own digest."""
    _, found, cohort = period.partition(COHORT_PERIOD)
    return int(cohort) if found and cohort.isdigit() else None


def digest_due(
    now: datetime, ws: WorkspaceTimes, cohort_ids: tuple[int, ...] = ()
) -> tuple[list[Due], datetime]:
    """The digests due at `now` for this workspace (its own, in the team channel, and one
    per cohort, in the cohort's channel), and when to look again."""
    if not ws.team_channel_id and not cohort_ids:
        return [], NEVER  # a new team channel or cohort plans it again
    slot = digest_slot(now, ws.prompt_weekday, ws.prompt_hour)
    if now < slot:
        return [], slot
    next_week = digest_slot(now + timedelta(days=7), ws.prompt_weekday, ws.prompt_hour)
    end = datetime.combine(
        date.fromisocalendar(*now.astimezone(UTC).isocalendar()[:2], 7) + timedelta(days=1),
        time(0),
        tzinfo=UTC,
    )
    period = digest_period(now)
    due = [Due(DIGEST, ws.team_id, "", period, at=slot, expires=end)] if ws.team_channel_id else []
    due.extend(
        Due(DIGEST, ws.team_id, "", cohort_period(period, c), at=slot, expires=end)
        for c in cohort_ids
    )
    return due, next_week
