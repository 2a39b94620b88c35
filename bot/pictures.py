"""Pictures: the coach's digest chart and a member's own progress picture, as PNG bytes.

Pure: counts in, a `Picture` out (PNG bytes and the alt text that says the same numbers in
words). Nothing here talks to Slack or the database. Deterministic: a fixed size and dpi,
matplotlib's own bundled font, and no software name or date in the PNG's metadata, so the
same numbers always give the same bytes (the Home tab reuses an uploaded picture while its
content hash is unchanged).

matplotlib is imported inside the drawing functions, never at module load, and the bot
draws in a short-lived child process (`digest_chart_apart`, `progress_picture_apart`): one
chart costs matplotlib's ~50 MiB of imports and caches, which would stay in the bot for good
and break its resident memory target (bench.memory, 120 MiB). A child costs about a second
per picture, and pictures are rare: a digest a week, a Home picture when it changes.
"""

from __future__ import annotations

import hashlib
import io
import json
import pickle
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from bot.programs import Program

# Slack's limits on the two alt texts (cited where they are sent: bot/outbound.py and
# bot/blocks/pictures.py): files.getUploadURLExternal `alt_txt` 1000, image block 2000.
MAX_FILE_ALT = 1000
MAX_BLOCK_ALT = 2000
DPI = 100
WIDTH_IN = 9.0
ROW_IN = 2.6
MAX_CHART_PROGRAMS = 6  # rows in one chart; the text version lists every program
# Bump when the drawing changes, so cached member pictures are drawn again.
VERSION = "1"

# One figure at a time: matplotlib's font cache and text layout are not thread-safe, and
# the pipeline renders on a pool of threads.
_DRAW_LOCK = threading.Lock()

ACTIVE, WAITING, PAUSED, FINISHED = "#2e7d6b", "#b0b7c3", "#d9a441", "#4a67b5"


class ChartData(Protocol):
    """One program's counts, as the digest has them (bot.services.digest.ProgramDigest)."""

    @property
    def title(self) -> str: ...
    @property
    def weeks(self) -> int: ...
    @property
    def not_started(self) -> int: ...
    @property
    def by_week(self) -> Mapping[int, int]: ...
    @property
    def paused(self) -> int: ...
    @property
    def finished(self) -> int: ...
    @property
    def deliverables_done(self) -> int: ...
    @property
    def participation(self) -> tuple[int, ...]: ...
    @property
    def active(self) -> int: ...
    @property
    def members(self) -> int: ...


class MemberStates:
    """`active` and `members` from a program's counts of members by state: shared by the
    digest's counts and the plain copy of them that travels to the drawing process."""

    not_started: int
    by_week: Mapping[int, int]
    paused: int
    finished: int

    @property
    def active(self) -> int:
        """Members in weeks 1..weeks of the program, not paused."""
        return sum(self.by_week.values())

    @property
    def members(self) -> int:
        """Everyone counted: not started, active, paused and finished."""
        return self.not_started + self.active + self.paused + self.finished


@dataclass(frozen=True)
class ChartRow(MemberStates):
    """A program's counts in plain values: what travels to the drawing process (it need not
    import the digest's service, its database layer and all, to unpickle them)."""

    title: str
    weeks: int
    not_started: int
    by_week: dict[int, int]
    paused: int
    finished: int
    deliverables_done: int
    participation: tuple[int, ...]

    @classmethod
    def of(cls, p: ChartData) -> ChartRow:
        """The counts of one program's digest."""
        return cls(
            p.title, p.weeks, p.not_started, dict(p.by_week), p.paused, p.finished,
            p.deliverables_done, tuple(p.participation),
        )  # fmt: skip


@dataclass(frozen=True)
class Picture:
    """A PNG and what it shows, in words."""

    png: bytes
    alt_text: str  # for the image block (at most MAX_BLOCK_ALT)
    title: str
    filename: str

    @property
    def file_alt(self) -> str:
        """The alt text cut to files.getUploadURLExternal's limit."""
        return _cut(self.alt_text, MAX_FILE_ALT)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _png(fig: Any) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    out = io.BytesIO()
    # Software: None drops the "matplotlib version ..." text chunk; Agg writes no date.
    fig.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    return out.getvalue()


def _figure(width: float, height: float) -> Any:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=DPI, layout="constrained")


