"""The portfolio written out as a person would read it: each artifact as a short story.

Problem, evidence, decision, result, learning, in the member's own words (escaped), one item
per line, dates in the member's time zone, gaps named. No Python values ever reach the page:
scores are formatted, ticks become sentences, bookkeeping fields stay out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot import rules
from bot.progress import zone
from bot.scoring import _fmt

if TYPE_CHECKING:
    from bot.portfolio import Artifact, EntryLike
    from bot.positioning import Brief, Story

# Markdown that user text must not be able to start: headings, emphasis, links, code, quotes,
# list markers, tables and HTML.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~])")
_LIST_START = re.compile(r"^(\s*)([-+]|\d+[.)])(\s)")
_SOURCES = {"call": "a call", "ticket": "a support ticket", "interview": "an interview"}


def md(text: Any) -> str:
    """User text as inert Markdown on one line."""
    flat = " ".join(str(text).split())
    return _LIST_START.sub(r"\1\\\2\3", _MD_SPECIAL.sub(r"\\\1", flat))


def _text(fields: Mapping[str, Any], key: str) -> str:
    value = fields.get(key)
    return value.strip() if isinstance(value, str) else ""


def _lines(fields: Mapping[str, Any], key: str) -> list[str]:
    """A multi-line field as its non-empty lines, list markers removed."""
    return rules.evidence_items(_text(fields, key))


def _when(entry: EntryLike, timezone: str | None) -> str:
    local = entry.created_at.astimezone(zone(timezone))
    week = f", week {entry.program_week}" if entry.program_week else ""
    return f"{local.day} {local:%b %Y}{week}"


def _scores(fields: Mapping[str, Any]) -> str:
    scores = fields.get("scores")
    if not isinstance(scores, Mapping):
        return ""
    parts = [
        f"{method} {_fmt(float(value))}"
        for method, value in scores.items()
        if isinstance(value, int | float)
    ]
    return ", ".join(parts)


def _para(label: str, text: str) -> list[str]:
    return [f"**{label}.** {md(text)}", ""] if text else []


def _items(label: str, items: Sequence[str]) -> list[str]:
    if not items:
        return []
    return [f"**{label}:**", *(f"- {md(item)}" for item in items), ""]


def _logged(entry: EntryLike, timezone: str | None) -> list[str]:
    return [f"_Logged {_when(entry, timezone)}._", ""]


# -- one story per kind ------------------------------------------------------------------------


def _problem_story(entry: EntryLike, tz: str | None) -> list[str]:
    f = entry.fields
    return [
        *_para("The problem", _text(f, "problem") or entry.text),
        *_items("The evidence", _lines(f, "evidence")),
        *_logged(entry, tz),
    ]


def _proposal_story(entry: EntryLike, tz: str | None) -> list[str]:
    f = entry.fields
    scores = _scores(f)
    return [
        *_para("What I proposed", _text(f, "solution") or entry.text),
        *_para("The metric it should move", _text(f, "metric")),
        *_para("Timeline", _text(f, "timeline")),
        *([f"**How it scored:** {scores}.", ""] if scores else []),
        *_para("The answer", _text(f, "response")),
        *_para("What I learned", _text(f, "learned")),
        *_logged(entry, tz),
    ]


def _ship_story(entry: EntryLike, tz: str | None) -> list[str]:
    f = entry.fields
    after = rules.after_number(f)
    waiting = "Not measured yet: the one-week follow-up asks for it." if not after else ""
    feedback = _lines(f, "feedback")
    followup = f.get("followup")
    note = _text(followup, "note") if isinstance(followup, Mapping) else ""
    return [
        *_para("The problem", _text(f, "problem")),
        *_para("Who it hit", _text(f, "who")),
        *_para("What I built", _text(f, "built") or entry.text),
        *_para("Before", _text(f, "before")),
        *(_para("After", after) if after else [f"**After.** {waiting}", ""]),
        *_para("A week later", note),
        *_items("What users said", feedback),
        *_para("What I learned", _text(f, "learned")),
        *_logged(entry, tz),
    ]


def _experiment_story(entry: EntryLike, tz: str | None) -> list[str]:
    f = entry.fields
    return [
        *_para("What I believed", _text(f, "hypothesis") or entry.text),
        *_para("What I measured", _text(f, "measured")),
        *_para("What happened", _text(f, "result")),
        *_para("What I learned", _text(f, "learning")),
        *_logged(entry, tz),
    ]


def _teardown_story(entry: EntryLike, tz: str | None) -> list[str]:
    f = entry.fields
    competitor = _text(f, "competitor")
    shipped = _text(f, "shipped") or entry.text
    return [
        *_para("What they shipped", f"{competitor}: {shipped}" if competitor else shipped),
        *_para("Why I think they did it", _text(f, "why")),
        *_para("What I would have done", _text(f, "differently")),
        *_logged(entry, tz),
    ]


def _insight_line(entry: EntryLike, tz: str | None) -> str:
    source = _SOURCES.get(_text(entry.fields, "source"), "")
    heard = _text(entry.fields, "heard") or entry.text
    where = f" (from {source}, {_when(entry, tz)})" if source else f" ({_when(entry, tz)})"
    return f"- {md(heard)}{where}"


def _bullet_line(entry: EntryLike) -> str:
    return f"- {md(_text(entry.fields, 'bullet') or entry.text)}"


def _decision_line(entry: EntryLike) -> str:
    f = entry.fields
    parts = [md(_text(f, "decision") or entry.text)]
    if _text(f, "alternative"):
        parts.append(f"rather than {md(_text(f, 'alternative'))}")
    if _text(f, "data"):
        parts.append(f"on {md(_text(f, 'data'))}")
    return "- " + ", ".join(parts)


_STORIES = {
    "problem_statement": _problem_story,
    "proposal": _proposal_story,
    "ship": _ship_story,
    "experiment": _experiment_story,
    "teardown": _teardown_story,
}


def artifact_body(artifact: Artifact, timezone: str | None) -> list[str]:
    """The artifact's story from its entries (strongest first), without heading or gaps."""
    if artifact.key == "insight_synthesis":
        lines = [_insight_line(e, timezone) for e in artifact.entries]
        return [*lines, ""] if lines else []
    if artifact.key == "resume_bullets":
        strong = [e for e in artifact.entries if rules.is_strong(e.kind, e.fields)]
        weak = [e for e in artifact.entries if e not in strong]
        out = [_bullet_line(e) for e in strong]
        if weak:
            out += ["", "**To rework:**"] if out else ["**To rework:**"]
            for entry in weak:
                lacking = [f.missing for f in rules.check(entry.kind, entry.fields) if not f.met]
                out.append(f"{_bullet_line(entry)}  \n  → {lacking[0]}")
        return [*out, ""]
    if artifact.key == "decision_case":
        decisions = [e for e in artifact.entries if e.kind == "decision"]
        others = [e for e in artifact.entries if e.kind != "decision"]
        out = []
        for entry in others:
            out += _STORIES[entry.kind](entry, timezone)
        if decisions:
            out += ["**The calls along the way:**", *(_decision_line(e) for e in decisions), ""]
        return out
    out = []
    for entry in artifact.entries:
        story = _STORIES.get(entry.kind)
        if story is not None:
            out += story(entry, timezone)
    return out


