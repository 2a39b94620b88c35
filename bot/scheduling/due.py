"""What is due now: plain functions of (now, state), no database and no Slack.

Times: a participant's weekly prompt goes out on the workspace's prompt weekday and hour
(default Monday 09:00) in the participant's own IANA time zone, so it follows daylight
saving time. The team digest goes out at the same weekday and hour in UTC, once per ISO week.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from bot.programs import Program
from bot.progress import local_date, program_week, zone
from storage.deliveries import CLAIMED, FAILED, DeliveryState

PROMPT = "prompt"
NUDGE = "nudge"
DIGEST = "digest"
COMPLETION = "completion"
RECAP = "recap"

SEND = "send"
SKIP = "skip"

# The weekly recap closes each program week: Friday afternoon, local time.
RECAP_WEEKDAY = 4
RECAP_HOUR = 16

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

    @property
    def key(self) -> tuple[str, str, str, str]:
        """The delivery's unique key."""
        return (self.team_id, self.user_id, self.kind, self.period)


@dataclass(frozen=True)
class Policy:
    """When an existing delivery row may be taken over."""

    lease: timedelta = timedelta(minutes=5)
    max_attempts: int = 5


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


def needs_work(state: DeliveryState | None, now: datetime, policy: Policy) -> bool:
    """True when a delivery is missing, retryable, or claimed by an owner who died."""
    if state is None:
        return True
    if state.status == FAILED:
        return state.attempts < policy.max_attempts
    if state.status == CLAIMED:
        return state.claimed_at is not None and state.claimed_at <= now - policy.lease
    return False  # sent or skipped


def due_prompts(
    now: datetime,
    candidates: Sequence[Candidate],
    workspaces: Mapping[str, WorkspaceTimes],
    programs: Mapping[str, Program],
    delivered: Mapping[tuple[str, str, str, str], DeliveryState],
    policy: Policy | None = None,
) -> list[Due]:
    """Prompts, nudges and completion messages due at `now`: send, catch up, or skip.

    A prompt missed while the bot was down goes out late while it is still the same program
    week; after that it is recorded as skipped and the next prompt says so. Never a burst.
    """
    policy = policy or Policy()
    due: list[Due] = []
    today: dict[str, date] = {}  # local date by time zone, computed once per pass
    for candidate in candidates:
        program = programs.get(candidate.program_id)
        if program is None:
            continue
        times = workspaces.get(candidate.team_id) or WorkspaceTimes(candidate.team_id)
        if candidate.timezone not in today:
            today[candidate.timezone] = local_date(now, candidate.timezone)
        due.extend(
            _due_for(now, today[candidate.timezone], candidate, times, program, delivered, policy)
        )
    return due


def _due_for(
    now: datetime,
    today: date,
    c: Candidate,
    times: WorkspaceTimes,
    program: Program,
    delivered: Mapping[tuple[str, str, str, str], DeliveryState],
    policy: Policy,
) -> list[Due]:
    week = program_week(c.start_date, today)
    if week < 1:
        return []

    def state(kind: str, period: str) -> DeliveryState | None:
        return delivered.get((c.team_id, c.user_id, kind, period))

    if week > program.weeks:
        period = completion_period(c.joined_at)
        # At the time the next prompt would have gone out, not at midnight.
        end = week_slot(
            c.timezone, c.start_date, times.prompt_weekday, times.prompt_hour, program.weeks + 1
        )
        if now >= end and needs_work(state(COMPLETION, period), now, policy):
            return [Due(COMPLETION, c.team_id, c.user_id, period, program_id=c.program_id)]
        return []

    found: list[Due] = []
    slot = week_slot(c.timezone, c.start_date, times.prompt_weekday, times.prompt_hour, week)
    period = prompt_period(c.joined_at, week)
    if now >= slot and needs_work(state(PROMPT, period), now, policy):
        missed = False
        if week > 1:
            previous = prompt_period(c.joined_at, week - 1)
            before = state(PROMPT, previous)
            previous_slot = week_slot(
                c.timezone, c.start_date, times.prompt_weekday, times.prompt_hour, week - 1
            )
            # Only a prompt that was due while enrolled counts as missed.
            if before is None and previous_slot >= c.joined_at:
                found.append(
                    Due(PROMPT, c.team_id, c.user_id, previous, SKIP, week - 1, c.program_id)
                )
                missed = True
            elif before is not None and before.status == "skipped":
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
            )
        )

    # The week's recap, only within that week: a bot down over the weekend skips it.
    recap_at = week_slot(c.timezone, c.start_date, RECAP_WEEKDAY, RECAP_HOUR, week)
    rperiod = recap_period(c.joined_at, week)
    if now >= recap_at and needs_work(state(RECAP, rperiod), now, policy):
        found.append(Due(RECAP, c.team_id, c.user_id, rperiod, SEND, week, c.program_id))

    phase = program.phase_for_week(week)
    if phase is not None and phase.last_week == week:
        nudge_at = nudge_slot(
            c.timezone, c.start_date, times.prompt_weekday, times.prompt_hour, week
        )
        nperiod = nudge_period(c.joined_at, week)
        if now >= nudge_at and needs_work(state(NUDGE, nperiod), now, policy):
            found.append(
                Due(NUDGE, c.team_id, c.user_id, nperiod, SEND, week, c.program_id, phase.key)
            )
    return found


def due_digests(
    now: datetime,
    workspaces: Sequence[WorkspaceTimes],
    delivered: Mapping[tuple[str, str, str, str], DeliveryState],
    policy: Policy | None = None,
) -> list[Due]:
    """Team digests due at `now`: one per workspace with a team channel and ISO week (UTC)."""
    policy = policy or Policy()
    period = digest_period(now)
    due: list[Due] = []
    for ws in workspaces:
        if not ws.team_channel_id:
            continue
        if now < digest_slot(now, ws.prompt_weekday, ws.prompt_hour):
            continue
        if needs_work(delivered.get((ws.team_id, "", DIGEST, period)), now, policy):
            due.append(Due(DIGEST, ws.team_id, "", period))
    return due
