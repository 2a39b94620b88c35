"""Buttons that open a modal: the journal form, the join form and the skills form."""

from __future__ import annotations

from bot.blocks.journal import journal_modal
from handlers.commands.join import open_join_modal
from handlers.commands.skills import open_skills_modal
from handlers.listener import Answer, Incoming


def open_journal(req: Incoming) -> Answer:
    """Open the decision-journal modal."""
    view = journal_modal(channel_id=req.channel_id)
    return Answer.later(lambda slack: slack.open_view(req.trigger_id, view))


def open_join(req: Incoming) -> Answer:
    """Open the join modal."""
    return Answer.later(
        open_join_modal(
            req.services,
            trigger_id=req.trigger_id,
            user_id=req.user_id,
            channel_id=req.channel_id,
            program=None,
        )
    )


def open_skills(req: Incoming) -> Answer:
    """Open the skills self-assessment."""
    return Answer.later(
        open_skills_modal(
            req.services, trigger_id=req.trigger_id, team_id=req.team_id, user_id=req.user_id
        )
    )