def _status(artifact: Artifact) -> str:
    return "strong" if artifact.complete else "in progress" if artifact.entries else "missing"


def render_portfolio(
    *,
    name: str,
    program_title: str | None,
    artifacts: Sequence[Artifact],
    generated: datetime,
    timezone: str | None = None,
    stories: Sequence[Story] = (),
    brief: Brief | None = None,
) -> str:
    """The whole portfolio as Markdown: a title, each artifact's story and its gaps, then the
    interview stories and the career-conversation brief when given."""
    local = generated.astimezone(zone(timezone))
    done = sum(a.complete for a in artifacts)
    title = f"{md(program_title)}, compiled" if program_title else "Compiled"
    out = [
        f"# Transition portfolio: {md(name)}",
        "",
        f"{title} {local.day} {local:%B %Y}. {done} of {len(artifacts)} artifacts "
        f"{'is' if done == 1 else 'are'} strong; "
        "the gaps say what would finish the others.",
        "",
    ]
    for artifact in artifacts:
        out += [f"## {artifact.title} ({_status(artifact)})", "", f"_{artifact.why}_", ""]
        out += artifact_body(artifact, timezone)
        if artifact.gaps:
            # Gaps are our own words (no user text), in Markdown already.
            out += ["**Still missing:**", *(f"- {gap}" for gap in artifact.gaps), ""]
    out += _stories_section(stories) + _brief_section(brief)
    return "\n".join(out).rstrip() + "\n"


def _stories_section(stories: Sequence[Story]) -> list[str]:
    from bot.positioning import sentence

    if not stories:
        return []
    out = [
        "## Interview stories",
        "",
        "_Each bet as interviewers listen for it: what you noticed, what you decided and why, "
        "the result._",
        "",
    ]
    for story in stories:
        out.append(f"- {md(sentence(story))}")
        for finding in story.findings:
            if not finding.met:
                out.append(f"  - To add: {finding.missing}")
    return [*out, ""]


def _brief_section(brief: Brief | None) -> list[str]:
    if brief is None:
        return []
    out = ["## Career conversation brief", ""]
    out += (
        _items("What I did", brief.did)
        if brief.did
        else ["**What I did:** nothing logged yet.", ""]
    )
    out += (
        _items("The proof", brief.proof)
        if brief.proof
        else [
            "**The proof:** no artifact is strong yet; the gaps above say what would change that.",
            "",
        ]
    )
    out += [f"**The ask.** {brief.ask}", ""]
    return out
