"""Prompts that move: a checklist that remembers, buttons for what counts, a nudge that acts."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from bot.blocks import ids
from bot.services.prompt_state import prompt_state
from storage.models import ChecklistTick
from tests.handlers.prompts_helpers import deliver_prompt, enroll, message


def boxes(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [b for b in blocks if b.get("accessory", {}).get("type") == "checkboxes"]


def click_box(slack: Any, channel: str, ts: str, index: int, *, ticked: bool, user_id: str = "U1"):
    block = boxes(message(slack, channel, ts)["blocks"])[index]
    box = block["accessory"]
    response = slack.sender.block_action(
        box["action_id"],
        user_id=user_id,
        block_id=block["block_id"],
        channel_id=channel,
        message_ts=ts,
        element={"type": "checkboxes", "selected_options": box["options"] if ticked else []},
    )
    assert response.status == 200 and response.elapsed < 3.0
    return response


def ticks(slack: Any) -> list[tuple[str, str, int]]:
    with slack.services.db.session() as session:
        rows = session.exec(select(ChecklistTick)).all()
        return sorted((r.user_id, r.phase_key, r.item) for r in rows)


def test_a_ticked_box_is_remembered_and_shown_ticked_next_time(slack_transport):
    slack = slack_transport
    enroll(slack)  # started 9 November: week 3 on the 23rd, the first week of customer-contact
    channel, ts = deliver_prompt(slack)
    assert [bool(b["accessory"].get("initial_options")) for b in boxes(
        message(slack, channel, ts)["blocks"])] == [False] * 5  # fmt: skip
    click_box(slack, channel, ts, 1, ticked=True)
    click_box(slack, channel, ts, 2, ticked=True)
    assert ticks(slack) == [("U1", "customer-contact", 1), ("U1", "customer-contact", 2)]
    click_box(slack, channel, ts, 2, ticked=False)  # unticked: Slack sends no options
    assert ticks(slack) == [("U1", "customer-contact", 1)]
    click_box(slack, channel, ts, 1, ticked=True)  # a second click changes nothing
    assert ticks(slack) == [("U1", "customer-contact", 1)]

    # Next week's prompt (same phase) shows what was ticked.
    state = prompt_state(slack.services, team_id="T1", user_id="U1", week=4)
    assert state is not None and state.checked == frozenset({1})
    channel, ts = deliver_prompt(slack)
    shown = [bool(b["accessory"].get("initial_options")) for b in boxes(
        message(slack, channel, ts)["blocks"])]  # fmt: skip
    assert shown == [False, True, False, False, False]


def test_a_box_that_is_not_the_members_stores_nothing(slack):
    enroll(slack)
    channel, ts = deliver_prompt(slack)
    block = boxes(message(slack, channel, ts)["blocks"])[0]
    forged = [
        block["block_id"].replace("customer-contact", "no-such-phase"),
        block["block_id"].replace("product-engineer", "engineer-to-pm"),
        block["block_id"].replace("#0", "#7"),  # the phase has five activities
        "checklist_garbage",
        "somebody_elses_block",
    ]
    for block_id in forged:
        response = slack.sender.block_action(
            ids.CHECKLIST_ITEM,
            user_id="U1",
            block_id=block_id,
            channel_id=channel,
            message_ts=ts,
            element={"type": "checkboxes", "selected_options": block["accessory"]["options"]},
        )
        assert response.status == 200
    # Someone not enrolled clicking a forwarded copy stores nothing either.
    click_box(slack, channel, ts, 0, ticked=True, user_id="U9")
    assert ticks(slack) == []


def test_the_log_buttons_open_the_form_of_each_kind_that_counts(slack_transport):
    slack = slack_transport
    enroll(slack)
    channel, ts = deliver_prompt(slack)
    [row] = [b for b in message(slack, channel, ts)["blocks"] if b["type"] == "actions"]
    kind_buttons = [e for e in row["elements"] if ids.OPEN_KIND_FORM_ANY.match(e["action_id"])]
    assert [e["text"]["text"] for e in kind_buttons] == [
        "Log a problem statement",
        "Log a customer insight",
    ]
    for element in kind_buttons:
        response = slack.sender.block_action(
            element["action_id"],
            user_id="U1",
            value=element["value"],
            block_id=row["block_id"],
            channel_id=channel,
            message_ts=ts,
        )
        assert response.status == 200
        view = slack.opened_view()
        assert element["value"] in view["private_metadata"] + view["callback_id"]
