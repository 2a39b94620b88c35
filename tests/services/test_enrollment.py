"""Time zones from Slack profiles are checked before they are stored."""

from __future__ import annotations

from datetime import date

import pytest

from bot.services.enrollment import join, update_timezone
from storage import participants

NOT_ZONES = ["Mars/Olympus", "America", "localtime", "a" * 5000, "Europe/Berlin\x00", "../etc"]


def enroll(services, timezone: str = "Europe/Berlin"):
    return join(
        services,
        team_id="T1",
        user_id="U1",
        program_id="product-engineer",
        background="backend",
        start_date=date(2026, 11, 23),
        timezone=timezone,
    )


def stored_zone(services) -> str:
    with services.db.session() as session:
        participant = participants.get_participant(session, team_id="T1", user_id="U1")
    assert participant is not None
    return participant.timezone


@pytest.mark.parametrize("zone", NOT_ZONES, ids=lambda z: repr(z[:16]))
def test_an_unknown_zone_from_a_profile_change_is_ignored_with_one_line(slack, log_watcher, zone):
    enroll(slack.services)
    update_timezone(slack.services, team_id="T1", user_id="U1", timezone=zone)
    assert stored_zone(slack.services) == "Europe/Berlin"
    lines = [m for m in log_watcher.messages() if "time zone" in m]
    assert len(lines) == 1 and "ignored" in lines[0]
    assert len(lines[0]) < 200  # the name is cut short: a forged one could be any size


def test_a_real_zone_from_a_profile_change_is_stored(slack):
    enroll(slack.services)
    update_timezone(slack.services, team_id="T1", user_id="U1", timezone="Asia/Kolkata")
    assert stored_zone(slack.services) == "Asia/Kolkata"


@pytest.mark.parametrize("zone", NOT_ZONES, ids=lambda z: repr(z[:16]))
def test_joining_with_an_unknown_zone_uses_utc_and_says_so(slack, log_watcher, zone):
    enroll(slack.services, timezone=zone)
    assert stored_zone(slack.services) == "UTC"
    assert len([m for m in log_watcher.messages() if "time zone" in m]) == 1


def test_a_user_change_event_with_an_unknown_zone_changes_nothing(slack, log_watcher):
    enroll(slack.services)
    event = {"type": "user_change", "user": {"id": "U1", "team_id": "T1", "tz": "Mars/Olympus"}}
    assert slack.sender.event(event).status == 200
    assert log_watcher.wait_for("event user_change team=T1")
    assert stored_zone(slack.services) == "Europe/Berlin"
    lines = [m for m in log_watcher.messages() if "time zone" in m]
    assert len(lines) == 1 and "ignored" in lines[0]  # not "is now Mars/Olympus"


def test_zones_are_known_on_a_host_without_system_zone_files():
    """tzdata is a dependency: a slim container with no /usr/share/zoneinfo would otherwise
    know no zone at all, and every profile's zone would be ignored."""
    import zoneinfo

    previous = zoneinfo.TZPATH
    zoneinfo.reset_tzpath(to=[])
    try:
        names = zoneinfo.available_timezones()
        assert {"Europe/Berlin", "America/Los_Angeles", "Asia/Kolkata", "UTC"} <= names
        assert zoneinfo.ZoneInfo.no_cache("Asia/Kolkata").key == "Asia/Kolkata"
    finally:
        zoneinfo.reset_tzpath(to=previous)
