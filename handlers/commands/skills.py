"""`/transition skills`: rate yourself 1-5 on the skills the programs build."""

from __future__ import annotations

from bot.blocks.skills import skills_modal
from bot.services import Services
from bot.services.skills import moment_for, ratings
from handlers.listener import Answer, Incoming, Then


def run(req: Incoming, args: str) -> Answer:
    """Open the self-assessment for the moment that is due (baseline, or final week)."""
    return Answer.later(
        open_skills_modal(
            req.services, trigger_id=req.trigger_id, team_id=req.team_id, user_id=req.user_id
        )
    )


def open_skills_modal(services: Services, *, trigger_id: str, team_id: str, user_id: str) -> Then:
    """Open the skills modal, prefilled with this moment's earlier answers (read now, from
    the database, so only the views.open is left for after the ack)."""
    moment = moment_for(services, team_id=team_id, user_id=user_id)
    current = ratings(services, team_id=team_id, user_id=user_id).get(moment, {})
    view = skills_modal(moment, current)
    return lambda slack: slack.open_view(trigger_id, view)
