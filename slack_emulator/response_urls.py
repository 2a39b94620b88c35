"""The response_urls the emulator hands out with slash commands and button clicks.

Slack lets an app answer an interaction through its response_url "up to 5 times within 30
minutes" (slash command docs), as an ephemeral message (the default) or in the channel, and
use it to replace or delete the message the interaction came from "regardless of whether it
was an ephemeral message or not" (docs.slack.dev/messaging/modifying-messages). Slack does
not document the error answers for a used-up or expired URL; incoming webhooks answer 404
`no_service` for a hook that is "disabled, removed, or invalid" and 400 `invalid_payload`
for a body that "cannot be understood", so the emulator answers with those codes.
"""

from __future__ import annotations

import copy
import json
import time
from typing import Any

from slack_emulator.blockkit import MAX_FALLBACK_TEXT, message_problems
from slack_emulator.methods import append_message, file_problems
from slack_emulator.state import APP_ID, RESPONSE_URL_USES, RecordedCall, ResponseUrl, State

Answer = tuple[int, dict[str, Any]]


def answer_response_url(state: State, key: str, body: bytes, content_type: str | None) -> Answer:
    """Apply one POST to a response_url; recorded as method "response_url"."""
    try:
        payload = json.loads(body or b"null")
    except ValueError:
        payload = None
    with state.lock:
        record = state.response_urls.get(key)
        status, answer = _apply(state, record, payload)
        state.record(
            RecordedCall(
                method="response_url",
                params=copy.deepcopy(payload) if isinstance(payload, dict) else {},
                token=None,
                team_id=record.team_id if record else None,
                status=status,
                response=answer,
                at=time.time(),
                url=f"/respond/{key}",
            )
        )
    return status, answer


def _refused(status: int, error: str, why: str) -> Answer:
    return status, {"ok": False, "error": error, "response_metadata": {"messages": [why]}}


def _apply(state: State, record: ResponseUrl | None, payload: Any) -> Answer:
    if record is None:
        return _refused(404, "no_service", "[ERROR] this response_url was never issued")
    if time.monotonic() - record.issued > state.response_url_ttl:
        return _refused(404, "no_service", "[ERROR] response_url expired (30 minutes)")
    if record.uses >= RESPONSE_URL_USES:
        return _refused(404, "no_service", "[ERROR] response_url already used 5 times")
    if not isinstance(payload, dict):
        return _refused(400, "invalid_payload", "[ERROR] the body must be a JSON object")
    if payload.get("delete_original"):
        record.uses += 1
        _delete_source(state, record)
        return 200, {"ok": True}
    text, blocks = payload.get("text"), payload.get("blocks")
    if blocks is not None and not isinstance(blocks, list):
        return _refused(400, "invalid_blocks_format", "[ERROR] blocks must be an array")
    if not text and not blocks:
        return _refused(400, "no_text", "[ERROR] text or blocks is required")
    if isinstance(text, str) and len(text) > MAX_FALLBACK_TEXT:
        return _refused(400, "msg_too_long", "[ERROR] text is longer than 40,000 characters")
    problems = message_problems(text or None, blocks or None)
    if blocks and not problems and record.team_id:
        # The files and canvases the blocks name are checked as chat.postMessage checks them.
        problems = file_problems(state, record.team_id, blocks)
    if blocks and problems:
        return 400, {
            "ok": False,
            "error": "invalid_blocks",
            "response_metadata": {"messages": problems},
        }
    record.uses += 1
    content = {"text": str(text or ""), "blocks": copy.deepcopy(blocks or [])}
    target = _replaceable(state, record) if payload.get("replace_original") else None
    if target is not None:
        target.update(content)
        return 200, {"ok": True}
    ws = state.workspace(record.team_id)
    message: dict[str, Any] = {
        "type": "message",
        "ts": state.next_ts(),
        **content,
        "thread_ts": payload.get("thread_ts") or None,
        "team": ws.id,
        "bot_id": ws.bot_id,
        "app_id": APP_ID,
    }
    if payload.get("response_type") == "in_channel":
        message["user"] = ws.bot_user_id
        append_message(state, record.channel_id, message)
        record.source = record.source or (record.channel_id, message["ts"], False)
    else:
        message["recipient"] = record.user_id
        state.ephemerals.setdefault(record.channel_id, []).append(message)
        # A slash command has no message of its own: its first answer becomes the one that
        # a later replace_original on the same URL replaces.
        record.source = record.source or (record.channel_id, message["ts"], True)
    return 200, {"ok": True}


def _source_list(state: State, record: ResponseUrl) -> list[dict[str, Any]]:
    assert record.source is not None
    channel_id, _ts, ephemeral = record.source
    store = state.ephemerals if ephemeral else state.messages
    return store.setdefault(channel_id, [])


def _replaceable(state: State, record: ResponseUrl) -> dict[str, Any] | None:
    """The message replace_original acts on: the interaction's source message, if it exists."""
    if record.source is None:
        return None
    ts = record.source[1]
    return next((m for m in _source_list(state, record) if m.get("ts") == ts), None)


def _delete_source(state: State, record: ResponseUrl) -> None:
    found = _replaceable(state, record)
    if found is not None:
        _source_list(state, record).remove(found)
