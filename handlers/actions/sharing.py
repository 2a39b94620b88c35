"""The Home tab's "share my name with the coach" button."""

from __future__ import annotations

from bot.outbound import Outbound
from bot.services.sharing import set_sharing
from handlers.actions.containers import action_value
from handlers.home import publish_home
from handlers.listener import Answer, Incoming


def toggle_sharing(req: Incoming) -> Answer:
    """Store the choice before the ack, then redraw Home so the button shows it."""
    value = action_value(req.body)
    if value not in ("on", "off"):
        return Answer.later()
    set_sharing(req.services, team_id=req.team_id, user_id=req.user_id, share=value == "on")

    def redraw(slack: Outbound) -> None:
        publish_home(slack, req.services, team_id=req.team_id, user_id=req.user_id)

    return Answer.later(redraw)
