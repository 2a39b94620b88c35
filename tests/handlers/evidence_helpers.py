"""Helpers shared by the evidence, ship and config scenario tests."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import select

from bot.blocks.evidence import field_ids
from bot.evidence import SPECS
from slack_emulator import message_problems, view_problems
from slack_emulator.slack_requests import select_value, text_value
from storage.models import Entry


def entries(slack, kind: str | None = None) -> list[Entry]:
    with slack.services.db.session() as session:
        query = select(Entry).order_by(Entry.id)
        if kind is not None:
            query = query.where(Entry.kind == kind)
        return list(session.exec(query).all())


def form_values(kind: str, **fields: Any) -> dict[str, dict[str, Any]]:
    """Slack's view state for a kind's form, from field values."""
    spec = SPECS[kind]
    values: dict[str, dict[str, Any]] = {}
    for key, value in fields.items():
        f = spec.field(key)
        block_id, action_id = field_ids(f)
        if f.type == "select":
            values[block_id] = {action_id: select_value(value)}
        elif f.type == "checkbox":
            selected = [{"value": "yes", "text": {"type": "plain_text", "text": "yes"}}]
            values[block_id] = {
                action_id: {"type": "checkboxes", "selected_options": selected if value else []}
            }
        else:
            values[block_id] = {action_id: text_value(value)}
    return values


def select_action(
    slack, action_id: str, value: str, *, user_id: str = "U1", channel_id: str = "C1"
) -> Any:
    """Pick an option of a static select in a message (trigger and response_url issued by
    the emulator, as Slack issues them)."""
    return slack.sender.block_action(
        action_id,
        user_id=user_id,
        block_id="log_evidence",
        channel_id=channel_id,
        message_ts="1.2",
        element={
            "type": "static_select",
            "selected_option": {"value": value, "text": {"type": "plain_text", "text": value}},
        },
    )


def assert_valid_message(params: dict[str, Any]) -> None:
    blocks = params.get("blocks")
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    assert message_problems(params.get("text"), blocks) == []


def assert_valid_view(view: dict[str, Any]) -> None:
    assert view_problems(view) == []
