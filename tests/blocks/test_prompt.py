"""The weekly prompt renderer: every week of every built-in program stays within Slack's limits."""

from __future__ import annotations

import itertools

import pytest

from bot.blocks import ids
from bot.blocks.common import slack_date
from bot.blocks.prompt import (
    PromptRef,
    completion_message,
    parse_checklist_value,
    preview,
    snoozed,
    weekly_prompt,
)
from bot.blocks.reminders import nudge_message
from bot.kinds import BACKGROUNDS, ENTRY_KINDS
from bot.programs import Program
from slack_emulator import message_problems

PROGRAM_IDS = ["product-engineer", "engineer-to-pm"]
BIG_LOGGED = {kind: 10**9 + i for i, kind in enumerate(ENTRY_KINDS)}


def action_ids(blocks) -> list[str]:
    return [
        element["action_id"]
        for block in blocks
        if block["type"] == "actions"
        for element in block["elements"]
    ]


def rendered(blocks) -> str:
    """Every piece of text in the blocks, one per line."""
    out: list[str] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                out.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(blocks)
    return "\n".join(out)


@pytest.mark.parametrize("program_id", PROGRAM_IDS)
def test_every_week_background_and_state_renders_within_limits(programs, program_id):
    program = programs[program_id]
    backgrounds = [*BACKGROUNDS, None]
    for week, background, done, logged in itertools.product(
        range(1, program.weeks + 1), backgrounds, (True, False), ({}, BIG_LOGGED)
    ):
        text, blocks = weekly_prompt(
            program, week, background=background, logged=logged, deliverable_done=done
        )
        phase = program.phase_for_week(week)
        assert message_problems(text, blocks) == [], (week, background, done)
        assert 0 < len(text) <= 300
        body = rendered(blocks)
        assert phase.goal[:60] in body
        assert phase.deliverable.title in body
        assert f"Week {week} of {program.weeks}" in blocks[0]["text"]["text"]
        for activity in phase.activities:
            assert activity[:50] in body
        [log_row] = [b for b in blocks if b["type"] == "actions"]
        offered = [
            e["value"] for e in log_row["elements"] if ids.OPEN_KIND_FORM_ANY.match(e["action_id"])
        ]
        assert offered == phase.deliverable.evidence_kinds[:4]
        assert ids.SNOOZE_PROMPT in action_ids(blocks)
        boxes = [b for b in blocks if b.get("accessory", {}).get("type") == "checkboxes"]
        assert len(boxes) == len(phase.activities)
        focus = phase.focus_of(week)
        assert focus and focus[:50] in body
        assert (ids.MARK_DELIVERABLE_DONE in action_ids(blocks)) is not done
        if done:
            assert "Deliverable done" in body
        tip = phase.tips.get(background) if background else None
        if tip:
            assert tip[:60] in body
        else:
            assert "Tip for your background" not in body
    finished = completion_message(program)
    assert message_problems(*finished) == []


def test_last_week_of_a_phase_says_due_and_counts_evidence(programs):
    program = programs["product-engineer"]
    logged = {"customer_insight": 1234, "problem_statement": 2, "decision": 99}
    _, blocks = weekly_prompt(program, 4, background=None, logged=logged, deliverable_done=False)
    body = rendered(blocks)
    assert "Due this week" in body
    assert "Customer insight: *1,234*" in body
    assert "Problem statement: *2*" in body
    assert "Decision journal" not in body  # not evidence for this phase's deliverable

    _, first_week = weekly_prompt(
        program, 3, background=None, logged=logged, deliverable_done=False
    )
    body = rendered(first_week)
    assert "Due at the end of week 4 (next week)" in body
    assert "Due this week" not in body


def test_one_week_phase_is_due_the_same_week(programs):
    program = programs["engineer-to-pm"]
    phase = program.phase_for_week(1)
    assert len(phase.weeks) == 1
    _, blocks = weekly_prompt(program, 1, background="frontend", logged={}, deliverable_done=False)
    body = rendered(blocks)
    assert "Due this week" in body
    assert "Decision journal: *0*" in body
    assert phase.tips["frontend"][:50] in body


