"""What the emulator stores is its own: a copy no caller's later change can reach."""

from __future__ import annotations

from dataclasses import dataclass

from slack_emulator.state import json_copy


def test_a_copy_is_deep_equal_and_shares_nothing_mutable():
    original = {
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hi ü"}}],
        "n": 3,
        "ratio": 0.5,
        "ok": True,
        "none": None,
        "pair": (1, 2),
    }
    copied = json_copy(original)
    assert copied == original
    assert type(copied["pair"]) is tuple and copied["ok"] is True
    copied["blocks"][0]["text"]["text"] = "changed"
    copied["blocks"].append({})
    assert original["blocks"] == [{"type": "section", "text": {"type": "mrkdwn", "text": "Hi ü"}}]


def test_what_marshal_cannot_copy_is_deep_copied_all_the_same():
    @dataclass
    class Note:
        words: list[str]

    note = Note(["a"])
    [copied] = json_copy([note])
    assert copied == note and copied is not note and copied.words is not note.words
