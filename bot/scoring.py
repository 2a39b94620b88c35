"""Prioritisation scores for proposals: RICE and ICE, with the checks a modal needs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


class ScoreError(ValueError):
    """One input of a score is missing or out of range; `field` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Score:
    """A computed score and how it was computed, for display."""

    method: str  # "RICE" | "ICE"
    value: float
    formula: str


RICE_FIELDS = ("reach", "impact", "confidence", "effort")
ICE_FIELDS = ("ice_impact", "ice_confidence", "ice_ease")


def rice(reach: float, impact: float, confidence_pct: float, effort: float) -> float:
    """RICE = reach × impact × confidence / effort, with confidence given in percent."""
    if effort <= 0:
        raise ScoreError("effort", "Effort must be more than 0.")
    return reach * impact * (confidence_pct / 100) / effort


def ice(impact: float, confidence: float, ease: float) -> float:
    """ICE = impact × confidence × ease, each on 1-10 (the product, so 1 to 1000).

    We use the product rather than the average: it punishes one weak factor harder,
    which is the point of scoring a bet.
    """
    return impact * confidence * ease


def _number(values: Mapping[str, str | None], key: str, label: str) -> float:
    raw = (values.get(key) or "").strip().replace(",", "")
    if raw.endswith("%"):
        raw = raw[:-1]
    try:
        number = float(raw)
    except ValueError:
        raise ScoreError(key, f"{label} must be a number.") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ScoreError(key, f"{label} must be a number.")
    return number


def score_proposal(values: Mapping[str, str | None]) -> list[Score]:
    """The RICE and/or ICE scores a proposal's form asks for; ScoreError on a bad input.

    A method counts as asked for as soon as one of its inputs is filled in; then all of
    them are needed.
    """
    scores: list[Score] = []
    if any((values.get(k) or "").strip() for k in RICE_FIELDS):
        reach = _number(values, "reach", "Reach")
        impact = _number(values, "impact", "Impact")
        confidence = _number(values, "confidence", "Confidence")
        effort = _number(values, "effort", "Effort")
        if reach < 0:
            raise ScoreError("reach", "Reach can't be negative.")
        if not 0 < impact <= 3:
            raise ScoreError("impact", "Impact is usually 0.25, 0.5, 1, 2 or 3 (at most 3).")
        if not 0 <= confidence <= 100:
            raise ScoreError("confidence", "Confidence is a percentage from 0 to 100.")
        value = rice(reach, impact, confidence, effort)
        scores.append(
            Score(
                "RICE",
                value,
                f"{_fmt(reach)} × {_fmt(impact)} × {_fmt(confidence)}% ÷ {_fmt(effort)}",
            )
        )
    if any((values.get(k) or "").strip() for k in ICE_FIELDS):
        parts = []
        for key, label in zip(ICE_FIELDS, ("Impact", "Confidence", "Ease"), strict=True):
            number = _number(values, key, label)
            if not 1 <= number <= 10:
                raise ScoreError(key, f"{label} is a score from 1 to 10.")
            parts.append(number)
        scores.append(Score("ICE", ice(*parts), " × ".join(_fmt(p) for p in parts)))
    return scores


def _fmt(number: float) -> str:
    return f"{number:,.2f}".rstrip("0").rstrip(".")


def format_score(score: Score) -> str:
    """`RICE 1,200 (2,000 × 2 × 60% ÷ 2)`."""
    return f"{score.method} {_fmt(score.value)} ({score.formula})"
