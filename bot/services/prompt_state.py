"""What a participant's weekly prompt shows: their program, week, background and progress."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial

from sqlmodel import Session

from bot.blocks.common import Block
from bot.blocks.prompt import RunNumbers, completion_message, weekly_prompt
from bot.blocks.reminders import missed_note, nudge_message
from bot.pictures import ProgressInput, progress_picture_apart
from bot.programs import Program
from bot.progress import local_date, program_week
from bot.scheduling.kinds import Message
from bot.services import Services
from bot.skills import SKILLS
from storage import checklists, deliverables, entries, participants, skills, workspaces
from storage.due_items import Claimed
from storage.models import Participant, Workspace
from storage.participants import Enrolled

# The completion message's picture goes under its header, progress line and congratulations.
COMPLETION_PICTURE_AT = 3


@dataclass(frozen=True)
class PromptState:
    """Everything `bot.blocks.prompt.weekly_prompt` needs for one participant and week."""

    participant: Participant
    program: Program
    week: int
    background: str | None
    logged: dict[str, int]
    deliverable_done: bool
    checked: frozenset[int] = frozenset()  # the phase's ticked checklist activities


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
        checked: frozenset[int] = frozenset()
        if phase is not None:
            checked = checklists.ticked(
                session,
                team_id=team_id,
                user_id=user_id,
                program_id=program.id,
                phase_key=phase.key,
            )
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
        checked=checked,
    )


def render_state(state: PromptState) -> tuple[str, list[Block]]:
    """The weekly prompt for a participant's state."""
    return weekly_prompt(
        state.program,
        state.week,
        background=state.background,
        logged=state.logged,
        deliverable_done=state.deliverable_done,
        checked=state.checked,
    )


def prompt_schedule(services: Services, *, team_id: str) -> tuple[int, int]:
    """(weekday, hour) the workspace's weekly prompts go out at, in each participant's zone."""
    with services.db.session() as session:
        workspace = workspaces.get_workspace(session, team_id=team_id)
    if workspace is None:  # not seen yet: the table's defaults apply
        fields = Workspace.model_fields
        return fields["prompt_weekday"].default, fields["prompt_hour"].default
    return workspace.prompt_weekday, workspace.prompt_hour


# -- the scheduled kinds this service renders: weekly prompt, nudge, completion --------------


def active_participants(session: Session, items: list[Claimed]) -> dict[tuple[str, str], Enrolled]:
    """The active enrollments of the items' people, by (team, user)."""
    found = participants.active_among(session, ((i.team_id, i.user_id) for i in items))
    return {(p.team_id, p.user_id): p for p in found}


def render_prompts(
    services: Services, session: Session, items: list[Claimed], now: datetime
) -> dict[int, Message | None]:
    """The weekly prompts of a batch: what each person logged toward the phase, whether its
    deliverable is done, the boxes they ticked, and one rendering shared by everyone who
    would get the same one."""
    people = active_participants(session, items)
    # One statement each for the whole batch, whatever its workspaces (storage/people.py).
    done = deliverables.done_keys(session, people)
    counts = entries.counts_by_kind_and_week(session, people)
    ticks = checklists.ticked_for(session, people)
    shared: dict[tuple[object, ...], tuple[str, list[Block]]] = {}
    out: dict[int, Message | None] = {}
    for item in items:
        participant = people.get((item.team_id, item.user_id))
        program = services.programs.get(participant.program_id) if participant else None
        week = item.payload.get("week")
        phase = program.phase_for_week(week) if program and isinstance(week, int) else None
        if participant is None or program is None or phase is None or not isinstance(week, int):
            out[item.id] = None
            continue
        logged = _summed(counts.get((item.team_id, item.user_id), {}), phase.weeks)
        is_done = (item.team_id, item.user_id, program.id, phase.key) in done
        missed = bool(item.payload.get("missed_previous"))
        checked = ticks.get((item.team_id, item.user_id, program.id, phase.key), frozenset())
        key = (
            program.id,
            week,
            participant.background,
            tuple(sorted(logged.items())),
            is_done,
            missed,
            tuple(sorted(checked)),
        )
        if key not in shared:
            text, blocks = weekly_prompt(
                program,
                week,
                background=participant.background,
                logged=logged,
                deliverable_done=is_done,
                checked=checked,
            )
            if missed:
                blocks = [blocks[0], missed_note(), *blocks[1:]]
                text = "You missed last week's prompt. " + text
            shared[key] = (text, blocks)
        text, blocks = shared[key]
        out[item.id] = Message(item.user_id, text, blocks)
    return out


def _summed(counts: dict[tuple[str, int], int], weeks: range) -> dict[str, int]:
    """Entries by kind within these program weeks."""
    total: dict[str, int] = {}
    for (kind, week), n in counts.items():
        if week in weeks:
            total[kind] = total.get(kind, 0) + n
    return total


def render_nudges(
    services: Services, session: Session, items: list[Claimed], now: datetime
) -> dict[int, Message | None]:
    """Mid-week nudges, dropped for anyone who marked the deliverable done meanwhile."""
    people = active_participants(session, items)
    out: dict[int, Message | None] = {}
    for item in items:
        participant = people.get((item.team_id, item.user_id))
        program = services.programs.get(participant.program_id) if participant else None
        key = item.payload.get("phase_key")
        phase = next((p for p in program.phases if p.key == key), None) if program else None
        if participant is None or program is None or phase is None:
            out[item.id] = None
            continue
        done = deliverables.get_done(
            session,
            team_id=item.team_id,
            user_id=item.user_id,
            program_id=program.id,
            phase_key=phase.key,
        )
        out[item.id] = None if done else Message(item.user_id, *nudge_message(program, phase))
    return out


def render_completions(
    services: Services, session: Session, items: list[Claimed], now: datetime
) -> dict[int, Message | None]:
    """The one message after a program's last week, with the run in numbers (read for the
    whole batch at once: entries by kind and week, deliverables done)."""
    people = active_participants(session, items)
    counts = entries.counts_by_kind_and_week(session, people)
    done_count: dict[tuple[str, str], int] = {}
    for team_id, user, program_id, _phase in deliverables.done_keys(session, people):
        if program_id == people[(team_id, user)].program_id:
            done_count[(team_id, user)] = done_count.get((team_id, user), 0) + 1
    numbers: dict[tuple[str, str], RunNumbers] = {}
    for person in people:
        by_kind_week = counts.get(person, {})
        by_kind: dict[str, int] = {}
        for (kind, _week), n in by_kind_week.items():
            by_kind[kind] = by_kind.get(kind, 0) + n
        numbers[person] = RunNumbers(
            by_kind=by_kind,
            weeks_with_entries=len({week for (_kind, week) in by_kind_week if week >= 1}),
            deliverables_done=done_count.get(person, 0),
        )
    out: dict[int, Message | None] = {}
    for item in items:
        participant = people.get((item.team_id, item.user_id))
        program = services.programs.get(participant.program_id) if participant else None
        if program is None:
            out[item.id] = None
            continue
        # Their own picture: every phase done, and their skills at the start and now.
        mine = ProgressInput.of(
            program,
            week=program.weeks + 1,
            ratings=skills.ratings_by_moment(session, team_id=item.team_id, user_id=item.user_id),
            labels=SKILLS,
        )
        out[item.id] = Message(
            item.user_id,
            *completion_message(program, numbers.get((item.team_id, item.user_id))),
            picture=partial(progress_picture_apart, mine),
            picture_at=COMPLETION_PICTURE_AT,
        )
    return out
