"""Weeks 11-12: the member's evidence turned into what they take into a room.

An interview story bank (every shipped or failed bet told as "I noticed…, I decided… because…,
the result was…", checked part by part like every other entry) and a brief for the career
conversation with their manager (what they did, the proof, the ask). Pure functions of the
entries; `bot.narrative` writes them into the portfolio.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot import rules
from bot.kinds import kind_count
from bot.rules import EntryLike, Finding

STORY_KINDS = ("ship", "experiment")


@dataclass(frozen=True)
class Story:
    """One bet told the way interviewers listen for it, with the parts still missing."""

    noticed: str
    decided: str
    because: str
    result: str
    findings: list[Finding]

    @property
    def complete(self) -> bool:
        """True when every part of the story is there."""
        return all(f.met for f in self.findings)


def _text(fields: Mapping[str, Any], key: str) -> str:
    value = fields.get(key)
    return " ".join(value.split()) if isinstance(value, str) else ""


def _part(rule: str, label: str, words: str, missing: str, *, number: bool = False) -> Finding:
    ok = rules.has_substance(words) and (not number or rules.has_number(words))
    if ok:
        return Finding(rule, label, True, found=rules.quote(words))
    return Finding(rule, label, False, missing=missing)


def story(entry: EntryLike) -> Story:
    """The bet in `entry` (a ship post or an experiment) as an interview story."""
    f = entry.fields
    if entry.kind == "ship":
        noticed = " — ".join(x for x in (_text(f, "problem"), _text(f, "who")) if x)
        decided = _text(f, "built")
        because = _text(f, "before")
        result = rules.after_number(f)
    else:
        noticed = _text(f, "hypothesis")
        decided = " ".join(x for x in (_text(f, "measured"),) if x)
        because = _text(f, "hypothesis")
        result = " ".join(x for x in (_text(f, "result"), _text(f, "learning")) if x)
    findings = [
        _part(
            "story.noticed", "what you noticed", noticed, "Say what you noticed, and who had it."
        ),
        _part(
            "story.decided",
            "what you decided",
            decided,
            "Say what you chose to build or test (and what you chose not to).",
        ),
        _part(
            "story.because",
            "the data behind it",
            because,
            "Add the number that made you decide (the baseline before you started).",
            number=entry.kind == "ship",
        ),
        _part(
            "story.result",
            "the result",
            result,
            "Finish with the result: the number after, or what the failure taught you.",
        ),
    ]
    return Story(noticed, decided, because, result, findings)


def story_bank(entries: Iterable[EntryLike]) -> list[Story]:
    """Every shipped or failed bet, as a story (in the order they were logged)."""
    return [story(e) for e in entries if e.kind in STORY_KINDS]


def sentence(s: Story) -> str:
    """The story in the interview shape; blanks name what is missing."""
    noticed = s.noticed or "…"
    decided = s.decided or "…"
    because = f" because {s.because}" if s.because and s.because != s.noticed else ""
    result = s.result or "still to come"
    return f"I noticed {noticed}; I decided {decided}{because}; the result was {result}."


@dataclass(frozen=True)
class Brief:
    """What to bring to the career conversation."""

    did: list[str]  # what the member did, in counts (our words)
    proof: list[str]  # the strong pieces, by title
    ask: str


def manager_brief(
    entries: Sequence[EntryLike], strong_titles: Sequence[str], *, weeks: int | None
) -> Brief:
    """The brief for the talk with the manager, from the member's evidence."""
    counts: dict[str, int] = {}
    for entry in entries:
        counts[entry.kind] = counts.get(entry.kind, 0) + 1
    did = [
        kind_count(kind, counts[kind])
        for kind in ("ship", "experiment", "proposal", "problem_statement", "customer_insight")
        if counts.get(kind)
    ]
    span = f"the past {weeks} weeks" if weeks else "the past weeks"
    ask = (
        f"I have been choosing what to build and proving whether it worked for {span}; here is "
        "the evidence. I would like my role to reflect that, or to agree with you what the path "
        "there looks like."
    )
    return Brief(did=did, proof=list(strong_titles), ask=ask)
