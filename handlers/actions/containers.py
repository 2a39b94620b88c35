"""Reading where a button was clicked: its value and the message it sits in."""

from __future__ import annotations

from typing import Any


def first_action(body: dict[str, Any]) -> dict[str, Any]:
    """The first action of a block_actions payload ({} when there is none)."""
    actions = body.get("actions")
    first = actions[0] if isinstance(actions, list) and actions else {}
    return first if isinstance(first, dict) else {}


def selected_number(body: dict[str, Any], allowed: range) -> int | None:
    """The number a static select's chosen option names, if it is one of `allowed`."""
    option = first_action(body).get("selected_option")
    value = option.get("value") if isinstance(option, dict) else None
    if isinstance(value, str) and value.isdigit() and int(value) in allowed:
        return int(value)
    return None


def action_value(body: dict[str, Any]) -> str | None:
    """The value of the first action in a block_actions payload."""
    actions = body.get("actions") or []
    value = actions[0].get("value") if actions and isinstance(actions[0], dict) else None
    return value if isinstance(value, str) else None


def source_message(body: dict[str, Any]) -> tuple[str | None, str | None]:
    """(channel id, message ts) of the message holding the button; ts is None for an
    ephemeral message or a view, which chat.update cannot edit."""
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    if container.get("type") != "message" or container.get("is_ephemeral"):
        return channel, None
    ts = container.get("message_ts")
    return channel, ts if isinstance(ts, str) else None
