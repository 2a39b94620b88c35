"""Buttons that open a modal: the journal form, the join form and the skills form."""

from __future__ import annotations

from bot.blocks.journal import journal_modal
from bot.evidence import LOGGABLE
from bot.services.enrollment import current_enrolment
from handlers.commands.join import join_form
from handlers.commands.log import open_kind_modal
from handlers.commands.skills import open_skills_modal
from handlers.listener import Answer, Incoming


def open_journal(req: Incoming) -> Answer:
    """Open the decision-journal modal."""
    view = journal_modal(channel_id=req.channel_id)
    return Answer.later(lambda slack: slack.open_view(req.trigger_id, view))


def open_kind_form(req: Incoming) -> Answer:
    """Open the form of the kind the button names (a weekly prompt's "Log a proposal", or
    the offer when only a kind word was typed)."""
    actions = req.body.get("actions")
    first = actions[0] if isinstance(actions, list) and actions else {}
    kind = first.get("value") if isinstance(first, dict) else None
    if kind not in LOGGABLE and kind != "ship":
        return Answer.later()
    return Answer.later(
        open_kind_modal(kind=kind, trigger_id=req.trigger_id, channel_id=req.channel_id)
    )


def open_join(req: Incoming) -> Answer:
    """Open the join modal."""
    return join_form(req)


def switch_program(req: Incoming) -> Answer:
    """Open the join form as the form that moves the member to another program."""
    current = current_enrolment(req.services, team_id=req.team_id, user_id=req.user_id)
    if current is None:  # left meanwhile: the plain join form
        return open_join(req)
    others = [p for p in req.services.programs if p != current.program.id]
    return join_form(
        req, program=others[0] if len(others) == 1 else None, switching_from=current.program
    )


def open_skills(req: Incoming) -> Answer:
    """Open the skills self-assessment."""
    return Answer.later(
        open_skills_modal(
            req.services, trigger_id=req.trigger_id, team_id=req.team_id, user_id=req.user_id
        )
    )