def _n(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


# Seconds a child process may take to draw one picture (import included) before it is
# given up on: the message then goes without its picture.
DRAW_TIMEOUT = 60.0


# Pictures drawn lately, by what was asked: a cohort finishing together gets the same
# completion picture many times (same program, often no ratings), drawn once.
_RECENT: dict[bytes, Picture | None] = {}
_DRAWING: dict[bytes, threading.Event] = {}
_RECENT_LOCK = threading.Lock()
MAX_RECENT = 32


def _apart(name: str, arg: Any) -> Picture | None:
    """Run drawing function `name` on `arg` in a child process (once for equal requests
    drawn lately); its Picture."""
    key = pickle.dumps((name, arg))
    while True:
        with _RECENT_LOCK:
            if key in _RECENT:
                return _RECENT[key]
            pending = _DRAWING.get(key)
            if pending is None:
                _DRAWING[key] = threading.Event()
                break
        pending.wait(DRAW_TIMEOUT)  # someone else is drawing it: use theirs
    try:
        picture = _draw_in_child(key)
        with _RECENT_LOCK:
            if len(_RECENT) >= MAX_RECENT:
                del _RECENT[next(iter(_RECENT))]
            _RECENT[key] = picture
        return picture
    finally:
        with _RECENT_LOCK:
            _DRAWING.pop(key).set()


def _draw_in_child(request: bytes) -> Picture | None:
    """Pickle only travels between this process and its own child (what we send, it sends
    back), never anything read from outside."""
    name = pickle.loads(request)[0]
    done = subprocess.run(
        [sys.executable, "-c", "from bot.pictures import _child; _child()"],
        input=request,
        capture_output=True,
        timeout=DRAW_TIMEOUT,
        check=False,
    )
    if done.returncode != 0:
        last = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
        raise RuntimeError(f"drawing {name} failed: {last[0][:300]}")
    picture = pickle.loads(done.stdout)
    assert picture is None or isinstance(picture, Picture)
    return picture


def digest_chart_apart(programs: Sequence[ChartData]) -> Picture | None:
    """digest_chart, drawn in a child process (the bot's memory stays as it is)."""
    return _apart("digest", [ChartRow.of(p) for p in programs])


def progress_picture_apart(data: ProgressInput) -> Picture | None:
    """progress_picture, drawn in a child process."""
    return _apart("progress", data)


# -- the coach's digest ----------------------------------------------------------------------


def digest_alt_text(programs: Sequence[ChartData]) -> str:
    """The chart's numbers in words: counts only, never a name or an entry's words."""
    parts = []
    for p in programs[:MAX_CHART_PROGRAMS]:
        trend = ", ".join(str(n) for n in p.participation) or "none yet"
        weeks = ", ".join(
            f"{_n(n, 'member', 'members')} in week {w}" for w, n in sorted(p.by_week.items())
        )
        parts.append(
            f"{p.title}: members who logged anything per week, oldest first: {trend}. "
            f"Now {p.not_started} not started, {p.active} active"
            + (f" ({weeks})" if weeks else "")
            + f", {p.paused} paused, {p.finished} finished. "
            f"Deliverables marked done in the last 7 days: {p.deliverables_done}."
        )
    if len(programs) > MAX_CHART_PROGRAMS:
        parts.append(f"{len(programs) - MAX_CHART_PROGRAMS} more programs are in the text.")
    return _cut("Digest chart. " + " ".join(parts), MAX_BLOCK_ALT)


def digest_chart(programs: Sequence[ChartData]) -> Picture | None:
    """Per program, a row: participation over the weeks (left) and where members are now,
    by program week, with not started / paused / finished beside (right). None when there
    is no program to draw."""
    shown = list(programs[:MAX_CHART_PROGRAMS])
    if not shown:
        return None
    with _DRAW_LOCK:
        fig = _figure(WIDTH_IN, 0.6 + ROW_IN * len(shown))
        grid = fig.subplots(len(shown), 2, squeeze=False, width_ratios=[1, 1.4])
        for row, p in zip(grid, shown, strict=True):
            _participation_axes(row[0], p)
            _progress_axes(row[1], p)
        fig.suptitle("Participation and progress", fontsize=12, fontweight="bold")
        png = _png(fig)
    return Picture(
        png=png,
        alt_text=digest_alt_text(programs),
        title="Weekly digest chart",
        filename="digest-chart.png",
    )


def _participation_axes(ax: Any, p: ChartData) -> None:
    values = list(p.participation)
    n = len(values)
    labels = [("this week" if i == n - 1 else f"-{n - 1 - i}w") for i in range(n)]
    bars = ax.bar(range(n), values, color=ACTIVE)
    ax.bar_label(bars, fontsize=8, padding=1)
    ax.set_xticks(range(n), labels, fontsize=8)
    ax.set_ylim(0, max([*values, p.members, 1]) * 1.2)
    ax.set_title(
        f"{_short(p.title, 44)}\nmembers who logged anything, per week", fontsize=9, loc="left"
    )
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.tick_params(axis="y", labelsize=8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _progress_axes(ax: Any, p: ChartData) -> None:
    weeks = max(p.weeks, max(p.by_week, default=0), 1)
    counts = [p.by_week.get(w, 0) for w in range(1, weeks + 1)]
    bars = ax.bar(range(1, weeks + 1), counts, color=ACTIVE, label="active, by week")
    ax.bar_label(bars, labels=[str(n) if n else "" for n in counts], fontsize=8, padding=1)
    extra = [("not started", p.not_started, WAITING), ("paused", p.paused, PAUSED)]
    extra.append(("finished", p.finished, FINISHED))
    for i, (label, count, color) in enumerate(extra):
        x = weeks + 1.5 + i
        ax.bar([x], [count], color=color)
        ax.text(x, count, str(count), ha="center", va="bottom", fontsize=8)
        ax.text(x, -0.02, label, ha="right", va="top", rotation=35, fontsize=7,
                transform=ax.get_xaxis_transform())  # fmt: skip
    step = max(1, weeks // 8)
    ticks = list(range(1, weeks + 1, step))
    ax.set_xticks(ticks, [str(t) for t in ticks], fontsize=8)
    ax.set_xlim(0.3, weeks + 4.2)
    ax.set_ylim(0, max([*counts, p.not_started, p.paused, p.finished, 1]) * 1.25)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.tick_params(axis="y", labelsize=8)
    ax.set_title(
        "where members are now, by program week\n"
        f"deliverables marked done in the last 7 days: {p.deliverables_done}",
        fontsize=9,
        loc="left",
    )
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _short(title: str, limit: int = 40) -> str:
    return _cut(title, limit)


def _wrap(title: str, width: int) -> str:
    """A phase title on at most two lines of `width` characters (cut after that)."""
    words, lines, line = title.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    shown = [_cut(x, max(width, 4)) for x in lines[:2]]
    if len(lines) > 2:
        shown[1] = _cut(shown[1] + " …", max(width, 4))
    return "\n".join(shown)


# -- a member's own picture ------------------------------------------------------------------


@dataclass(frozen=True)
class ProgressInput:
    """What a member's picture shows: the program's phases, the member's week, and their
    skills self-ratings at the start and now (skill label -> 1..5)."""

    program_title: str
    weeks: int
    phases: tuple[tuple[str, int, int], ...]  # (title, first week, last week)
    week: int  # the member's program week (weeks + 1 or more: finished)
    start: Mapping[str, int]
    now: Mapping[str, int]

    @classmethod
    def of(
        cls,
        program: Program,
        *,
        week: int,
        ratings: Mapping[str, Mapping[str, int]],
        labels: Mapping[str, str],
    ) -> ProgressInput:
        """From a program and the stored ratings ({"start": {skill: score}, "end": ...})."""
        start = ratings.get("start", {})
        end = ratings.get("end", {})
        return cls(
            program_title=program.title,
            weeks=program.weeks,
            phases=tuple((ph.title, ph.first_week, ph.last_week) for ph in program.phases),
            week=week,
            start={labels.get(k, k): v for k, v in sorted(start.items())},
            now={labels.get(k, k): v for k, v in sorted({**start, **end}.items())},
        )

    def content_hash(self) -> str:
        """A hash of everything drawn: equal hashes, equal pictures."""
        data = {
            "v": VERSION,
            "title": self.program_title,
            "weeks": self.weeks,
            "phases": self.phases,
            "week": min(self.week, self.weeks + 1),  # every week after the end draws the same
            "start": sorted(self.start.items()),
            "now": sorted(self.now.items()),
        }
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def progress_alt_text(data: ProgressInput) -> str:
    """The member's picture in words."""
    finished = data.week > data.weeks
    if finished:
        where = f"All {data.weeks} weeks are done."
    elif data.week < 1:
        where = "The program has not started yet."
    else:
        phase = next((t for t, a, b in data.phases if a <= data.week <= b), "")
        where = f"You are in week {data.week} of {data.weeks}" + (
            f", phase {phase}." if phase else "."
        )
    phases = "; ".join(f"{t}, weeks {a} to {b}" for t, a, b in data.phases)
    skills = "; ".join(
        f"{label} {data.start[label]} to {data.now.get(label, data.start[label])}"
        for label in data.start
    )
    text = f"Your progress in {data.program_title}. {where} Phases: {phases}."
    text += (
        f" Skills self-rating, start to now, out of 5: {skills}."
        if skills
        else " No skills rating yet."
    )
    return _cut(text, MAX_BLOCK_ALT)


def progress_picture(data: ProgressInput) -> Picture:
    """A phase timeline with a marker for where the member is now, and (once they have
    rated themselves) their skills at the start and now on the 1-5 scale."""
    rated = bool(data.start)
    with _DRAW_LOCK:
        fig = _figure(WIDTH_IN, 1.9 + (0.38 * len(data.start) + 0.7 if rated else 0))
        if rated:
            timeline, skills = fig.subplots(2, 1, height_ratios=[1.5, 0.38 * len(data.start) + 0.7])
        else:
            timeline, skills = fig.subplots(1, 1), None
        _timeline_axes(timeline, data)
        if skills is not None:
            _skills_axes(skills, data)
        png = _png(fig)
    return Picture(
        png=png,
        alt_text=progress_alt_text(data),
        title="Your progress",
        filename="my-progress.png",
    )


def _timeline_axes(ax: Any, data: ProgressInput) -> None:
    colors = ["#cfe3dc", "#d6def0", "#f3e2bd", "#e4d3ea", "#d9e7c4", "#f0d5cc"]
    for i, (title, first, last) in enumerate(data.phases):
        done = data.week > last
        ax.barh(0, last - first + 1, left=first - 0.5, height=0.8,
                color=ACTIVE if done else colors[i % len(colors)], edgecolor="white")  # fmt: skip
        ax.text((first + last) / 2, 0, _wrap(title, 9 * (last - first + 1)),
                ha="center", va="center", fontsize=8,
                color="white" if done else "#222222")  # fmt: skip
    here = min(max(data.week, 0.5), data.weeks + 0.5)
    label = "done" if data.week > data.weeks else "not started" if data.week < 1 else "you are here"
    ax.vlines(here, -0.5, 0.5, color="#c0392b", linewidth=2.5)
    ax.text(here, 0.55, label, color="#c0392b", ha="center", va="bottom", fontsize=9,
            fontweight="bold")  # fmt: skip
    ax.set_xlim(0.5, data.weeks + 0.5)
    ax.set_ylim(-0.6, 1.0)
    ax.set_yticks([])
    step = max(1, data.weeks // 12)
    ticks = list(range(1, data.weeks + 1, step))
    ax.set_xticks(ticks, [str(t) for t in ticks], fontsize=8)
    ax.set_xlabel("program week", fontsize=8)
    ax.set_title(_short(data.program_title, 60), fontsize=11, fontweight="bold", loc="left")
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)


def _skills_axes(ax: Any, data: ProgressInput) -> None:
    labels = list(data.start)
    ys = list(range(len(labels)))[::-1]
    for y, label in zip(ys, labels, strict=True):
        a, b = data.start[label], data.now.get(label, data.start[label])
        ax.plot([a, b], [y, y], color="#888888", linewidth=2, zorder=1)
        ax.scatter([a], [y], color=WAITING, s=50, zorder=2, label="start" if y == ys[0] else None)
        ax.scatter([b], [y], color=ACTIVE, s=50, zorder=3, label="now" if y == ys[0] else None)
    ax.set_yticks(ys, [_short(label, 34) for label in labels], fontsize=8)
    ax.set_xlim(0.7, 5.3)
    ax.set_xticks([1, 2, 3, 4, 5], ["1", "2", "3", "4", "5"], fontsize=8)
    ax.set_title("Skills self-rating: start → now (1 new to me, 5 could teach it)", fontsize=9,
                 loc="left")  # fmt: skip
    ax.legend(loc="lower right", fontsize=7, frameon=False, ncols=2)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _child() -> None:
    """The child's side: draw what the parent sent on stdin, the Picture on stdout."""
    name, arg = pickle.loads(sys.stdin.buffer.read())
    picture = digest_chart(arg) if name == "digest" else progress_picture(arg)
    sys.stdout.buffer.write(pickle.dumps(picture))
