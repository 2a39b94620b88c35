"""Kept-alive HTTP connections under slack_sdk's WebClient.

slack_sdk's WebClient sends every call through `urllib.request.urlopen`, which opens a new
connection each time (and, for https, a new TLS handshake): in a fan-out that was the largest
single cost of a message. `KeepAliveWebClient` is the same WebClient (its methods, its
SlackResponse, its retry handlers) over a process-wide pool of `http.client` connections,
one request at a time per connection, shared by every thread and every workspace's client
(the token travels in each request's header, not in the connection).

What it never does is resend. A request that fails on a connection, new or reused, raises
to the caller as urllib's would (an OSError), and Outbound reports it as `unavailable` with
`maybe_done`: Slack may have stored a message and then lost the connection, so only the
pipeline's check of the conversation may decide to send again. Two things keep a reused
connection from failing in the first place, before any byte of the request is written:
one idle longer than `IDLE_SECONDS` is not reused (servers close idle connections after a
while), and one the server has closed already (readable at EOF) is thrown away. The one
case that is safe to call "never sent" is a new connection that could not be opened:
`RequestNotSent`.
"""

from __future__ import annotations

import io
import json
import select
import socket
import threading
import time
from dataclasses import dataclass
from http.client import HTTPMessage
from ssl import SSLContext, create_default_context
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlsplit
from urllib.request import Request

from slack_sdk import WebClient
from slack_sdk.errors import SlackRequestError

# A connection idle longer than this is closed rather than reused: well under the idle
# timeouts HTTP servers and load balancers commonly use (60 s and more).
IDLE_SECONDS = 20.0
# Idle connections kept per host at most (the rest are closed when handed back).
MAX_IDLE_PER_HOST = 128

Origin = tuple[str, str, int]


# What a line of an answer's head, and the head itself, may hold at most (http.client's).
MAX_LINE = 65536
MAX_HEADERS = 100


@dataclass(frozen=True, slots=True)
class Encoded:
    """A value already encoded as JSON text, which `post_json` puts into a request body as it
    is: the blocks a thousand people share are encoded once, not once per message (encoding
    them was a tenth of a scheduled message's CPU)."""

    text: str

    @classmethod
    def of(cls, value: Any) -> Encoded:
        """`value` encoded the way a request body encodes it."""
        return cls(json.dumps(value))

    def decoded(self) -> Any:
        """The value again (for the SDK's own path, which wants Python values)."""
        return json.loads(self.text)


def encode_body(body: dict[str, Any]) -> bytes:
    """A JSON request body; `Encoded` values go in as they are."""
    if not any(isinstance(value, Encoded) for value in body.values()):
        return json.dumps(body).encode("utf-8")
    # The plain fields between encoded ones are encoded a run at a time (one dumps call
    # each, braces trimmed), which gives the same bytes as encoding the whole body.
    parts: list[str] = []
    run: dict[str, Any] = {}
    for key, value in body.items():
        if isinstance(value, Encoded):
            if run:
                parts.append(json.dumps(run)[1:-1])
                run = {}
            parts.append(f"{json.dumps(key)}: {value.text}")
        else:
            run[key] = value
    if run:
        parts.append(json.dumps(run)[1:-1])
    return ("{" + ", ".join(parts) + "}").encode("utf-8")


class RequestNotSent(ConnectionError):
    """A new connection could not be opened: no byte of the request left this process."""


class BadAnswer(ConnectionError):
    """The server's answer was cut off or malformed: the request did reach it."""


class Answer:
    """One HTTP answer: status, reason, headers (lower-case names) and the whole body."""

    __slots__ = ("body", "headers", "keep_alive", "reason", "status")

    def __init__(
        self, status: int, reason: str, headers: dict[str, str], body: bytes, keep_alive: bool
    ) -> None:
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body
        self.keep_alive = keep_alive

    def message(self) -> HTTPMessage:
        """The headers as http.client's HTTPMessage (what urllib's HTTPError carries)."""
        message = HTTPMessage()
        for name, value in self.headers.items():
            message[name] = value
        return message

    def content_type(self) -> tuple[str, str]:
        """(media type, charset) from Content-Type (`application/json; charset=utf-8`)."""
        media, *params = self.headers.get("content-type", "application/json").split(";")
        charset = "utf-8"
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "charset" and value.strip():
                charset = value.strip().strip('"')
        return media.strip().lower(), charset


