"""The weekly prompt's checklist: a ticked box is remembered, and shown ticked next time."""

from __future__ import annotations

from bot.blocks.prompt import PromptRef
from bot.services import Services
from storage import checklists, participants


def tick(
    services: Services, *, team_id: str, user_id: str, ref: PromptRef, item: int, ticked: bool
) -> bool:
    """Store one box's state; False when the box is not one of this member's (another
    program, a phase or activity that no longer exists), so nothing is stored."""
    program = services.programs.get(ref.program_id)
    phase = next((p for p in program.phases if p.key == ref.phase_key), None) if program else None
    if phase is None or not 0 <= item < len(phase.activities):
        return False
    with services.db.session() as session:
        participant = participants.get_participant(session, team_id=team_id, user_id=user_id)
        if participant is None or participant.program_id != ref.program_id:
            return False
        checklists.set_item(
            session,
            team_id=team_id,
            user_id=user_id,
            program_id=ref.program_id,
            phase_key=ref.phase_key,
            item=item,
            ticked=ticked,
            now=services.clock.now(),
        )
    return True
