"""Turning user-typed text into safe Slack text."""

from __future__ import annotations

import re

# The longest slash-command text we accept, counted as typed. Slack documents no maximum for
# slash-command text; its documented limit for message text is 40,000 characters, past which
# it truncates ("On August 12, 2018 we started truncating messages containing more than
# 40,000 characters", api.slack.com/changelog/2018-04-truncating-really-long-messages; notes
# section 6). Text longer than anything Slack would show as a message is refused in words,
# never stored cut short.
COMMAND_TEXT_LIMIT = 40_000


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


# Slack's own markup in slash command text (the command escapes channels, users and links):
# <@U123|name>, <#C123|name>, <!here>, <!subteam^S1|@team>, <!date^...|fallback>, <url|label>.
_SLACK_MARKUP = re.compile(r"<([^<>]*)>")


def _plain(inner: str) -> str:
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        return f"@{label or target[1:]}"
    if target.startswith("#"):
        return f"#{label or target[1:]}"
    if target.startswith("!"):
        name = target[1:].split("^", 1)[0]
        if name in ("here", "channel", "everyone"):
            return f"@{name}"
        return label or f"@{name}"
    return f"{label} ({target})" if label and label != target else target


def from_slack(text: str) -> str:
    """What the user typed, from slash command text as Slack sends it.

    Slack turns mentions and links into markup and escapes &, < and >; we store the
    human-readable words (mentions become plain @name, links "label (url)") so that
    showing them again, escaped, can never ping or link anyone.
    """
    plain = _SLACK_MARKUP.sub(lambda m: _plain(m.group(1)), without_nul(text))
    return plain.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def without_nul(text: str) -> str:
    """`text` minus NUL characters: PostgreSQL text and JSON columns cannot hold them."""
    return text.replace("\x00", "")
