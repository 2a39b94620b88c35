"""The shape of a coaching program: phases of weeks, each with a goal and a deliverable."""

from __future__ import annotations

from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)
from pydantic_core import PydanticCustomError

from bot.kinds import BACKGROUNDS, ENTRY_KINDS

# Custom rule violations carry their own relative key path in the error context under this
# name, so the loader can point at `phases[3].first_week` rather than at the whole program.
ERROR_AT = "at"
RULE_ERROR = "program_rule"

# Slack-friendly sizes: a section block holds 3000 characters and the weekly prompt stacks
# goal, activities and criteria in a few of them, so each piece has to stay small.
Slug = Annotated[
    str,
    # At most 32 characters: a program id and a phase key travel together in button and
    # checkbox values, which Slack caps at 75 characters.
    StringConstraints(
        strip_whitespace=True, max_length=32, pattern=r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"
    ),
]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=150)]
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Paragraph = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=600)]


def _rule_error(problem: str, at: str = "") -> PydanticCustomError:
    """A validation error with a plain-English message and an optional relative key path."""
    return PydanticCustomError(RULE_ERROR, "{problem}", {"problem": problem, ERROR_AT: at})


def _check_entry_kind(kind: str) -> str:
    """Accept only entry kinds the rest of the bot knows how to store and count."""
    if kind not in ENTRY_KINDS:
        raise _rule_error(f"unknown entry kind {kind!r}")
    return kind


def _check_background(background: str) -> str:
    """Accept only the backgrounds a participant can pick when joining."""
    if background not in BACKGROUNDS:
        raise _rule_error(f"unknown background {background!r}")
    return background


EntryKind = Annotated[str, AfterValidator(_check_entry_kind)]
BackgroundId = Annotated[str, AfterValidator(_check_background)]

# strict: a YAML `no` must not quietly become a tip, nor "3" a week number.
_CONFIG = ConfigDict(extra="forbid", frozen=True, strict=True)


class Deliverable(BaseModel):
    """The one concrete thing a phase produces, and how to tell that it is done."""

    model_config = _CONFIG

    title: Title
    description: Paragraph
    done_when: list[Line] = Field(min_length=1)
    evidence_kinds: list[EntryKind] = []
    # The entries the definition asks for, counted during the phase (kind -> at least how
    # many): what "Mark done" checks before accepting.
    needs: dict[EntryKind, Annotated[int, Field(ge=1, le=50)]] = {}

    @model_validator(mode="after")
    def _needs_count_evidence(self) -> Deliverable:
        """Only kinds that count toward the deliverable can be needed."""
        for kind in self.needs:
            if kind not in self.evidence_kinds:
                raise _rule_error(
                    f"needs {kind!r}, which is not one of its evidence_kinds", "needs"
                )
        return self


class Phase(BaseModel):
    """A run of consecutive weeks with one goal, a checklist of activities and a deliverable."""

    model_config = _CONFIG

    key: Slug
    title: Title
    first_week: int = Field(ge=1)
    last_week: int = Field(ge=1)
    period: Title | None = None
    goal: Line
    why: Line
    # The phase's checklist: each activity is a box the participant can tick in the prompt.
    activities: list[Line] = Field(min_length=1, max_length=8)
    # One line per week of the phase, in order: what that week is for (start vs finish).
    focus: list[Line] = []
    deliverable: Deliverable
    tips: dict[BackgroundId, Line] = {}

    @model_validator(mode="after")
    def _weeks_in_order(self) -> Phase:
        """Reject a phase that ends before it starts."""
        if self.last_week < self.first_week:
            raise _rule_error(
                f"last_week {self.last_week} is before first_week {self.first_week}",
                "last_week",
            )
        weeks = self.last_week - self.first_week + 1
        if self.focus and len(self.focus) != weeks:
            raise _rule_error(
                f"focus has {len(self.focus)} lines for {weeks} weeks: give one per week",
                "focus",
            )
        return self

    def focus_of(self, week: int) -> str | None:
        """What program week `week` of this phase is for, if the program says."""
        index = week - self.first_week
        return self.focus[index] if self.focus and 0 <= index < len(self.focus) else None

    @property
    def weeks(self) -> range:
        """The program weeks this phase covers."""
        return range(self.first_week, self.last_week + 1)


