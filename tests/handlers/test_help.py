"""`/transition`, `help` and unknown words."""

from __future__ import annotations

import pytest

from slack_emulator import message_problems
from slack_emulator.slack_requests import typed


@pytest.mark.parametrize("text", ["", "help", "HELP", "?"])
def test_help_lists_the_commands(slack, text):
    body = slack.command(text).json()
    rendered = str(body["blocks"])
    for command in ("join", "log", "status"):
        assert f"/transition {command}" in rendered
    assert message_problems(body["text"], body["blocks"]) == []


def test_unknown_word_gets_usage_help_not_an_error(slack):
    response = slack.command("frobnicate the roadmap")
    assert response.status == 200
    body = response.json()
    assert "I don't know `frobnicate` yet" in str(body["blocks"])
    assert "/transition log" in str(body["blocks"])


def test_unknown_word_that_looks_like_a_mention_is_shown_as_text(slack):
    body = slack.command(typed("<!here>")).json()
    rendered = str(body["blocks"])
    assert "<!here>" not in rendered
    assert "&lt;!here&gt;" in rendered


def test_usage_placeholders_are_escaped_for_mrkdwn():
    """Found by the fuzzer: a raw `<text>` in mrkdwn is a Slack control sequence, not text."""
    from bot.blocks.help import help_blocks

    _, blocks = help_blocks()
    usage = str(blocks)
    assert "<text>" not in usage and "<kind>" not in usage
    assert "`/transition log &lt;text&gt;`" in usage


def test_preview_usage_and_empty_entries_escape_their_placeholders(programs):
    """Found by the fuzzer: the same raw `<...>` placeholders in two more replies."""
    from bot.blocks.evidence import entries_blocks
    from bot.blocks.prompt import preview_usage

    for text, blocks in (preview_usage(programs), entries_blocks([])):
        shown = text + str(blocks)
        assert "<" not in shown and "&lt;" in shown
