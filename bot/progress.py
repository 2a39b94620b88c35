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


def journal_streak(days: Iterable[date], today: date) -> int:
    """Consecutive days with an entry, ending today (or yesterday, so a streak survives the
    morning before today's entry)."""
    logged = set(days)
    cursor = today if today in logged else today - timedelta(days=1)
    streak = 0
    while cursor in logged:
        streak += 1
        cursor -= timedelta(days=1)
    return streak
