"""canvases.create, canvases.edit, canvases.access.set: standalone canvases, as Slack documents.

Sources (read through the `search` tool):
- https://docs.slack.dev/reference/methods/canvases.create — optional title, document_content
  ({"type": "markdown", "markdown": ...}) and channel_id; "This is a required field for free
  teams"; the new canvas is owned by the acting user (here the bot).
- https://docs.slack.dev/reference/methods/canvases.edit (api.slack.com/methods/canvases.edit) —
  canvas_id and changes (a list of {operation, document_content, section_id}); edits need write
  access.
- https://docs.slack.dev/reference/methods/canvases.access.set — canvas_id, access_level
  (read, write, owner), and exactly one of channel_ids / user_ids, 1 to 20 each
  (invalid_parameters otherwise); "Canvases are only available to Slack workspaces on a paid
  plan"; errors canvas_not_found, user_not_found, channel_not_found.
- /work/shared/slack/README.md: markdown up to 1 MiB per change; free workspaces can't create
  standalone canvases (free_teams_cannot_create_standalone_canvases).
"""

from __future__ import annotations

from typing import Any

from slack_emulator.methods import ApiError, Request, method
from slack_emulator.state import State

MAX_MARKDOWN = 1_048_576  # 1 MiB per document_content
MAX_ENTITIES = 20
ACCESS_LEVELS = ("read", "write", "owner")
OPERATIONS = ("insert_after", "insert_before", "insert_at_start", "insert_at_end", "replace")


def _markdown(content: Any, *, required: bool) -> str:
    """The markdown of a document_content argument, validated."""
    if content is None and not required:
        return ""
    if (
        not isinstance(content, dict)
        or content.get("type") != "markdown"
        or not isinstance(content.get("markdown"), str)
    ):
        raise ApiError(
            "invalid_arguments",
            ['[ERROR] document_content must be {"type": "markdown", "markdown": "..."}'],
        )
    text = str(content["markdown"])
    if len(text) > MAX_MARKDOWN:
        raise ApiError("canvas_creation_failed", ["[ERROR] markdown is over 1 MiB"])
    return text


def _canvas(state: State, req: Request) -> dict[str, Any]:
    canvas = state.canvases.get(req.str_param("canvas_id"))
    if canvas is None or canvas["team_id"] != req.ws.id:
        raise ApiError("canvas_not_found")
    return canvas


def _can_write(canvas: dict[str, Any], actor: str) -> bool:
    return canvas["access"].get(actor) in ("write", "owner") or canvas["creator"] == actor


@method("canvases.create")
def canvases_create(state: State, req: Request) -> dict[str, Any]:
    """A standalone canvas owned by the caller; refused on free plans without a channel."""
    if req.ws.plan == "free" and not req.str_param("channel_id"):
        raise ApiError("free_teams_cannot_create_standalone_canvases")
    markdown = _markdown(req.params.get("document_content"), required=False)
    channel_id = req.str_param("channel_id")
    if channel_id and state.team_channel(req.ws.id, channel_id) is None:
        raise ApiError("channel_not_found")
    canvas_id = state.next_id("F")
    state.canvases[canvas_id] = {
        "id": canvas_id,
        "team_id": req.ws.id,
        "title": req.str_param("title"),
        "markdown": markdown,
        "creator": req.ws.bot_user_id,
        "access": {req.ws.bot_user_id: "owner"},
        "channel_id": channel_id or None,
        "edits": 0,
    }
    return {"canvas_id": canvas_id}


@method("canvases.edit")
def canvases_edit(state: State, req: Request) -> dict[str, Any]:
    """Apply changes to a canvas the caller may write; `replace` without a section_id
    replaces the whole document."""
    canvas = _canvas(state, req)
    if not _can_write(canvas, req.ws.bot_user_id):
        raise ApiError("restricted_action")
    changes = req.params.get("changes")
    if not isinstance(changes, list) or not changes:
        raise ApiError("invalid_arguments", ["[ERROR] changes must be a non-empty JSON array"])
    text = canvas["markdown"]
    for change in changes:
        if not isinstance(change, dict) or change.get("operation") not in OPERATIONS:
            raise ApiError("invalid_arguments", ["[ERROR] unknown operation"])
        if change.get("section_id"):
            raise ApiError("canvas_editing_failed", ["[ERROR] the emulator has no sections"])
        added = _markdown(change.get("document_content"), required=True)
        operation = change["operation"]
        if operation == "replace":
            text = added
        elif operation in ("insert_at_start", "insert_before"):
            text = added + "\n" + text
        else:
            text = text + "\n" + added
    canvas["markdown"] = text
    canvas["edits"] += 1
    return {}


def _id_list(req: Request, name: str) -> list[str] | None:
    """An array argument: a JSON array, or the comma-separated form SDKs send."""
    value = req.params.get(name)
    if value is None:
        return None
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ApiError("invalid_parameters")


@method("canvases.access.set")
def canvases_access_set(state: State, req: Request) -> dict[str, Any]:
    """Give users (or channels) read, write or owner access to a canvas."""
    level = req.str_param("access_level")
    if level not in ACCESS_LEVELS:
        raise ApiError("invalid_arguments", ["[ERROR] access_level must be read, write or owner"])
    users, channels = _id_list(req, "user_ids"), _id_list(req, "channel_ids")
    if (users is None) == (channels is None):
        raise ApiError("invalid_parameters")
    ids = users if users is not None else channels
    if ids is None or not 1 <= len(ids) <= MAX_ENTITIES:
        raise ApiError("invalid_parameters")
    canvas = _canvas(state, req)
    if canvas["access"].get(req.ws.bot_user_id) != "owner":
        raise ApiError("restricted_action")
    if users is not None:
        for user_id in ids:
            user = state.team_user(req.ws.id, str(user_id))
            if user is None or user.deleted:
                raise ApiError("user_not_found")
        for user_id in ids:
            canvas["access"][str(user_id)] = level
    else:
        if level == "owner":
            raise ApiError("invalid_arguments", ["[ERROR] owner is for users only"])
        for channel_id in ids:
            channel = state.team_channel(req.ws.id, str(channel_id))
            if channel is None or channel.is_im:
                raise ApiError("channel_not_found")
        for channel_id in ids:
            canvas["access"][str(channel_id)] = level
    return {}
