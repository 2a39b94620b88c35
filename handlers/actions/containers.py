"""Reading where a button was clicked: its value and the message it sits in."""

from __future__ import annotations

from typing import Any


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
