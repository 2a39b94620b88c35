"""Web API handlers for views (modals, Home tab) and external file uploads."""

from __future__ import annotations

import copy
import time
from typing import Any

from slack_emulator.blockkit import view_problems
from slack_emulator.methods import (
    ApiError,
    Request,
    append_message,
    file_problems,
    method,
    post_target,
)
from slack_emulator.state import APP_ID, State

MAX_VIEW_STACK = 3


def _view_param(state: State, req: Request, kind: str) -> dict[str, Any]:
    view = req.params.get("view")
    if not isinstance(view, dict):
        raise ApiError("invalid_arguments", ["[ERROR] view must be a JSON object [json-pointer:]"])
    problems = view_problems(view) or file_problems(state, req.ws.id, view.get("blocks"))
    if not problems and view.get("type") != kind:
        problems = [f"[ERROR] must be {kind} for {req.method} [json-pointer:/type]"]
    if problems:
        raise ApiError("invalid_arguments", problems)
    return view


def _store_view(
    state: State,
    req: Request,
    view: dict[str, Any],
    *,
    view_id: str | None = None,
    root_view_id: str | None = None,
    previous_view_id: str | None = None,
) -> dict[str, Any]:
    """Save a view the way Slack echoes it back: with id, hash, team_id and empty state."""
    view_id = view_id or state.next_id("V")
    old = state.views.get(view_id, {})
    stored: dict[str, Any] = {
        "private_metadata": "",
        "callback_id": "",
        "external_id": "",
        "clear_on_close": False,
        "notify_on_close": False,
        **copy.deepcopy(view),
        "id": view_id,
        "team_id": req.ws.id,
        "app_id": APP_ID,
        "bot_id": req.ws.bot_id,
        "hash": f"{int(time.time())}.{state.next_id('h')}",
        "state": old.get("state", {"values": {}}),
        "root_view_id": root_view_id or old.get("root_view_id") or view_id,
        "previous_view_id": previous_view_id or old.get("previous_view_id"),
    }
    external_id = stored["external_id"]
    if external_id:
        for other in state.views.values():
            if other["id"] != view_id and other.get("external_id") == external_id:
                raise ApiError("duplicate_external_id")
    state.views[view_id] = stored
    return stored


def _exchange_trigger(state: State, req: Request) -> str:
    """Use up the request's trigger_id; returns the user it was issued for.

    Slack's errors (views.open reference): `invalid_trigger_id` for one it never issued
    (or another team's), `exchanged_trigger_id` when it was already used, and
    `expired_trigger_id` after its 3 seconds.
    """
    trigger = state.triggers.get(req.str_param("trigger_id"))
    if trigger is None or trigger.team_id != req.ws.id:
        raise ApiError("invalid_trigger_id")
    if trigger.used:
        raise ApiError("exchanged_trigger_id")
    if time.monotonic() - trigger.issued > state.trigger_ttl:
        raise ApiError("expired_trigger_id")
    trigger.used = True
    return trigger.user_id


@method("views.open")
def views_open(state: State, req: Request) -> dict[str, Any]:
    """Open a modal as the root of a new stack, for the user who triggered it."""
    view = _view_param(state, req, "modal")
    user_id = _exchange_trigger(state, req)
    stored = _store_view(state, req, view)
    state.view_stacks.append([stored["id"]])
    state.view_owners[stored["id"]] = user_id
    return {"view": copy.deepcopy(stored)}


@method("views.push")
def views_push(state: State, req: Request) -> dict[str, Any]:
    """Push a modal onto the triggering user's open stack (Slack allows 3 deep)."""
    view = _view_param(state, req, "modal")
    user_id = _exchange_trigger(state, req)
    stacks = [s for s in state.view_stacks if state.view_owners.get(s[0]) == user_id]
    if not stacks:
        raise ApiError("not_found", ["[ERROR] no open modal to push onto"])
    stack = stacks[-1]
    if len(stack) >= MAX_VIEW_STACK:
        raise ApiError("push_limit_reached")
    stored = _store_view(state, req, view, root_view_id=stack[0], previous_view_id=stack[-1])
    stack.append(stored["id"])
    state.view_owners[stored["id"]] = user_id
    return {"view": copy.deepcopy(stored)}


@method("views.update")
def views_update(state: State, req: Request) -> dict[str, Any]:
    """Replace a modal or Home view found by view_id or external_id."""
    view_id, external_id = req.str_param("view_id"), req.str_param("external_id")
    if not view_id and not external_id:
        raise ApiError("invalid_arguments", ["[ERROR] view_id or external_id is required"])
    current = state.views.get(view_id) if view_id else None
    if external_id and current is None:
        current = next(
            (v for v in state.views.values() if v.get("external_id") == external_id), None
        )
    if current is None or current["team_id"] != req.ws.id:
        raise ApiError("not_found")
    given_hash = req.str_param("hash")
    if given_hash and given_hash != current["hash"]:
        raise ApiError("hash_conflict")
    view = _view_param(state, req, current["type"])
    return {"view": copy.deepcopy(_store_view(state, req, view, view_id=current["id"]))}


