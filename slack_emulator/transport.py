"""HTTP side of the emulator: request decoding, auth, fault injection, recording, the server."""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import logging
import time
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qs, urlsplit

# Importing these registers the views.*, files.* and canvases.* handlers.
from slack_emulator import methods_canvases, methods_views  # noqa: F401
from slack_emulator.methods import METHODS, NO_AUTH, ApiError, Request, deliver_scheduled
from slack_emulator.oauth import authorize_page
from slack_emulator.response_urls import answer_response_url
from slack_emulator.scopes import needed_scopes
from slack_emulator.state import RecordedCall, State, Workspace, json_copy

logger = logging.getLogger(__name__)

# Parameters Slack accepts as JSON-encoded strings in form bodies; decoded for handlers and tests.
JSON_PARAMS = (
    "blocks",
    "view",
    "attachments",
    "files",
    "metadata",
    "document_content",
    "changes",
    "user_ids",
    "channel_ids",
)

Answer = tuple[int, dict[str, Any], dict[str, str]]
# The status of an answer never sent: the connection is closed instead.
DROP = 0


def _decode_params(params: dict[str, Any]) -> dict[str, Any]:
    for key in JSON_PARAMS:
        value = params.get(key)
        if isinstance(value, str):
            # An undecodable value stays a string: the handler reports it like Slack would.
            with contextlib.suppress(ValueError):
                params[key] = json.loads(value)
    return params


def _form(raw: str) -> dict[str, Any]:
    return {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}


def _multipart_file(body: bytes, content_type: str) -> bytes:
    """The first file part of a multipart/form-data body (or the first part at all)."""
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
    )
    parts = list(message.iter_parts())
    chosen = next((part for part in parts if part.get_filename()), parts[0] if parts else None)
    payload = chosen.get_payload(decode=True) if chosen is not None else None
    return payload if isinstance(payload, bytes) else b""


def _credentials(
    headers: dict[str, str], params: dict[str, Any]
) -> tuple[str | None, tuple[str, str] | None]:
    """Bearer token (header or `token` param) and Basic client credentials (oauth.v2.access)."""
    auth = headers.get("authorization", "")
    token: str | None = None
    basic: tuple[str, str] | None = None
    if auth.startswith("Bearer "):
        token = auth[len("Bearer ") :].strip()
    elif auth.startswith("Basic "):
        with contextlib.suppress(binascii.Error, UnicodeDecodeError):
            user, _, password = base64.b64decode(auth[len("Basic ") :]).decode().partition(":")
            basic = (user, password)
    if not token and params.get("token"):
        token = str(params["token"])
    return token, basic


def handle_api(
    state: State, method: str, query: str, body: bytes, headers: dict[str, str], root_url: str
) -> Answer:
    """Decode, answer and record one Web API call."""
    lower = {k.lower(): v for k, v in headers.items()}
    params: dict[str, Any] = _form(query)
    if body and lower.get("content-type", "").startswith("application/json"):
        try:
            decoded = json.loads(body)
        except ValueError:
            decoded = None
        if not isinstance(decoded, dict):
            return 200, {"ok": False, "error": "invalid_json"}, {}
        params.update(decoded)
    elif body:
        params.update(_form(body.decode("utf-8", "replace")))
    _decode_params(params)
    token, basic = _credentials(lower, params)
    # Some methods (apps.connections.open) take their token from the header only.
    auth = lower.get("authorization", "")
    bearer = auth[len("Bearer ") :].strip() if auth.startswith("Bearer ") else ""

    with state.lock:
        deliver_scheduled(state)  # what is due by now is posted before anyone looks
        team_id = state.tokens.get(token) if token else None
        status, response, extra = _answer(
            state, method, params, token, team_id, basic, root_url, bearer or None
        )
        # Recorded before the response is sent, so a caller that got its answer can assert on it.
        state.record(
            RecordedCall(
                method=method,
                params=params,
                token=token,
                team_id=team_id,
                status=status,
                response=json_copy(response),
                at=time.time(),
            )
        )
    return status, response, extra


