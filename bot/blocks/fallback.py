"""A message's top-level `text`, made from its blocks.

Slack shows `text` where blocks can't be: notifications, and screen readers read it (Slack's
chat.postMessage reference asks for it "as a fallback string ... in notifications" and for
accessibility). A confirmation whose text is "Saved." while its blocks hold the coaching,
or a weekly prompt whose text is its first line, leaves those readers with a few words.
So every message that leaves (bot/outbound.py, and the ack of a listener) carries the
builder's summary followed by a plain reading of every block.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# Slack's guidance keeps `text` under 4,000 characters (it truncates at 40,000).
MAX_FALLBACK = 3900

_EMOJI = re.compile(r":[a-z0-9_+\-']+:")
# <!date^1700000000^{date_short}|Monday 9 March> -> its fallback; <url|label> -> label.
_LABELLED = re.compile(r"<(?:!date\^[^|>]*|https?://[^|>]*|mailto:[^|>]*)\|([^>]*)>")
_BARE_LINK = re.compile(r"<(https?://[^|>]*)>")
_EMPHASIS = re.compile(r"(?<![\w*_~])([*_~])(?=\S)(.+?)(?<=\S)\1(?![\w*_~])")
_SPACES = re.compile(r"[ \t]+")


def readable(mrkdwn: str) -> str:
    """Slack mrkdwn as plain words: no emoji codes, emphasis marks or link syntax.

    Escaped user text (&lt; &gt; &amp;) stays escaped, and mentions (<@U…>) stay as they
    are: `text` is read by Slack as mrkdwn too, so nothing here may make new markup.
    """
    # Each pattern only where its marker is: every confirmation is read this way, on the
    # request path.
    text = mrkdwn
    if "<" in text:
        text = _BARE_LINK.sub(r"\1", _LABELLED.sub(r"\1", text))
    if ":" in text:
        text = _EMOJI.sub("", text)
    if "*" in text or "_" in text or "~" in text:
        for _ in range(2):  # nested *_emphasis_*
            text = _EMPHASIS.sub(r"\2", text)
    text = text.replace("`", "")
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _texts(block: dict[str, Any]) -> Iterable[str]:
    kind = block.get("type")
    if kind in ("section", "header", "markdown"):
        text = block.get("text")
        if isinstance(text, dict):
            yield str(text.get("text", ""))
        elif isinstance(text, str):
            yield text
        for field in block.get("fields") or []:
            if isinstance(field, dict):
                yield str(field.get("text", ""))
    elif kind == "context":
        pieces = [
            str(e.get("text") or e.get("alt_text") or "")
            for e in block.get("elements") or []
            if isinstance(e, dict)
        ]
        yield " ".join(p for p in pieces if p)
    elif kind == "image":
        yield str(block.get("alt_text", ""))
    elif kind == "input":
        label = block.get("label")
        if isinstance(label, dict):
            yield str(label.get("text", ""))


def fallback_text(summary: str, blocks: list[dict[str, Any]] | None) -> str:
    """`summary`, then every block read as plain text (what is already in the summary is
    not repeated), cut at a line under Slack's 4,000-character guidance."""
    lines: list[str] = [readable(summary)] if summary.strip() else []
    seen = set(lines)
    for block in blocks or []:
        for text in _texts(block):
            reading = readable(text)
            if reading and reading not in seen and not any(reading in s for s in seen):
                lines.append(reading)
                seen.add(reading)
    out: list[str] = []
    size = 0
    for line in lines:
        room = MAX_FALLBACK - size
        if len(line) + 1 > room:
            cut = line[: max(0, room - 2)]
            out.append(cut[: cut.rfind(" ")] if " " in cut else cut)
            out[-1] = (out[-1] + " …").strip()
            break
        out.append(line)
        size += len(line) + 1
    return "\n".join(out) or summary
