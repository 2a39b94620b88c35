"""Application services: what handlers and the scheduler call. No Slack objects in here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.clock import Clock
from bot.programs import Program
from storage.db import Database


@dataclass(frozen=True)
class Services:
    """What every service function needs: the database, the programs and the clock."""

    db: Database
    programs: Mapping[str, Program]
    clock: Clock
