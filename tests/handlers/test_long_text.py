"""Slash-command text past Slack's own message limit is refused in words, never stored cut."""

from __future__ import annotations

from sqlmodel import func, select

from bot.text import COMMAND_TEXT_LIMIT
from storage.models import Entry


def entries(slack) -> list[str]:
    with slack.services.db.session() as session:
        return [e.text for e in session.exec(select(Entry)).all()]


def entry_count(slack) -> int:
    with slack.services.db.session() as session:
        return session.exec(select(func.count()).select_from(Entry)).one()


def test_a_megabyte_command_is_refused_with_the_limit_and_the_form(slack):
    response = slack.command("log " + "a" * 1_000_000, channel_id="C1")
    assert response.status == 200
    answer = response.json()
    assert answer["response_type"] == "ephemeral"
    assert "40,000" in answer["text"]  # says what the limit is
    assert "/transition log" in answer["text"]  # and offers the form
    assert "not saved" in answer["text"].lower()  # and that nothing was kept
    assert entry_count(slack) == 0


def test_one_character_over_the_limit_is_refused(slack):
    assert COMMAND_TEXT_LIMIT == 40_000
    text = "log " + "b" * (COMMAND_TEXT_LIMIT - 3)
    assert len(text) == COMMAND_TEXT_LIMIT + 1
    assert "40,000" in slack.command(text, channel_id="C1").json()["text"]
    assert entry_count(slack) == 0


def test_text_at_the_limit_is_stored_whole(slack):
    text = "log " + "c" * (COMMAND_TEXT_LIMIT - 4)
    assert "Saved" in slack.command(text, channel_id="C1").json()["text"]
    assert entries(slack) == ["c" * (COMMAND_TEXT_LIMIT - 4)]


def test_the_limit_counts_what_was_typed_not_slacks_escapes(slack):
    # Slack delivers a typed "&" as "&amp;": 30,000 of them arrive as 150,000 characters.
    text = "log " + "&amp;" * 30_000
    assert "Saved" in slack.command(text, channel_id="C1").json()["text"]
    assert entries(slack) == ["&" * 30_000]
