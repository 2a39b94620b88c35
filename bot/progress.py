"""Calendar arithmetic for program weeks and streaks: plain functions of dates."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "UTC"


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
