"""HTTP side of the emulator: request decoding, auth, fault injection, recording, the server."""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import logging
import socket
import threading
import time
from collections.abc import Callable
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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


class EmulatorHTTPServer(ThreadingHTTPServer):
    """ThreadingHTTPServer carrying the emulator state; handler threads are daemons."""

    daemon_threads = True
    # socketserver's default listen backlog is 5: a client opening more connections at once
    # (the scheduler's sending threads) would see some refused or reset, which Slack never
    # does for a handful of connections.
    request_queue_size = 1024

    def __init__(
        self, address: tuple[str, int], state: State, latency: Callable[[], float]
    ) -> None:
        super().__init__(address, _Handler)
        self.state = state
        self.latency = latency
        # Requests being answered now (wait_idle waits for none).
        self.busy = threading.Condition()
        self.in_flight = 0
        self.root_url = f"http://{address[0]}:{self.server_address[1]}"
        # Every connection accepted so far, and the open ones waiting for their next request
        # (tests count connections to see that clients keep them alive, and close idle ones
        # the way a server's keep-alive timeout does).
        self.connections = 0
        self._open: set[socket.socket] = set()
        self._idle_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._idle_lock:
            self.connections += 1
        super().process_request(request, client_address)

    def opened(self, connection: socket.socket, is_open: bool) -> None:
        """Note a connection's handler starting or ending."""
        with self._idle_lock:
            if is_open:
                self._open.add(connection)
            else:
                self._open.discard(connection)

    def close_idle(self, timeout: float = 5.0) -> int:
        """Once no request is being answered, close every kept-alive connection, as a
        server's idle timeout does; returns how many."""
        with self.busy:
            self.busy.wait_for(lambda: self.in_flight == 0, timeout=timeout)
            with self._idle_lock:
                idle, self._open = self._open, set()
        for connection in idle:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        return len(idle)


class _Handler(BaseHTTPRequestHandler):
    server: EmulatorHTTPServer
    # HTTP/1.1 keeps connections alive between requests, as Slack's servers do (every
    # answer carries Content-Length). An idle connection is closed after this many seconds.
    protocol_version = "HTTP/1.1"
    timeout = 60

    def handle(self) -> None:
        self.server.opened(self.connection, True)
        try:
            super().handle()
        finally:
            self.server.opened(self.connection, False)

    def handle_one_request(self) -> None:
        try:
            self.raw_requestline = self.rfile.readline(65537)
        except (TimeoutError, OSError):
            self.close_connection = True
            return
        if not self.raw_requestline:
            self.close_connection = True
            return
        # The rest as http.server does it, with the request line already read.
        if len(self.raw_requestline) > 65536:
            self.requestline = self.request_version = self.command = ""
            self.send_error(414)
            return
        if not self.parse_request():
            return
        method = getattr(self, "do_" + self.command, None)
        if method is None:
            self.send_error(501, f"Unsupported method ({self.command!r})")
            return
        method()
        self.wfile.flush()

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output clean: http.server would print every request to stderr."""

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        with self.server.busy:
            self.server.in_flight += 1
        try:
            self._answer()
        finally:
            with self.server.busy:
                self.server.in_flight -= 1
                self.server.busy.notify_all()

    def _answer(self) -> None:
        server = self.server
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        json_type = "application/json; charset=utf-8"
        headers: dict[str, str] = {}
        if url.path.startswith("/api/"):
            status, payload, headers = handle_api(
                server.state,
                url.path[len("/api/") :],
                url.query,
                body,
                dict(self.headers.items()),
                server.root_url,
            )
            data, content_type = json.dumps(payload).encode(), json_type
        elif url.path.startswith("/respond/") and self.command == "POST":
            status, payload = answer_response_url(
                server.state, url.path[len("/respond/") :], body, self.headers.get("Content-Type")
            )
            data, content_type = json.dumps(payload).encode(), json_type
        elif url.path == "/oauth/v2/authorize" and self.command == "GET":
            status, headers, text = authorize_page(server.state, url.query)
            data, content_type = text.encode(), "text/plain; charset=utf-8"
        elif url.path.startswith("/files-pri/") and self.command == "GET":
            status, content_type, data = serve_file(
                server.state, url.path, self.headers.get("Authorization", "")
            )
        elif url.path.startswith("/upload/") and self.command == "POST":
            file_id = url.path[len("/upload/") :]
            status, text = handle_upload(
                server.state, file_id, body, self.headers.get("Content-Type", "")
            )
            data, content_type = text.encode(), "text/plain; charset=utf-8"
        else:
            status, content_type = 404, json_type
            data = json.dumps({"ok": False, "error": "not_found"}).encode()
        latency = server.latency()
        if latency > 0:
            time.sleep(latency)  # simulated network time for benchmarks
        if status == DROP:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
