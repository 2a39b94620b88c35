"""What the app says agrees in number and article, for every kind and count it can show."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from bot.blocks.deliverables import deliverable_modal, marked_done_message
from bot.blocks.join import already_enrolled_message
from bot.blocks.participation import leave_question_blocks
from bot.blocks.prompt import RunNumbers, completion_message, weekly_prompt
from bot.kinds import ENTRY_KINDS, KIND_NOUNS, a_kind, counts_line, kind_count, more_of
from bot.services.deliverables import missing_line
from bot.services.participation import LeaveQuestion
from tests.blocks.test_prompt import rendered

SINGULARS = {s for s, _ in KIND_NOUNS.values()} | {"entry", "week", "day", "deliverable"}
PLURALS = {p for _, p in KIND_NOUNS.values()} | {"entries", "weeks", "days", "deliverables"}
VOWEL_SOUND = re.compile(r"\ba ([aeiou]\w*)", re.IGNORECASE)
# Written with a vowel, said with a consonant: "a user", "a one-line entry".
SAID_WITH_A_CONSONANT = ("use", "uni", "usu", "one", "once", "eu")
CONSONANT_AN = re.compile(r"\ban ([b-df-hj-np-tv-z]\w*)", re.IGNORECASE)


def grammar_problems(text: str) -> list[str]:
    """ "1 decisions", "3 decision", "a outcome", "an decision"."""
    problems = []
    for noun in sorted(PLURALS, key=len, reverse=True):
        if re.search(rf"(?<![\d,.]){re.escape('1 ' + noun)}\b", text):
            problems.append(f"1 {noun}")
    for noun in sorted(SINGULARS, key=len, reverse=True):
        for found in re.finditer(rf"\b(\d[\d,]*) {re.escape(noun)}\b(?!s)", text):
            if found.group(1) != "1" and not text[found.end() :].startswith(("-", "'")):
                problems.append(found.group(0))
    problems += [
        f"a {m.group(1)}"
        for m in VOWEL_SOUND.finditer(text)
        if not m.group(1).lower().startswith(SAID_WITH_A_CONSONANT)
    ]
    problems += [f"an {m.group(1)}" for m in CONSONANT_AN.finditer(text)]
    return problems


def test_the_checker_catches_what_it_should():
    assert grammar_problems("1 decisions and 3 decision, a outcome-framed goal") == [
        "1 decisions",
        "3 decision",
        "a outcome",
    ]
    assert grammar_problems("a user, a one-line entry") == []
    assert grammar_problems("an problem statement") == ["an problem"]
    assert grammar_problems("1 decision, 2 decisions, 0 of 1 problem statement, 11 entries") == []


@pytest.mark.parametrize("count", [0, 1, 2, 1_000])
def test_kind_helpers_agree_in_number(count):
    for kind in ENTRY_KINDS:
        assert grammar_problems(kind_count(kind, count)) == []
        assert grammar_problems(more_of(kind, max(count, 1))) == []
        assert grammar_problems(a_kind(kind)) == []
    line = counts_line(dict.fromkeys(ENTRY_KINDS, count))
    assert grammar_problems(line) == []
    assert grammar_problems(missing_line(dict.fromkeys(ENTRY_KINDS, max(count, 1)))) == []


@pytest.mark.parametrize("count", [0, 1, 2])
def test_messages_with_counts_agree_in_number(programs, count):
    program = programs["product-engineer"]
    texts: list[str] = []
    logged = dict.fromkeys(ENTRY_KINDS, count)
    for week in range(1, program.weeks + 2):
        texts.append(rendered(weekly_prompt(program, week, background=None, logged=logged,
                                              deliverable_done=False)))  # fmt: skip
    numbers = RunNumbers(by_kind=logged, weeks_with_entries=count, deliverables_done=count)
    texts.append(rendered(completion_message(program, numbers)))
    texts.append(rendered(leave_question_blocks(LeaveQuestion(program.title, count))))
    texts.append(rendered(already_enrolled_message(program, week=3, paused=False,
                                                     entry_count=count)))  # fmt: skip
    for phase in program.phases:
        missing = {k: max(count, 1) for k in phase.deliverable.needs}
        texts.append(rendered(deliverable_modal(phase, existing_evidence=None, metadata={},
                                                  logged=logged, missing=missing)))  # fmt: skip
        texts.append(rendered(marked_done_message(title=phase.deliverable.title,
                                                    evidence="x", change="created",
                                                    missing=missing)))  # fmt: skip
    for text in texts:
        assert grammar_problems(text) == [], text[:300]


def test_pause_and_status_dates_read_as_dates():
    # The start date in pause replies: a weekday, a day and a month, never "week 0".
    from bot.blocks.participation import pause_reply
    from bot.services.participation import ParticipationChange
    from storage.models import Participant

    person = Participant(
        team_id="T1", user_id="U1", program_id="product-engineer", background="backend",
        start_date=date(2026, 12, 7), timezone="UTC", status="paused",
        joined_at=datetime(2026, 11, 20, tzinfo=UTC), updated_at=datetime(2026, 11, 20, tzinfo=UTC),
    )  # fmt: skip
    text, _ = pause_reply(ParticipationChange(person, True, week=0, program_weeks=12))
    assert "week 1 starts Monday 7 December" in text and "week 0" not in text


@pytest.mark.parametrize("days", [1, 2, 28])
def test_a_revisit_and_the_settings_count_days_in_agreement(days):
    """Found from outside: "1 days ago you noted this decision", "after 1 days"."""
    from bot.blocks.config import settings_blocks
    from bot.blocks.ship import revisit_dm
    from bot.services.config import WorkspaceSettings

    _, revisit = revisit_dm(entry_id=1, decision="We chose annual billing", days=days)
    _, settings = settings_blocks(WorkspaceSettings(None, 0, 9, days, []))
    for blocks in (revisit, settings):
        shown = str(blocks)
        assert grammar_problems(shown) == [], shown
        assert re.search(rf"\b{days} days?\b", shown) is not None
