"""What a member's App Home tab shows: their recap, latest entries and rhythm."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.progress import local_date
from bot.services import Services
from bot.services.evidence import recent_entries
from bot.services.rhythm import Rhythm, rhythm
from bot.services.summary import Recap, personal_recap
from storage.models import Entry

HOME_ENTRIES = 5


@dataclass(frozen=True)
class HomeData:
    """Everything the Home tab renders (recap None: not enrolled)."""

    recap: Recap | None
    recent: list[Entry]
    rhythm: Rhythm | None
    today: date


def home_data(services: Services, *, team_id: str, user_id: str) -> HomeData:
    """The member's Home tab data, read now."""
    recap = personal_recap(services, team_id=team_id, user_id=user_id)
    zone = recap.report.participant.timezone if recap else "UTC"
    return HomeData(
        recap=recap,
        recent=recent_entries(services, team_id=team_id, user_id=user_id)[:HOME_ENTRIES],
        rhythm=rhythm(services, team_id=team_id, user_id=user_id),
        today=local_date(services.clock.now(), zone),
    )
