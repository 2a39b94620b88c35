"""Rendering the day-30/60/90 check-ins the scheduling pipeline sends."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.blocks.milestones import milestone_message
from bot.scheduling.due import milestone_day
from bot.scheduling.kinds import Message
from bot.services import Services
from bot.services.prompt_state import active_participants
from storage.due_items import Claimed


def render_milestones(
    services: Services, session: Session, items: list[Claimed], now: datetime
) -> dict[int, Message | None]:
    """Each item's check-in, or None when its member left or the program dropped the day."""
    people = active_participants(session, items)
    out: dict[int, Message | None] = {}
    for item in items:
        participant = people.get((item.team_id, item.user_id))
        program = services.programs.get(participant.program_id) if participant else None
        day = milestone_day(item.period)
        checkin = next((c for c in program.checkins if c.day == day), None) if program else None
        out[item.id] = (
            Message(item.user_id, *milestone_message(checkin, program.title))
            if checkin is not None and program is not None
            else None
        )
    return out