class CheckIn(BaseModel):
    """A check-in on one day of the program: success criteria to hold yourself against."""

    model_config = _CONFIG

    day: int = Field(ge=1)
    title: Title
    criteria: Line
    ask: Line


class Program(BaseModel):
    """A whole coaching program: phases that cover weeks 1..weeks exactly once, in order."""

    model_config = _CONFIG

    id: Slug
    title: Title
    summary: Paragraph
    weeks: int = Field(ge=1, le=104)
    phases: list[Phase] = Field(min_length=1)
    horizon: list[Line] = []
    checkins: list[CheckIn] = []

    @property
    def has_tips(self) -> bool:
        """Whether any phase tailors a tip to a background."""
        return any(phase.tips for phase in self.phases)

    @model_validator(mode="after")
    def _phases_cover_weeks(self) -> Program:
        """Every week belongs to exactly one phase, and phases come in week order."""
        keys: set[str] = set()
        claimed: set[int] = set()
        for i, phase in enumerate(self.phases):
            if phase.key in keys:
                raise _rule_error(f"duplicate phase key {phase.key!r}", f"phases[{i}].key")
            keys.add(phase.key)
            for week in phase.weeks:
                field = "first_week" if week == phase.first_week else "last_week"
                if week > self.weeks:
                    raise _rule_error(
                        f"week {week} is out of range 1..{self.weeks}", f"phases[{i}].{field}"
                    )
                if week in claimed:
                    raise _rule_error(f"duplicate week {week}", f"phases[{i}].{field}")
                claimed.add(week)
        # No overlaps and nothing out of range, so what is left is order, then gaps.
        for i in range(1, len(self.phases)):
            before, phase = self.phases[i - 1], self.phases[i]
            if phase.first_week < before.first_week:
                raise _rule_error(
                    f"phases are out of order: weeks {phase.first_week}-{phase.last_week} "
                    f"are listed after weeks {before.first_week}-{before.last_week}",
                    f"phases[{i}].first_week",
                )
        expected = 1
        for i, phase in enumerate(self.phases):
            if phase.first_week > expected:
                raise _rule_error(
                    f"week {expected} is not covered by any phase", f"phases[{i}].first_week"
                )
            expected = phase.last_week + 1
        if expected <= self.weeks:
            raise _rule_error(
                f"week {expected} is not covered by any phase",
                f"phases[{len(self.phases) - 1}].last_week",
            )
        days: set[int] = set()
        for i, checkin in enumerate(self.checkins):
            if checkin.day > self.weeks * 7:
                raise _rule_error(
                    f"day {checkin.day} is after the program's last day ({self.weeks * 7})",
                    f"checkins[{i}].day",
                )
            if checkin.day in days:
                raise _rule_error(f"duplicate check-in day {checkin.day}", f"checkins[{i}].day")
            days.add(checkin.day)
        return self

    def phase_for_week(self, week: int) -> Phase | None:
        """The phase that covers program week `week` (1-based), or None outside 1..weeks."""
        for phase in self.phases:
            if phase.first_week <= week <= phase.last_week:
                return phase
        return None

    def week_in_phase(self, week: int) -> int:
        """The 1-based position of `week` within its phase; ValueError outside 1..weeks."""
        phase = self.phase_for_week(week)
        if phase is None:
            raise ValueError(f"week {week} is outside 1..{self.weeks} of program {self.id!r}")
        return week - phase.first_week + 1

    def phase_index(self, phase: Phase) -> int:
        """The 0-based position of `phase` in this program; ValueError if it is not one of ours."""
        for i, candidate in enumerate(self.phases):
            if candidate.key == phase.key:
                return i
        raise ValueError(f"phase {phase.key!r} is not part of program {self.id!r}")

    def phase_by_key(self, key: str) -> Phase | None:
        """The phase with this key, or None (keys are what the database stores)."""
        return next((phase for phase in self.phases if phase.key == key), None)
