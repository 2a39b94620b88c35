"""Marking a phase's deliverable done, with the evidence the participant gives."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlmodel import Session

from bot.kinds import and_list, more_of
from bot.programs import Phase, Program
from bot.rules import check_deliverable
from bot.services import Services
from storage import deliverables, entries, participants
from storage.models import DeliverableDone

EVIDENCE_LIMIT = 3000

Change = Literal["created", "updated", "unchanged"]


class DeliverableError(ValueError):
    """The deliverable cannot be marked done; the message is for the user."""


# In a record of what was missing: how many of the rules' criteria were unmet (beside the
# kinds' counts).
CRITERIA = "criteria"


class NotMetYet(DeliverableError):
    """The definition of done is not met yet (entries to log, criteria the entries don't
    meet); marking anyway is allowed when the member says so."""

    def __init__(self, missing: dict[str, int]) -> None:
        self.missing = missing
        super().__init__(
            f"Still missing: {missing_line(missing)}. Finish it first, or tick "
            '"Mark it done anyway".'
        )


def missing_line(missing: dict[str, int]) -> str:
    """'1 more decision and 2 criteria to meet'."""
    parts = [more_of(kind, n) for kind, n in missing.items() if kind != CRITERIA]
    unmet = missing.get(CRITERIA, 0)
    if unmet:
        parts.append(f"{unmet} {'criterion' if unmet == 1 else 'criteria'} to meet")
    return and_list(parts)


@dataclass(frozen=True)
class DeliverableTarget:
    """The deliverable a participant is about to mark done, and any earlier record of it."""

    program: Program
    phase: Phase
    existing: DeliverableDone | None
    logged: dict[str, int]  # entries by kind during the phase's weeks
    # The rules (bot/rules.py, the same as the feedback's and the portfolio's) over the
    # kinds the definition needs: what would finish each criterion not met yet.
    gaps: tuple[str, ...] = ()

    @property
    def missing(self) -> dict[str, int]:
        """What the definition still asks for: kind -> how many more (in its order), and
        CRITERIA -> how many criteria the logged entries don't meet yet."""
        needs = self.phase.deliverable.needs
        found = {
            k: n - self.logged.get(k, 0) for k, n in needs.items() if self.logged.get(k, 0) < n
        }
        if self.gaps:
            found[CRITERIA] = len(self.gaps)
        return found


@dataclass(frozen=True)
class MarkOutcome:
    """What happened when a deliverable was marked done."""

    program: Program
    phase: Phase
    record: DeliverableDone
    change: Change


def deliverable_target(
    services: Services, *, team_id: str, user_id: str, program_id: str, phase_key: str
) -> DeliverableTarget:
    """The deliverable behind a "mark done" button; DeliverableError when it isn't theirs."""
    with services.db.session() as session:
        return _target(
            session,
            services,
            team_id=team_id,
            user_id=user_id,
            program_id=program_id,
            phase_key=phase_key,
        )


def mark_deliverable_done(
    services: Services,
    *,
    team_id: str,
    user_id: str,
    program_id: str,
    phase_key: str,
    evidence: str,
    anyway: bool = False,
) -> MarkOutcome:
    """Store the deliverable as done; marking it again replaces the evidence. While its
    definition is not met, NotMetYet says what is missing, unless the member marks it done
    `anyway` (what was missing is then recorded with it)."""
    evidence = evidence.strip()
    if not evidence:
        raise DeliverableError("Add a link or a short description of what you made.")
    if len(evidence) > EVIDENCE_LIMIT:
        raise DeliverableError(f"Keep it under {EVIDENCE_LIMIT:,} characters (a link works).")
    now = services.clock.now()
    with services.db.session() as session:
        target = _target(
            session,
            services,
            team_id=team_id,
            user_id=user_id,
            program_id=program_id,
            phase_key=phase_key,
        )
        if target.existing is not None and target.existing.evidence == evidence:
            # A double submit of the same form: nothing new to store.
            return MarkOutcome(target.program, target.phase, target.existing, "unchanged")
        missing = target.missing
        if missing and not anyway:
            raise NotMetYet(missing)
        record, created = deliverables.mark_done(
            session,
            team_id=team_id,
            user_id=user_id,
            program_id=program_id,
            phase_key=phase_key,
            evidence=evidence,
            now=now,
            missing=missing or None,
        )
    return MarkOutcome(target.program, target.phase, record, "created" if created else "updated")


def _target(
    session: Session,
    services: Services,
    *,
    team_id: str,
    user_id: str,
    program_id: str,
    phase_key: str,
) -> DeliverableTarget:
    participant = participants.get_participant(session, team_id=team_id, user_id=user_id)
    program = services.programs.get(program_id)
    if program is None:
        raise DeliverableError("That program is no longer offered here.")
    if participant is None or participant.status == "left":
        raise DeliverableError(
            f"Only participants of {program.title} can mark its deliverables done "
            "(`/transition join` to take part)."
        )
    if participant.program_id != program_id:
        raise DeliverableError(
            f"That prompt is from {program.title}, and you are in a different program now."
        )
    phase = program.phase_by_key(phase_key)
    if phase is None:
        raise DeliverableError("That phase is no longer part of the program.")
    existing = deliverables.get_done(
        session, team_id=team_id, user_id=user_id, program_id=program_id, phase_key=phase_key
    )
    logged = entries.count_by_kind(session, team_id=team_id, user_id=user_id, weeks=phase.weeks)
    return DeliverableTarget(
        program=program,
        phase=phase,
        existing=existing,
        logged=logged,
        gaps=_rule_gaps(session, team_id=team_id, user_id=user_id, phase=phase, logged=logged),
    )


def _rule_gaps(
    session: Session, *, team_id: str, user_id: str, phase: Phase, logged: dict[str, int]
) -> tuple[str, ...]:
    """What the rules say is missing in the phase's entries of the kinds its definition
    needs (kinds not logged at all are counted by `needs`, not repeated here)."""
    kinds = [k for k in phase.deliverable.needs if logged.get(k, 0) > 0]
    found = entries.of_kinds_in_weeks(
        session, team_id=team_id, user_id=user_id, kinds=kinds, weeks=phase.weeks
    )
    check = check_deliverable(kinds, found)
    return tuple(f.missing for f in check.missing if f.missing)
