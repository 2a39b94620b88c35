"""What a participant's weekly prompt shows: their program, week, background and progress."""

from __future__ import annotations

from dataclasses import dataclass

from bot.programs import Program
from bot.progress import local_date, program_week
from bot.services import Services
from storage import deliverables, entries, participants, workspaces
from storage.models import Participant, Workspace


@dataclass(frozen=True)
class PromptState:
    """Everything `bot.blocks.prompt.weekly_prompt` needs for one participant and week."""

    participant: Participant
    program: Program
    week: int
    background: str | None
    logged: dict[str, int]
    deliverable_done: bool


def prompt_state(
    services: Services, *, team_id: str, user_id: str, week: int | None = None
) -> PromptState | None:
    """The prompt inputs for `week` (default: the participant's current week); None when the
    user is not enrolled or their program is gone."""
    with services.db.session() as session:
        participant = participants.get_participant(session, team_id=team_id, user_id=user_id)
        if participant is None or participant.status == "left":
            return None
        program = services.programs.get(participant.program_id)
        if program is None:
            return None
        if week is None:
            today = local_date(services.clock.now(), participant.timezone)
            week = program_week(participant.start_date, today)
        phase = program.phase_for_week(week)
        logged: dict[str, int] = {}
        done = False
        if phase is not None:
            logged = entries.count_by_kind(
                session, team_id=team_id, user_id=user_id, weeks=phase.weeks
            )
            done = (
                deliverables.get_done(
                    session,
                    team_id=team_id,
                    user_id=user_id,
                    program_id=program.id,
                    phase_key=phase.key,
                )
                is not None
            )
    return PromptState(
        participant=participant,
        program=program,
        week=week,
        background=participant.background or None,
        logged=logged,
        deliverable_done=done,
    )


def prompt_schedule(services: Services, *, team_id: str) -> tuple[int, int]:
    """(weekday, hour) the workspace's weekly prompts go out at, in each participant's zone."""
    with services.db.session() as session:
        workspace = workspaces.get_workspace(session, team_id=team_id)
    if workspace is None:  # not seen yet: the table's defaults apply
        fields = Workspace.model_fields
        return fields["prompt_weekday"].default, fields["prompt_hour"].default
    return workspace.prompt_weekday, workspace.prompt_hour
