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
    """Pick an option of a static select in a message."""
    payload = {
        "type": "block_actions",
        "user": {"id": user_id, "username": user_id.lower(), "team_id": "T1"},
        "api_app_id": "A0TRANSITION",
        "token": "verification-token-unused",
        "trigger_id": f"select.{value}.trigger",
        "team": {"id": "T1", "domain": "acme"},
        "container": {"type": "message", "message_ts": "1.2", "channel_id": channel_id},
        "channel": {"id": channel_id, "name": "transition"},
        "response_url": "https://hooks.slack.com/actions/T1/1/x",
        "state": {"values": {}},
        "actions": [
            {
                "action_id": action_id,
                "block_id": "log_evidence",
                "type": "static_select",
                "selected_option": {
                    "value": value,
                    "text": {"type": "plain_text", "text": value},
                },
                "action_ts": "1.3",
            }
        ],
    }
    return slack.sender.interaction(payload)


def assert_valid_message(params: dict[str, Any]) -> None:
    blocks = params.get("blocks")
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    assert message_problems(params.get("text"), blocks) == []


def assert_valid_view(view: dict[str, Any]) -> None:
    assert view_problems(view) == []
