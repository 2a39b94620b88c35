"""Publishing the App Home tab, on open and after anything that changes it."""

from __future__ import annotations

import contextlib

from bot.blocks.home import home_view
from bot.outbound import Outbound, SlackFailure
from bot.services import Services
from bot.services.home import home_data


def publish_home(slack: Outbound, services: Services, *, team_id: str, user_id: str) -> None:
    """Render and publish `user_id`'s Home tab; a failure is logged (by Outbound), not raised."""
    data = home_data(services, team_id=team_id, user_id=user_id)
    with contextlib.suppress(SlackFailure):
        slack.publish_home(user_id, home_view(data))
