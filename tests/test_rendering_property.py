"""Property: whatever users type, every renderer that shows it emits no markup the bot didn't
put there itself (no @channel/@here/@everyone, no mention, channel link or URL), and every
message passes Slack's Block Kit limits."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.blocks.evidence import entries_blocks, logged_blocks
from bot.blocks.ship import followup_dm, followup_reply, revisit_dm, ship_post
from bot.coaching import feedback
from bot.evidence import LOGGABLE, SPECS
from slack_emulator import message_problems
from storage.models import Entry

HOSTILE = [
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<@U1>",
    "<@U999|boss>",
    "<#C1>",
    "<#C1|general>",
    "<http://x|y>",
    "<https://evil.example>",
    "<!date^1^{date}|x>",
    "&",
    "&amp;",
    "&lt;",
    ">",
    "<",
    "*bold*",
    "_it_",
    "`code`",
    "\n",
    "🚀",
    "👩🏽‍💻",
    "ß",
    "\u202e",
]

piece = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=30))
user_text = st.one_of(
    st.lists(piece, max_size=12).map("".join),
    st.tuples(st.sampled_from(HOSTILE), st.integers(100, 900)).map(lambda t: t[0] * t[1]),
    # Long strings built by repetition: cheap to generate, still past every Slack limit.
    st.tuples(st.text(min_size=1, max_size=20), st.integers(200, 600)).map(lambda t: t[0] * t[1]),
)
nonblank = user_text.filter(lambda s: s.strip() != "")

AUTHOR = "U1"
# Tokens the bot writes itself: the author's mention and Slack's localised date.
OWN_TOKENS = re.compile(r"<@U1>|<!date\^\d+\^\{date_short\}\|\d{4}-\d{2}-\d{2}>")
FORBIDDEN = ("<!channel>", "<!here>", "<!everyone>", "<@", "<#", "<http")


def strings(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in strings(v)]
    return []


def assert_safe(text: str, blocks: list[dict[str, Any]]) -> None:
    assert message_problems(text, blocks) == []
    for s in [text, *strings(blocks)]:
        stripped = OWN_TOKENS.sub("", s)
        assert "<" not in stripped, s[:300]
        for markup in FORBIDDEN:
            assert markup not in stripped


@settings(max_examples=300, deadline=None)
@given(kind=st.sampled_from(LOGGABLE), text=nonblank, data=st.data())
def test_log_confirmations_of_every_kind(kind, text, data):
    fields = {f.key: data.draw(user_text) for f in SPECS[kind].fields if f.type != "checkbox"}
    fields[SPECS[kind].quick_field] = text
    reply, blocks = logged_blocks(
        kind=kind,
        text=text,
        week=data.draw(st.one_of(st.none(), st.integers(1, 13))),
        enrolled=data.draw(st.booleans()),
        created=data.draw(st.booleans()),
        suggestions=feedback(kind, fields),
    )
    assert_safe(reply, blocks)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_ship_post_and_follow_ups(data):
    fields: dict[str, Any] = {
        f.key: data.draw(user_text) for f in SPECS["ship"].fields if f.type != "checkbox"
    }
    fields["measuring"] = data.draw(st.booleans())
    assert_safe(*ship_post(author=AUTHOR, fields=fields))
    assert_safe(*followup_dm(entry_id=7, built=data.draw(user_text), permalink=None))
    after, note = data.draw(nonblank), data.draw(st.one_of(st.none(), nonblank))
    assert_safe(*followup_reply(author=AUTHOR, after=after, note=note))
    assert_safe(*revisit_dm(entry_id=7, decision=data.draw(user_text), days=28))


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(nonblank, min_size=1, max_size=10), data=st.data())
def test_entries_list(texts, data):
    rows = [
        Entry(
            id=n + 1,
            team_id="T1",
            user_id=AUTHOR,
            kind=data.draw(st.sampled_from([*LOGGABLE, "ship"])),
            text=text,
            fields={},
            program_week=data.draw(st.one_of(st.none(), st.integers(1, 13))),
            created_at=datetime(2026, 11, 23, 9, 30, tzinfo=UTC),
        )
        for n, text in enumerate(texts)
    ]
    assert_safe(*entries_blocks(rows))


def test_the_check_itself_catches_raw_markup():
    """Guard against a vacuous property: unescaped text does trip the assertion."""
    try:
        assert_safe("x", [{"type": "section", "text": {"type": "mrkdwn", "text": "<!here>"}}])
    except AssertionError:
        return
    raise AssertionError("raw <!here> was not caught")
