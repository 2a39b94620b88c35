"""The App Home tab: published when the user opens it."""

from __future__ import annotations

from handlers.home import publish_home
from handlers.listener import Answer, Incoming


def handle_app_home_opened(req: Incoming) -> Answer | None:
    """Publish the Home tab when the user opens it (not the Messages tab)."""
    if req.event.get("tab") != "home" or not req.user_id:
        return None
    return Answer.later(
        lambda slack: publish_home(slack, req.services, team_id=req.team_id, user_id=req.user_id)
    )
