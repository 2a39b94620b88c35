"""Shared steps for prompt scenario tests: enroll someone and deliver their weekly prompt."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.blocks import ids
from bot.blocks.prompt import PromptRef
from bot.services.enrollment import join
from bot.services.prompt_state import prompt_state
from handlers.prompt_messages import render_state

HOSTILE = "<!channel> ping <@U123> & <!here> <https://evil.example|click> &amp; <#C999>"


def enroll(
    slack: Any,
    user_id: str = "U1",
    *,
    program_id: str = "product-engineer",
    timezone: str = "Europe/Berlin",
    start: date = date(2026, 11, 9),
    background: str = "backend",
) -> None:
    join(
        slack.services,
        team_id="T1",
        user_id=user_id,
        program_id=program_id,
        background=background,
        start_date=start,
        timezone=timezone,
    )


def deliver_prompt(slack: Any, user_id: str = "U1") -> tuple[str, str]:
    """Post the participant's current weekly prompt to their DM, as the scheduler does."""
    state = prompt_state(slack.services, team_id="T1", user_id=user_id)
    assert state is not None
    text, blocks = render_state(state)
    posted = slack.outbound("T1").post(user_id, text, blocks)
    return posted.channel, posted.ts


def button_value(blocks: list[dict[str, Any]], action_id: str) -> str:
    for block in blocks:
        if block.get("block_id") == ids.PROMPT_ACTIONS:
            for element in block["elements"]:
                if element["action_id"] == action_id:
                    return element["value"]
    raise AssertionError(f"no {action_id} button")


def message(slack: Any, channel: str, ts: str) -> dict[str, Any]:
    [found] = [m for m in slack.emulator.messages(channel) if m["ts"] == ts]
    return found


def ref_of(slack: Any, channel: str, ts: str) -> PromptRef:
    ref = PromptRef.parse(button_value(message(slack, channel, ts)["blocks"], ids.SNOOZE_PROMPT))
    assert ref is not None
    return ref


def assert_no_markup(text: str) -> None:
    for raw in ("<!channel>", "<!here>", "<@U123>", "<https://", "<#C999>"):
        assert raw not in text
