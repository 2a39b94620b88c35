"""Draw the README's pictures: docs/digest-chart.png (the sample digest, as the chart the
bot uploads) and docs/member-progress.png (a member's own picture).

Usage: .venv/bin/python scripts/render_digest_chart.py [OUT_DIR]

The digest's numbers are those of the text rendering in the README ("The coach's digest");
the drawing is bot.pictures, the same functions the digest pipeline and the Home tab call.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot.pictures import Picture, ProgressInput, digest_chart, progress_picture
from bot.programs import load_programs
from bot.services.digest import ProgramDigest
from bot.skills import SKILLS

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs"

SAMPLE = [
    ProgramDigest(
        program_id="engineer-to-pm",
        title="Engineer to product manager",
        weeks=13,
        by_week={5: 2},
        finished=1,
        logged={"decision": 1},
        participation=(0, 0, 0, 1, 1, 1),
    ),
    ProgramDigest(
        program_id="product-engineer",
        title="Software engineer to product engineer",
        weeks=12,
        not_started=1,
        by_week={7: 1, 8: 2},
        paused=1,
        finished=1,
        logged={"decision": 3, "customer_insight": 1, "experiment": 1},
        deliverables_done=1,
        deliverables_total=5,
        journaling=1,
        participation=(1, 2, 1, 1, 2, 2),
    ),
]


def sample_chart() -> Picture:
    """The README's sample digest, drawn."""
    chart = digest_chart(SAMPLE)
    assert chart is not None
    return chart


def sample_member() -> Picture:
    """A member in week 8 of the product engineer program who rated themselves twice."""
    program = load_programs()["product-engineer"]
    ratings = {
        "start": {"interviewing": 1, "discovery": 2, "metrics": 2, "storytelling": 3},
        "end": {"interviewing": 3, "discovery": 3, "metrics": 4},
    }
    return progress_picture(ProgressInput.of(program, week=8, ratings=ratings, labels=SKILLS))


def main(argv: list[str]) -> int:
    """Write both pictures (to docs/, or the directory given) and print their alt texts."""
    out = Path(argv[1]) if len(argv) > 1 else OUT
    out.mkdir(parents=True, exist_ok=True)
    for name, picture in (
        ("digest-chart.png", sample_chart()),
        ("member-progress.png", sample_member()),
    ):
        (out / name).write_bytes(picture.png)
        print(f"wrote {out / name} ({len(picture.png)} bytes)")
        print(f"alt text: {picture.alt_text}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
