"""bot/pictures.py: pure, deterministic, counts only, and matplotlib loaded only to draw."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.pictures import MAX_BLOCK_ALT, MAX_FILE_ALT, ProgressInput, digest_chart, progress_picture
from bot.programs import load_programs
from bot.services.digest import ProgramDigest
from bot.skills import SKILLS

ROOT = Path(__file__).resolve().parent.parent
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def program(n: int, **kw) -> ProgramDigest:
    return ProgramDigest(f"p{n}", f"Program {n}", 12, participation=(1, 2, 3, 4, 5, 6), **kw)


def test_the_same_numbers_give_the_same_bytes_without_software_or_date():
    first = digest_chart([program(1, by_week={2: 3})])
    again = digest_chart([program(1, by_week={2: 3})])
    assert first is not None and again is not None
    assert first.png == again.png and first.png.startswith(PNG_SIGNATURE)
    assert b"matplotlib" not in first.png and b"Software" not in first.png
    assert b"Creation Time" not in first.png
    other = digest_chart([program(1, by_week={2: 4})])
    assert other is not None and other.png != first.png


def test_nothing_to_draw_is_no_picture():
    assert digest_chart([]) is None


def test_alt_texts_fit_slacks_limits_with_many_programs():
    chart = digest_chart([program(n, by_week={w: w for w in range(1, 13)}) for n in range(20)])
    assert chart is not None
    assert len(chart.alt_text) <= MAX_BLOCK_ALT and len(chart.file_alt) <= MAX_FILE_ALT
    assert chart.alt_text.startswith("Digest chart. Program 0:")


def test_a_member_picture_hash_follows_what_it_shows():
    pe = load_programs()["product-engineer"]
    one = ProgressInput.of(pe, week=3, ratings={"start": {"metrics": 2}}, labels=SKILLS)
    same = ProgressInput.of(pe, week=3, ratings={"start": {"metrics": 2}}, labels=SKILLS)
    rated = ProgressInput.of(
        pe, week=3, ratings={"start": {"metrics": 2}, "end": {"metrics": 4}}, labels=SKILLS
    )
    later = ProgressInput.of(pe, week=4, ratings={"start": {"metrics": 2}}, labels=SKILLS)
    assert one.content_hash() == same.content_hash()
    assert len({one.content_hash(), rated.content_hash(), later.content_hash()}) == 3
    # Every week after the end draws the same picture: no new upload each week.
    done = [ProgressInput.of(pe, week=w, ratings={}, labels=SKILLS) for w in (13, 14, 40)]
    assert len({d.content_hash() for d in done}) == 1
    picture = progress_picture(rated)
    assert picture.png.startswith(PNG_SIGNATURE)
    assert "Choosing the metric that shows it worked 2 to 4" in picture.alt_text


def test_the_bot_does_not_load_matplotlib_until_it_draws():
    code = (
        "import sys, bot.app, handlers, bot.scheduling.pipeline, bot.services.digest;"
        "print('matplotlib' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "False"


def test_the_readme_chart_is_drawn_by_the_script(tmp_path):
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "render_digest_chart.py"), str(tmp_path)],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    assert "digest-chart.png" in out.stdout
    drawn = (tmp_path / "digest-chart.png").read_bytes()
    committed = (ROOT / "docs" / "digest-chart.png").read_bytes()
    assert drawn.startswith(PNG_SIGNATURE) and committed.startswith(PNG_SIGNATURE)
    # Same size in pixels (IHDR): the committed file is this drawing (bytes may differ with
    # another matplotlib or FreeType version).
    assert drawn[16:24] == committed[16:24]
    assert "docs/digest-chart.png" in (ROOT / "README.md").read_text()
