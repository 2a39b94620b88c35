"""Guard for the "own words" rule: no long run of the source guides appears in a program file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.programs import BUILTIN_DIR

# shared/ sits beside the repository (in CI and on developers' machines).
_CANDIDATES = [Path(__file__).resolve().parents[3] / "shared" / "seeds", Path("/work/shared/seeds")]
GUIDES = next((p for p in _CANDIDATES if p.is_dir()), _CANDIDATES[0])
RUN = 12  # words; shared facts are fine, copied sentences are not


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _runs(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}


@pytest.mark.skipif(not GUIDES.is_dir(), reason="the source guides are not in this checkout")
@pytest.mark.parametrize("path", sorted(BUILTIN_DIR.glob("*.toml")), ids=lambda p: p.name)
def test_no_sentence_copied_from_the_guides(path):
    guide_runs: set[tuple[str, ...]] = set()
    for guide in sorted(GUIDES.glob("*.txt")):
        guide_runs |= _runs(_words(guide.read_text(encoding="utf-8")))
    assert guide_runs, "no guide text found"
    copied = _runs(_words(path.read_text(encoding="utf-8"))) & guide_runs
    assert not copied, [" ".join(run) for run in sorted(copied)]
