"""Block Kit limit checks, without HTTP."""

from __future__ import annotations

import pytest

from slack_emulator import message_problems, view_problems


def plain(text: str) -> dict:
    return {"type": "plain_text", "text": text}


def mrkdwn(text: str) -> dict:
    return {"type": "mrkdwn", "text": text}


def button(action_id: str = "go", text: str = "Go", **extra: object) -> dict:
    return {"type": "button", "action_id": action_id, "text": plain(text), **extra}


def options(n: int, text_len: int = 5, value_len: int = 5) -> list[dict]:
    return [{"text": plain("t" * text_len), "value": f"{i:0{value_len}d}"} for i in range(n)]


def select(opts: list[dict]) -> dict:
    return {"type": "static_select", "action_id": "pick", "options": opts}


def input_block(element: dict) -> dict:
    return {"type": "input", "block_id": "in", "label": plain("Label"), "element": element}


def modal(blocks: list[dict], **extra: object) -> dict:
    return {
        "type": "modal",
        "title": plain("Title"),
        "submit": plain("Save"),
        "blocks": blocks,
        **extra,
    }


def pointers(problems: list[str]) -> list[str]:
    return [p.rsplit("[json-pointer:", 1)[1].rstrip("]") for p in problems]


def test_a_rich_valid_message_has_no_problems() -> None:
    blocks = [
        {"type": "header", "text": plain("Week 3")},
        {"type": "section", "text": mrkdwn("*Focus*"), "accessory": button()},
        {"type": "section", "fields": [mrkdwn("a")] * 10},
        {"type": "divider"},
        {"type": "context", "elements": [mrkdwn("x")] * 10},
        {"type": "actions", "elements": [button(f"b{i}") for i in range(25)]},
        {"type": "actions", "elements": [select(options(100, 75, 150))]},
        {"type": "image", "image_url": "https://example.com/a.png", "alt_text": "a"},
        {"type": "rich_text", "elements": []},
        {"type": "markdown", "text": "m" * 12_000},
    ]
    assert message_problems("fallback", blocks) == []
    assert message_problems("only text", None) == []


@pytest.mark.parametrize(
    ("block", "pointer"),
    [
        ({"type": "header", "text": plain("h" * 151)}, "/blocks/0/text/text"),
        ({"type": "header", "text": mrkdwn("h")}, "/blocks/0/text/type"),
        ({"type": "section", "text": mrkdwn("")}, "/blocks/0/text/text"),
        ({"type": "section"}, "/blocks/0"),
        ({"type": "section", "fields": [mrkdwn("a")] * 11}, "/blocks/0/fields"),
        ({"type": "section", "fields": [mrkdwn("a" * 2001)]}, "/blocks/0/fields/0/text"),
        ({"type": "context", "elements": [mrkdwn("x")] * 11}, "/blocks/0/elements"),
        (
            {"type": "actions", "elements": [button(f"b{i}") for i in range(26)]},
            "/blocks/0/elements",
        ),
        (
            {"type": "actions", "elements": [button("same"), button("same")]},
            "/blocks/0/elements/1/action_id",
        ),
        ({"type": "actions", "elements": [button("a" * 256)]}, "/blocks/0/elements/0/action_id"),
        (
            {"type": "actions", "elements": [button(value="v" * 2001)]},
            "/blocks/0/elements/0/value",
        ),
        (
            {"type": "actions", "elements": [button(url="https://x/" + "u" * 3000)]},
            "/blocks/0/elements/0/url",
        ),
        (
            {"type": "actions", "elements": [select(options(101))]},
            "/blocks/0/elements/0/options",
        ),
        (
            {"type": "actions", "elements": [select(options(1, text_len=76))]},
            "/blocks/0/elements/0/options/0/text/text",
        ),
        (
            {"type": "actions", "elements": [select(options(1, value_len=151))]},
            "/blocks/0/elements/0/options/0/value",
        ),
        ({"type": "divider", "block_id": "b" * 256}, "/blocks/0/block_id"),
        ({"type": "markdown", "text": "m" * 12_001}, "/blocks/0/text"),
        (input_block({"type": "plain_text_input", "action_id": "a"}), "/blocks/0/type"),
        ({"type": "video"}, "/blocks/0/type"),
    ],
)
def test_message_block_limits(block: dict, pointer: str) -> None:
    problems = message_problems("fallback", [block])
    assert pointer in pointers(problems), problems


def test_message_text_rules() -> None:
    assert pointers(message_problems(None, None)) == ["/text"]
    assert pointers(message_problems("x" * 40_001, None)) == ["/text"]
    assert message_problems("x", [{"type": "divider"}] * 50) == []
    assert message_problems("x", [{"type": "divider"}] * 51) == [
        "[ERROR] no more than 50 items allowed [json-pointer:/blocks]"
    ]


def test_a_valid_modal_and_home_have_no_problems() -> None:
    view = modal(
        [input_block({"type": "plain_text_input", "action_id": "a", "max_length": 3000})]
        + [{"type": "divider"}] * 99,
        close=plain("c" * 24),
        private_metadata="p" * 3000,
        callback_id="c" * 255,
    )
    assert view_problems(view) == []
    assert view_problems({"type": "home", "blocks": [{"type": "divider"}] * 100}) == []


@pytest.mark.parametrize(
    ("view", "pointer"),
    [
        (modal([], title=plain("t" * 25)), "/title/text"),
        (modal([], title=mrkdwn("t")), "/title/type"),
        (modal([], submit=plain("s" * 25)), "/submit/text"),
        (modal([], close=plain("c" * 25)), "/close/text"),
        (modal([], private_metadata="p" * 3001), "/private_metadata"),
        (modal([], callback_id="c" * 256), "/callback_id"),
        (modal([{"type": "divider"}] * 101), "/blocks"),
        (
            modal(
                [input_block({"type": "plain_text_input", "action_id": "a", "max_length": 3001})]
            ),
            "/blocks/0/element/max_length",
        ),
        (modal([{"type": "markdown", "text": "m"}]), "/blocks/0/type"),
        (
            modal([{"type": "divider", "block_id": "x"}, {"type": "divider", "block_id": "x"}]),
            "/blocks/1/block_id",
        ),
        (
            {"type": "modal", "title": plain("T"), "blocks": [input_block(select(options(2)))]},
            "/submit",
        ),
        ({"type": "workflow", "blocks": []}, "/type"),
    ],
)
def test_view_limits(view: dict, pointer: str) -> None:
    problems = view_problems(view)
    assert pointer in pointers(problems), problems


def test_problem_format_matches_slack() -> None:
    blocks = [{"type": "section", "text": mrkdwn("x" * 3001)}]
    assert message_problems("x", blocks) == [
        "[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]"
    ]
