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


def test_an_emulator_started_again_never_hands_out_its_last_runs_ids_or_message_ts():
    """Found from outside: the sandbox keeps its database across restarts, but every run
    numbered message ts from 1700000000.000100 and view ids from V0000001, so a DM sent after
    a restart matched the replay key (channel, ts) of one from the run before and was
    answered "Already saved" with the old entry: the new one was lost."""
    from slack_emulator.state import State

    first, second = State(), State()
    first.clock = lambda: 1_764_579_600.0
    second.clock = lambda: 1_764_579_601.0  # started again a second later
    first_ts = [first.next_ts() for _ in range(50)]
    second_ts = [second.next_ts() for _ in range(50)]
    assert not set(first_ts) & set(second_ts)
    assert first_ts == sorted(first_ts, key=float) and len(set(first_ts)) == 50
    assert not {first.next_id("V") for _ in range(50)} & {second.next_id("V") for _ in range(50)}


def test_message_ts_follow_the_emulators_clock_and_never_repeat_when_it_stands_still():
    from slack_emulator.state import State

    state = State()
    state.clock = lambda: 1_764_579_600.0
    assert [state.next_ts() for _ in range(3)] == [
        "1764579600.000000",
        "1764579600.000001",
        "1764579600.000002",
    ]
    state.clock = lambda: 1_764_579_700.5
    assert state.next_ts() == "1764579700.500000"
