"""Reading values out of a submitted view's state."""

from __future__ import annotations

import json
from typing import Any

from bot.blocks.evidence import field_ids
from bot.evidence import KindSpec
from bot.text import without_nul


def _element(view: dict[str, Any], ids: tuple[str, str]) -> dict[str, Any]:
    """One input's submitted state, view.state.values[block_id][action_id] ({} when absent;
    the edge has checked that what is there is an object)."""
    block_id, action_id = ids
    element = view.get("state", {}).get("values", {}).get(block_id, {}).get(action_id)
    return element if isinstance(element, dict) else {}


def state_value(view: dict[str, Any], ids: tuple[str, str]) -> str | None:
    """The submitted value of one input (text, select, date or conversation), stripped; None
    when empty."""
    element = _element(view, ids)
    value: Any = element.get("value")
    if value is None and isinstance(element.get("selected_option"), dict):
        value = element["selected_option"].get("value")
    if value is None:
        value = element.get("selected_date")
    if value is None:
        value = element.get("selected_conversation")
    if not isinstance(value, str):
        return None
    return without_nul(value).strip() or None


def checked(view: dict[str, Any], ids: tuple[str, str]) -> bool:
    """Whether a checkboxes input was submitted with anything ticked."""
    return bool(_element(view, ids).get("selected_options"))


def metadata(view: dict[str, Any]) -> dict[str, Any]:
    """The private_metadata we stored as JSON, or {} when missing or malformed."""
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


def spec_values(spec: KindSpec, view: dict[str, Any]) -> dict[str, Any]:
    """A kind's submitted fields: text stripped (None when empty), checkboxes as bools.

    A field edited in several inputs (too long for one) is joined back with the characters
    it was cut at (the form's private_metadata keeps them), so nothing is lost.
    """
    values: dict[str, Any] = {}
    state = view.get("state", {}).get("values", {})
    splits = metadata(view).get("splits")
    splits = splits if isinstance(splits, dict) else {}
    for f in spec.fields:
        block_id, action_id = field_ids(f)
        if f.type == "checkbox":
            element = state.get(block_id, {}).get(action_id) or {}
            values[f.key] = bool(element.get("selected_options"))
            continue
        separators = splits.get(f.key)
        if not isinstance(separators, list):
            values[f.key] = state_value(view, (block_id, action_id))
            continue
        parts = [_raw_value(view, field_ids(f, n)) for n in range(1, len(separators) + 2)]
        joined = parts[0] + "".join(
            str(sep) + part for sep, part in zip(separators, parts[1:], strict=True)
        )
        values[f.key] = without_nul(joined).strip() or None
    return values


def _raw_value(view: dict[str, Any], ids: tuple[str, str]) -> str:
    """One text input's value exactly as submitted ("" when empty)."""
    value = _element(view, ids).get("value")
    return value if isinstance(value, str) else ""


def required_errors(spec: KindSpec, values: dict[str, Any]) -> dict[str, str]:
    """block_id -> message for every required field left empty."""
    return {
        field_ids(f)[0]: "This one is needed."
        for f in spec.fields
        if not f.optional and f.type != "checkbox" and not values.get(f.key)
    }
