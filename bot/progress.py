"""Calendar arithmetic for program weeks and streaks: plain functions of dates."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

DEFAULT_TIMEZONE = "UTC"


@cache
def _zone_names() -> frozenset[str]:
    # Every IANA name this host can load: the system's zone files plus the tzdata package
    # (a dependency, so a host without /usr/share/zoneinfo still knows every zone). The
    # system directory also holds "localtime" (the host's own zone) and "Factory", which
    # ZoneInfo loads but no Slack profile means.
    return frozenset(available_timezones()) - {"localtime", "Factory", "posixrules"}


def known_zone(name: str) -> bool:
    """Whether `name` is an IANA time zone we can schedule in."""
    return name in _zone_names()


def zone(name: str | None) -> ZoneInfo:
    """The ZoneInfo for an IANA name, falling back to UTC for unknown or empty names."""
    try:
        return ZoneInfo(name or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def local_date(now: datetime, timezone: str | None) -> date:
    """The calendar date at `now` in `timezone`."""
    return now.astimezone(zone(timezone)).date()


def week_start(day: date) -> date:
    """The Monday of the week containing `day`."""
    return day - timedelta(days=day.weekday())


def default_start_date(today: date) -> date:
    """Program week 1 starts today when today is a Monday, else on the coming Monday."""
    return today if today.weekday() == 0 else week_start(today) + timedelta(days=7)


def program_week(start_date: date, today: date) -> int:
    """The 1-based program week `today` falls in; 0 or less before the start."""
    return (today - start_date).days // 7 + 1


def is_workday(day: date) -> bool:
    """Monday to Friday."""
    return day.weekday() < 5


def previous_workday(day: date) -> date:
    """The last workday before `day`."""
    day -= timedelta(days=1)
    while not is_workday(day):
        day -= timedelta(days=1)
    return day


def workday_streak(days: Iterable[date], today: date) -> int:
    """Consecutive workdays with an entry, ending today, or the last workday before it (so a
    streak survives the morning before today's entry). Weekends neither count nor break it:
    Tuesday to Friday is a streak of 4 on the Monday after."""
    logged = set(days)
    cursor = today if is_workday(today) and today in logged else previous_workday(today)
    streak = 0
    while cursor in logged:
        streak += 1
        cursor = previous_workday(cursor)
    return streak
