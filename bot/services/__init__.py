"""Application services: what handlers and the scheduler call. No Slack objects in here."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.programs import Program
from storage.db import Database

# How long a member's Slack admin rights, read with users.info, are reused for their Home.
ADMIN_RIGHTS_TTL = timedelta(seconds=60)


class AdminRights:
    """Slack admin rights read recently, per member: publishing an admin's Home reuses them
    for a minute instead of calling users.info every time. Only a shortcut: every instance
    asks Slack again after the TTL, and `user_change` events refresh them at once."""

    def __init__(self, ttl: timedelta = ADMIN_RIGHTS_TTL, limit: int = 10_000) -> None:
        self.ttl = ttl
        self.limit = limit
        self._lock = threading.Lock()
        self._seen: dict[tuple[str, str], tuple[bool, datetime]] = {}

    def get(self, team_id: str, user_id: str, *, now: datetime) -> bool | None:
        """The rights read within the TTL, or None."""
        with self._lock:
            found = self._seen.get((team_id, user_id))
        if found is None or now - found[1] > self.ttl or now < found[1]:
            return None
        return found[0]

    def put(self, team_id: str, user_id: str, admin: bool, *, now: datetime) -> None:
        """Remember what Slack just said."""
        with self._lock:
            if len(self._seen) >= self.limit:
                self._seen.clear()  # a bound, not an LRU: all it costs is a users.info each
            self._seen[(team_id, user_id)] = (admin, now)


@dataclass(frozen=True)
class Services:
    """What every service function needs: the database, the programs and the clock."""

    db: Database
    programs: Mapping[str, Program]
    clock: Clock
    admin_rights: AdminRights = field(default_factory=AdminRights, compare=False, repr=False)