def test_done_deliverable_shows_done_and_no_due_reminder(programs):
    program = programs["product-engineer"]
    _, blocks = weekly_prompt(program, 4, background=None, logged={}, deliverable_done=True)
    body = rendered(blocks)
    assert "Deliverable done" in body
    assert "Due this week" not in body
    assert ids.MARK_DELIVERABLE_DONE not in action_ids(blocks)


def test_buttons_carry_program_phase_and_week(programs):
    program = programs["product-engineer"]
    _, blocks = weekly_prompt(program, 5, background=None, logged={}, deliverable_done=False)
    [actions] = [b for b in blocks if b["type"] == "actions"]
    values = {e["action_id"]: e.get("value") for e in actions["elements"]}
    ref = PromptRef.parse(values[ids.MARK_DELIVERABLE_DONE])
    assert ref == PromptRef("product-engineer", "first-bet", 5)
    assert PromptRef.parse(values[ids.SNOOZE_PROMPT]) == ref
    for bad in ("", "x", "a:b", "A:b:1", "a:b:c", "a:b:1:2", "a b:c:1"):
        assert PromptRef.parse(bad) is None


def test_past_the_end_gets_the_completion_message(programs):
    for program in (programs[p] for p in PROGRAM_IDS):
        text, blocks = weekly_prompt(
            program, program.weeks + 1, background=None, logged={}, deliverable_done=False
        )
        assert (text, blocks) == completion_message(program)
        assert "finished" in text
        for line in program.horizon:
            assert line[:50] in rendered(blocks)
        assert message_problems(text, blocks) == []
    with pytest.raises(ValueError):
        weekly_prompt(
            programs["product-engineer"], 0, background=None, logged={}, deliverable_done=False
        )


def hostile_program() -> Program:
    """A coach's program with markup in every field and far more text than usual."""
    evil = "<!channel> & <@U1> <https://x.example|y> "
    line = (evil * 20)[:300]
    phase = {
        "key": "only",
        "title": (evil * 10)[:150],
        "first_week": 1,
        "last_week": 2,
        "period": evil,
        "goal": line,
        "why": line,
        "activities": [line] * 8,  # the most a phase may have: each is a block of its own
        "focus": [line, line],
        "deliverable": {
            "title": (evil * 10)[:150],
            "description": (evil * 30)[:600],
            "done_when": [line] * 60,
            "evidence_kinds": list(ENTRY_KINDS),
        },
        "tips": {key: line for key in BACKGROUNDS},
    }
    return Program.model_validate(
        {
            "id": "hostile",
            "title": (evil * 10)[:150],
            "summary": line,
            "weeks": 2,
            "phases": [phase],
            "horizon": [line] * 40,
        }
    )


def test_hostile_and_huge_program_text_is_escaped_and_within_limits():
    program = hostile_program()
    for week in (1, 2, 3):
        text, blocks = weekly_prompt(
            program, week, background="backend", logged=BIG_LOGGED, deliverable_done=False
        )
        assert message_problems(text, blocks) == []
        assert len(text) <= 300
        body = rendered(blocks) + text
        for raw in ("<!channel>", "<@U1>", "<https://"):
            assert raw not in body
        assert "more." in body  # long lists are cut with a count, never silently
        note_text, note_blocks = snoozed(text, blocks, post_at=1_800_000_000, fallback="x")
        assert message_problems(note_text, note_blocks) == []