def _answer(
    state: State,
    method: str,
    params: dict[str, Any],
    token: str | None,
    team_id: str | None,
    basic: tuple[str, str] | None,
    root_url: str,
    bearer: str | None = None,
) -> Answer:
    fault = state.take_fault(method)
    if fault is not None and fault.kind not in ("partial", "drop"):
        if fault.kind == "ratelimit":
            limited = {"ok": False, "error": "ratelimited"}
            return 429, limited, {"Retry-After": str(fault.retry_after)}
        if fault.kind == "server":
            return fault.status, {"ok": False, "error": "internal_error"}, {}
        return 200, {"ok": False, "error": fault.error}, {}
    handler = METHODS.get(method)
    if handler is None:
        return 404, {"ok": False, "error": "unknown_method"}, {}
    workspace = state.workspaces.get(team_id) if team_id else None
    if method not in NO_AUTH:
        if not token:
            return 200, {"ok": False, "error": "not_authed"}, {}
        if workspace is None:
            return 200, {"ok": False, "error": "invalid_auth"}, {}
        if workspace.revoked:
            return 200, {"ok": False, "error": "token_revoked"}, {}
    scope_headers: dict[str, str] = {}
    if workspace is not None and method not in NO_AUTH:
        needed = needed_scopes(method, params, lambda c: _conversation_kind(state, workspace, c))
        # Slack reports a token's scopes on every answer (Bolt reads them from auth.test).
        scope_headers = {"x-oauth-scopes": ",".join(sorted(workspace.scopes))}
        if needed:
            scope_headers["x-accepted-oauth-scopes"] = ",".join(needed)
        if needed and not workspace.scopes.intersection(needed):
            # {"ok":false,"error":"missing_scope","needed":"...","provided":"a,b"} (HTTP 200).
            refused = {
                "ok": False,
                "error": "missing_scope",
                "needed": ",".join(needed),
                "provided": scope_headers["x-oauth-scopes"],
            }
            return 200, refused, scope_headers
    request = Request(method, params, token, workspace, root_url, basic, bearer)
    try:
        result = handler(state, request)
    except ApiError as err:
        body: dict[str, Any] = {"ok": False, "error": err.error, **err.fields}
        if err.messages:
            body["response_metadata"] = {"messages": err.messages}
        return err.status, body, scope_headers
    except Exception:
        logger.exception("Slack emulator handler for %s failed", method)
        return 500, {"ok": False, "error": "internal_error"}, {}
    if fault is not None:
        # Slack: internal_error / fatal_error mean "some aspect of the operation succeeded";
        # a dropped connection can follow a stored message too. The work above is kept.
        if fault.kind == "drop":
            return DROP, {"ok": False, "error": "connection_dropped"}, {}
        return fault.status, {"ok": False, "error": "internal_error"}, {}
    return 200, {"ok": True, **result}, scope_headers


def _conversation_kind(state: State, workspace: Workspace, channel_id: str) -> str | None:
    """public / private / im for a channel of this team (mpim is not emulated), or None."""
    channel = state.team_channel(workspace.id, channel_id)
    if channel is None:
        return None
    if channel.is_im:
        return "im"
    return "private" if channel.is_private else "public"


def handle_upload(state: State, file_id: str, body: bytes, content_type: str) -> tuple[int, str]:
    """Store bytes POSTed to an upload URL from files.getUploadURLExternal."""
    if content_type.startswith("multipart/form-data"):
        body = _multipart_file(body, content_type)
    with state.lock:
        record = state.files.get(file_id)
        if record is None:
            return 404, "file not found"
        # The bytes must be the `length` promised to files.getUploadURLExternal.
        if len(body) != record["length"]:
            return 400, f"length mismatch: {len(body)} bytes, {record['length']} announced"
        record["content"] = body
        record["uploaded"] = True
    return 200, f"OK - {len(body)}"


def serve_file(state: State, path: str, authorization: str) -> tuple[int, str, bytes]:
    """GET a file's url_private (/files-pri/{team}-{file id}/{name}): like Slack, only with
    a token of the file's workspace ("Authorization: Bearer xoxb-…"), and only once the
    upload is complete. (status, content type, body)."""
    head = path[len("/files-pri/") :].split("/", 1)[0]
    team_id, _, file_id = head.partition("-")
    token = authorization.removeprefix("Bearer ").strip()
    with state.lock:
        record = state.files.get(file_id)
        if record is None or record["team_id"] != team_id or not record["completed"]:
            return 404, "text/plain; charset=utf-8", b"file not found"
        if state.tokens.get(token) != team_id:
            return 403, "text/plain; charset=utf-8", b"not authed"
        return 200, str(record.get("mimetype") or "application/octet-stream"), record["content"]


# What the server writes back for one request: (status, content type, body, extra headers);
# status DROP: close the connection instead of answering.
Reply = tuple[int, str, bytes, dict[str, str]]
JSON_TYPE = "application/json; charset=utf-8"


def route(
    state: State, command: str, target: str, headers: dict[str, str], body: bytes, root_url: str
) -> Reply:
    """Answer one HTTP request by its path: the Web API, response_urls, the OAuth consent
    page, uploaded files. `headers` keep the client's spelling; looked up case-blind."""
    url = urlsplit(target)
    lower = {k.lower(): v for k, v in headers.items()}
    extra: dict[str, str] = {}
    if url.path.startswith("/api/"):
        status, payload, extra = handle_api(
            state, url.path[len("/api/") :], url.query, body, headers, root_url
        )
        return status, JSON_TYPE, json.dumps(payload).encode(), extra
    if url.path.startswith("/respond/") and command == "POST":
        status, payload = answer_response_url(
            state, url.path[len("/respond/") :], body, lower.get("content-type")
        )
        return status, JSON_TYPE, json.dumps(payload).encode(), extra
    if url.path == "/oauth/v2/authorize" and command == "GET":
        status, extra, text = authorize_page(state, url.query)
        return status, "text/plain; charset=utf-8", text.encode(), extra
    if url.path.startswith("/files-pri/") and command == "GET":
        status, content_type, data = serve_file(state, url.path, lower.get("authorization", ""))
        return status, content_type, data, extra
    if url.path.startswith("/upload/") and command == "POST":
        status, text = handle_upload(
            state, url.path[len("/upload/") :], body, lower.get("content-type", "")
        )
        return status, "text/plain; charset=utf-8", text.encode(), extra
    return 404, JSON_TYPE, json.dumps({"ok": False, "error": "not_found"}).encode(), extra
