"""Turning user-typed text into safe Slack text."""

from __future__ import annotations


def escape_mrkdwn(text: str) -> str:
    """Escape the three characters Slack treats as markup, so user text cannot mention or link.

    Slack documents exactly &, < and > as the control characters; escaping them turns
    `<!channel>`, `<@U123>` and `<http://x|y>` into visible text instead of pings and links.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int, *, marker: str = "…") -> str:
    """Cut `text` to at most `limit` characters, ending with `marker` when cut."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(marker))] + marker


def safe_text(text: str, limit: int) -> str:
    """Escape then truncate, never splitting an escape sequence like `&amp;` in half."""
    escaped = escape_mrkdwn(text)
    if len(escaped) <= limit:
        return escaped
    cut = escaped[: max(0, limit - 1)]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + "…"