def test_snoozed_adds_a_date_line_and_drops_the_snooze_button(programs):
    program = programs["product-engineer"]
    text, blocks = weekly_prompt(program, 3, background=None, logged={}, deliverable_done=False)
    new_text, new_blocks = snoozed(text, blocks, post_at=1_795_420_800, fallback="Tue <9:00>")
    assert new_blocks[0]["type"] == "context"
    assert (
        "<!date^1795420800^{date_long_pretty} at {time}|Tue &lt;9:00&gt;>"
        in new_blocks[0]["elements"][0]["text"]
    )
    assert ids.SNOOZE_PROMPT not in action_ids(new_blocks)
    assert ids.MARK_DELIVERABLE_DONE in action_ids(new_blocks)
    assert new_blocks[1:] != blocks and len(new_blocks) == len(blocks) + 1
    assert new_text.startswith("Snoozed")
    assert message_problems(new_text, new_blocks) == []


def test_slack_date_format():
    assert slack_date(1700000000, "{date_short_pretty} at {time}", "Nov 14") == (
        "<!date^1700000000^{date_short_pretty} at {time}|Nov 14>"
    )
    assert slack_date(1, "{time}", "a|b>c") == "<!date^1^{time}|a|b&gt;c>"


def test_fallbacks_never_split_an_escape():
    program = hostile_program()
    text, blocks = weekly_prompt(program, 1, background=None, logged={}, deliverable_done=False)
    wrapped = [
        snoozed(text, blocks, post_at=1, fallback="x")[0],
        preview(text, blocks, weekday=0, hour=9)[0],
    ]
    for fallback in [text, *wrapped]:
        assert len(fallback) <= 300
        for at in (i for i, char in enumerate(fallback) if char == "&"):
            assert fallback[at:].startswith(("&amp;", "&lt;", "&gt;")), fallback[at:]


def test_each_week_of_a_phase_has_its_own_focus(programs):
    """Week 2 of a two-week phase does not repeat week 1 word for word."""
    for program in (programs[p] for p in PROGRAM_IDS):
        for phase in program.phases:
            if len(phase.weeks) < 2:
                continue
            first, second = (
                rendered(weekly_prompt(program, w, background=None, logged={},
                                       deliverable_done=False)[1])
                for w in phase.weeks[:2]
            )  # fmt: skip
            assert first != second
            assert phase.focus_of(phase.weeks[0]) != phase.focus_of(phase.weeks[1])


def test_the_checklist_shows_ticked_boxes_ticked(programs):
    program = programs["product-engineer"]
    _, blocks = weekly_prompt(
        program, 2, background=None, logged={}, deliverable_done=False, checked=frozenset({1})
    )
    boxes = [b for b in blocks if b.get("accessory", {}).get("type") == "checkboxes"]
    assert [bool(b["accessory"].get("initial_options")) for b in boxes] == [
        i == 1 for i in range(len(boxes))
    ]
    ref, index = parse_checklist_value(boxes[1]["block_id"].removeprefix(ids.CHECKLIST_BLOCK))
    assert (ref, index) == (PromptRef("product-engineer", "observe", 2), 1)
    for bad in (
        "",
        "product-engineer:observe:2",
        "product-engineer:observe:2#x",
        "a#1",
        "a:b:1#99",
    ):
        assert parse_checklist_value(bad) is None


def test_log_buttons_offer_what_counts_toward_the_deliverable(programs):
    program = programs["product-engineer"]
    _, blocks = weekly_prompt(program, 3, background=None, logged={}, deliverable_done=False)
    labels = [e["text"]["text"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert labels[:2] == ["Log a problem statement", "Log a customer insight"]


def test_the_nudge_carries_the_prompts_buttons(programs):
    program = programs["product-engineer"]
    phase = program.phase_for_week(4)
    text, blocks = nudge_message(program, phase)
    assert message_problems(text, blocks) == []
    [row] = [b for b in blocks if b["type"] == "actions"]
    by_id = {e["action_id"]: e.get("value") for e in row["elements"]}
    assert PromptRef.parse(by_id[ids.MARK_DELIVERABLE_DONE]) == PromptRef(
        "product-engineer", "customer-contact", 4
    )
    kinds = [e["value"] for e in row["elements"] if ids.OPEN_KIND_FORM_ANY.match(e["action_id"])]
    assert kinds == phase.deliverable.evidence_kinds