@method("views.publish")
def views_publish(state: State, req: Request) -> dict[str, Any]:
    """Publish a user's Home tab; the view id stays the same across publishes."""
    user = state.team_user(req.ws.id, req.str_param("user_id"))
    if user is None:
        raise ApiError("user_not_found")
    view = _view_param(state, req, "home")
    key = (req.ws.id, user.id)
    view_id = state.home_views.get(key)
    given_hash = req.str_param("hash")
    if given_hash and (view_id is None or state.views[view_id]["hash"] != given_hash):
        raise ApiError("hash_conflict")
    stored = _store_view(state, req, view, view_id=view_id)
    state.home_views[key] = stored["id"]
    return {"view": copy.deepcopy(stored)}


# -- files (the upload URL flow used by files_upload_v2) -------------------------------------


# files.getUploadURLExternal: `length` and `filename` required (`length` 0 answers
# missing_argument), `alt_txt` at most 1000 characters (alt_txt_too_large).
# https://docs.slack.dev/reference/methods/files.getUploadURLExternal
MAX_ALT_TXT = 1000
# Magic numbers of the image types an image block's slack_file may name (png, jpg/jpeg,
# gif): https://docs.slack.dev/reference/block-kit/composition-objects/slack-file-object
IMAGE_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def sniff_mimetype(content: bytes) -> str:
    """The file's type from its first bytes, as Slack sets `mimetype` after processing."""
    for signature, mimetype in IMAGE_SIGNATURES:
        if content.startswith(signature):
            return mimetype
    return "application/octet-stream"


@method("files.getUploadURLExternal")
def files_get_upload_url(state: State, req: Request) -> dict[str, Any]:
    """Hand out an upload URL that points back at the emulator."""
    filename = req.str_param("filename")
    try:
        length = int(req.str_param("length"))
    except ValueError:
        length = -1
    if not filename or length < 0:
        raise ApiError("invalid_arguments", ["[ERROR] filename and length are required"])
    if length == 0:
        raise ApiError("missing_argument")
    alt_txt = req.str_param("alt_txt")
    if len(alt_txt) > MAX_ALT_TXT:
        raise ApiError("alt_txt_too_large")
    # F + 8 or more: Slack refuses a slack_file id not matching ^[F][A-Z0-9]{8,}$ (seen in
    # its invalid_blocks answers, slackapi/python-slack-sdk#1521).
    file_id = state.next_id("F0")
    state.files[file_id] = {
        "filename": filename,
        "title": None,
        "alt_txt": alt_txt or None,
        "content": b"",
        "mimetype": None,
        "channel_id": None,
        "length": length,
        "uploaded": False,
        "completed": False,
        "team_id": req.ws.id,
        "url_private": f"{req.root_url}/files-pri/{req.ws.id}-{file_id}/{filename}",
    }
    return {"upload_url": f"{req.root_url}/upload/{file_id}", "file_id": file_id}


@method("files.completeUploadExternal")
def files_complete_upload(state: State, req: Request) -> dict[str, Any]:
    """Finish uploads and share them (as one message) in a channel when one is given;
    without a channel the file stays private to the app ("If not specified the file will
    be private": https://docs.slack.dev/reference/methods/files.completeUploadExternal)."""
    files = req.params.get("files")
    if not isinstance(files, list) or not files:
        raise ApiError("invalid_arguments", ["[ERROR] files must be a JSON array"])
    records = []
    for item in files:
        file_id = item.get("id") if isinstance(item, dict) else None
        record = state.files.get(file_id or "")
        if record is None or record["team_id"] != req.ws.id or not record["uploaded"]:
            raise ApiError("file_not_found")
        records.append((file_id, item, record))
    channel_id = req.str_param("channel_id") or req.str_param("channels").split(",")[0]
    channel = post_target(state, req.ws, channel_id) if channel_id else None
    out = []
    for file_id, item, record in records:
        record["title"] = item.get("title") or record["filename"]
        record["completed"] = True
        record["mimetype"] = sniff_mimetype(record["content"])
        record["channel_id"] = channel.id if channel else None
        out.append(
            {
                "id": file_id,
                "name": record["filename"],
                "title": record["title"],
                "size": len(record["content"]),
                "mimetype": record["mimetype"],
                "url_private": record["url_private"],
                "alt_txt": record["alt_txt"],
                "user": req.ws.bot_user_id,
                "channels": [channel.id] if channel else [],
            }
        )
    if channel is not None:
        message = {
            "type": "message",
            "ts": state.next_ts(),
            "user": req.ws.bot_user_id,
            "bot_id": req.ws.bot_id,
            "app_id": APP_ID,
            "text": req.str_param("initial_comment"),
            "blocks": [],
            "thread_ts": req.str_param("thread_ts") or None,
            "team": req.ws.id,
            "files": [{"id": f["id"], "name": f["name"], "title": f["title"]} for f in out],
        }
        append_message(state, channel.id, message)
    return {"files": out}


@method("files.delete")
def files_delete(state: State, req: Request) -> dict[str, Any]:
    """Delete one of the app's files (file_not_found for another team's or an unknown id):
    https://docs.slack.dev/reference/methods/files.delete"""
    file_id = req.str_param("file")
    record = state.files.get(file_id)
    if record is None or record["team_id"] != req.ws.id:
        raise ApiError("file_not_found")
    del state.files[file_id]
    return {}