class Connection:
    """One HTTP/1.1 connection, one request at a time.

    http.client parses every answer's head with the email package, which in a fan-out cost
    more CPU than the rest of the exchange; Slack's answers are small JSON bodies with a
    Content-Length (or chunked), which this reads directly."""

    def __init__(self, origin: Origin, *, timeout: float, ssl: SSLContext | None) -> None:
        scheme, host, port = origin
        self.host_header = host if port in (80, 443) else f"{host}:{port}"
        try:
            sock = socket.create_connection((host, port), timeout=timeout)
        except OSError as error:
            raise RequestNotSent(f"could not connect: {type(error).__name__}") from error
        if scheme == "https":
            try:
                sock = (ssl or create_default_context()).wrap_socket(sock, server_hostname=host)
            except OSError as error:  # the handshake failed before any request byte
                sock.close()
                raise RequestNotSent(f"TLS failed: {type(error).__name__}") from error
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = sock
        self.file = sock.makefile("rb")

    def settimeout(self, timeout: float) -> None:
        self.sock.settimeout(timeout)

    def closed_by_peer(self) -> bool:
        """True when the idle connection is readable: the server closed it (or sent
        something unasked), so it must not carry a request."""
        try:
            if hasattr(select, "poll"):  # select() refuses descriptors past 1023
                poller = select.poll()
                poller.register(self.sock, select.POLLIN)
                return bool(poller.poll(0))
            readable, _, _ = select.select([self.sock], [], [], 0)
        except (OSError, ValueError):
            return True
        return bool(readable)

    def close(self) -> None:
        self.file.close()
        self.sock.close()

    def exchange(self, path: str, headers: dict[str, str], body: bytes) -> Answer:
        """POST and read the whole answer; raises OSError (BadAnswer when malformed)."""
        lines = [f"POST {path} HTTP/1.1", f"Host: {self.host_header}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        lines.append(f"Content-Length: {len(body)}")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.sock.sendall(head + body)
        while True:
            status, reason, version = self._status_line()
            fields = self._fields()
            if status >= 200 or status == 101:
                break  # 1xx (100 Continue) answers are interim: the real one follows
        connection = fields.get("connection", "").lower()
        keep_alive = version == "HTTP/1.1" and "close" not in connection
        if status in (204, 304):
            return Answer(status, reason, fields, b"", keep_alive)
        if "chunked" in fields.get("transfer-encoding", "").lower():
            data = self._chunked()
        elif "content-length" in fields:
            try:
                length = int(fields["content-length"])
            except ValueError:
                raise BadAnswer("bad Content-Length") from None
            data = self._exactly(length)
        else:  # the body runs to the end of the connection
            data, keep_alive = self.file.read(), False
        return Answer(status, reason, fields, data, keep_alive)

    def _line(self) -> bytes:
        line = self.file.readline(MAX_LINE + 1)
        if not line:
            raise BadAnswer("connection closed before the answer")
        if len(line) > MAX_LINE:
            raise BadAnswer("line too long")
        return line

    def _status_line(self) -> tuple[int, str, str]:
        version, _, rest = self._line().decode("latin-1").rstrip("\r\n").partition(" ")
        code, _, reason = rest.partition(" ")
        if not version.startswith("HTTP/") or not code.isdigit():
            raise BadAnswer("bad status line")
        return int(code), reason, version

    def _fields(self) -> dict[str, str]:
        fields: dict[str, str] = {}
        for _ in range(MAX_HEADERS + 1):
            line = self._line()
            if line in (b"\r\n", b"\n"):
                return fields
            name, colon, value = line.decode("latin-1").partition(":")
            if not colon:
                raise BadAnswer("bad header line")
            key, value = name.strip().lower(), value.strip()
            fields[key] = f"{fields[key]}, {value}" if key in fields else value
        raise BadAnswer("too many headers")

    def _exactly(self, length: int) -> bytes:
        data = self.file.read(length)
        if len(data) != length:
            raise BadAnswer("answer cut off")
        return data

    def _chunked(self) -> bytes:
        parts: list[bytes] = []
        while True:
            size_text = self._line().split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise BadAnswer("bad chunk size") from None
            if size == 0:
                while self._line() not in (b"\r\n", b"\n"):  # trailers
                    pass
                return b"".join(parts)
            parts.append(self._exactly(size))
            self._exactly(2)  # the CRLF after each chunk


class ConnectionPool:
    """Idle HTTP connections per origin, taken by one request at a time."""

    def __init__(
        self, *, idle_seconds: float = IDLE_SECONDS, max_idle: int = MAX_IDLE_PER_HOST
    ) -> None:
        self.idle_seconds = idle_seconds
        self.max_idle = max_idle
        self._lock = threading.Lock()
        self._idle: dict[Origin, list[tuple[Connection, float]]] = {}
        self.opened = 0  # connections opened so far (tests and benchmarks read it)

    def take(self, origin: Origin, *, timeout: float, ssl: SSLContext | None) -> Connection:
        """A live idle connection to `origin`, or a new one (opened here)."""
        now = time.monotonic()
        while True:
            with self._lock:
                stack = self._idle.get(origin)
                if not stack:
                    break
                connection, since = stack.pop()  # the most recently used: least likely stale
            if now - since > self.idle_seconds or connection.closed_by_peer():
                connection.close()
                continue
            connection.settimeout(timeout)
            return connection
        fresh = Connection(origin, timeout=timeout, ssl=ssl)  # RequestNotSent if it can't
        with self._lock:
            self.opened += 1
        return fresh

    def give(self, origin: Origin, connection: Connection) -> None:
        """Hand a connection back after a complete answer."""
        with self._lock:
            stack = self._idle.setdefault(origin, [])
            if len(stack) < self.max_idle:
                stack.append((connection, time.monotonic()))
                return
        connection.close()

    def clear(self) -> None:
        """Close every idle connection."""
        with self._lock:
            idle, self._idle = self._idle, {}
        for stack in idle.values():
            for connection, _ in stack:
                connection.close()


POOL = ConnectionPool()


def _origin(url: str) -> tuple[Origin, str]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise SlackRequestError(f"Invalid URL detected: {url}")
    port = parts.port or (443 if scheme == "https" else 80)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return (scheme, parts.hostname, port), path


class KeepAliveWebClient(WebClient):
    """slack_sdk's WebClient over kept-alive connections (see the module docstring)."""

    def __init__(self, *args: Any, pool: ConnectionPool | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pool = pool or POOL

    @property
    def lean(self) -> bool:
        """True when `post_json` may stand in for the SDK's call: no retry handler to run
        (the scheduler's clients, which get 429s straight back) and no proxy."""
        return not self.retry_handlers and self.proxy is None

    def post_json(self, method: str, body: dict[str, Any]) -> Answer:
        """POST a JSON body to a Web API method and return the raw answer, without the
        SDK's request and response objects (a fifth of a message's CPU in a fan-out). The
        caller reads the status and `ok` itself; failures raise as in the SDK's path."""
        origin, path = _origin(f"{self.base_url}{method}")
        headers = {
            **self.headers,
            "Content-Type": "application/json;charset=utf-8",
            "Authorization": f"Bearer {self.token}",
        }
        return self._exchange(origin, path, headers, encode_body(body))

    def _exchange(self, origin: Origin, path: str, headers: dict[str, str], body: bytes) -> Answer:
        connection = self.pool.take(origin, timeout=self.timeout, ssl=self.ssl)
        try:
            answer = connection.exchange(path, headers, body)
        except BaseException:  # a timeout, a reset, a cut-off answer: its state is unknown
            connection.close()
            raise
        if answer.keep_alive:
            self.pool.give(origin, connection)
        else:
            connection.close()
        return answer

    def _perform_urllib_http_request_internal(self, url: str, req: Request) -> dict[str, Any]:
        if self.proxy is not None:  # urllib knows proxies; this transport does not
            return super()._perform_urllib_http_request_internal(url, req)
        origin, path = _origin(url)
        # urllib's Request title-cases names and would add "Connection: close"; neither here.
        headers = {name: value for name, value in req.header_items() if name != "Content-length"}
        answer = self._exchange(origin, path, headers, req.data or b"")  # type: ignore[arg-type]
        media_type, charset = answer.content_type()
        if not 200 <= answer.status < 300:
            # What urlopen raises for an error status, so slack_sdk reads 429s, their
            # Retry-After and error bodies as before.
            raise HTTPError(
                url, answer.status, answer.reason, answer.message(), io.BytesIO(answer.body)
            )
        if media_type == "application/gzip":
            return {"status": answer.status, "headers": answer.headers, "body": answer.body}
        return {
            "status": answer.status,
            "headers": answer.headers,
            "body": answer.body.decode(charset),
        }
