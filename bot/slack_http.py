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

import http.client
import io
import select
import threading
import time
from ssl import SSLContext
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


class RequestNotSent(ConnectionError):
    """A new connection could not be opened: no byte of the request left this process."""


def _closed_by_peer(connection: http.client.HTTPConnection) -> bool:
    """True when an idle connection is readable: the server closed it (or sent something
    unasked), so it must not carry a request."""
    sock = connection.sock
    if sock is None:
        return True
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


class ConnectionPool:
    """Idle HTTP connections per origin, taken by one request at a time."""

    def __init__(
        self, *, idle_seconds: float = IDLE_SECONDS, max_idle: int = MAX_IDLE_PER_HOST
    ) -> None:
        self.idle_seconds = idle_seconds
        self.max_idle = max_idle
        self._lock = threading.Lock()
        self._idle: dict[Origin, list[tuple[http.client.HTTPConnection, float]]] = {}
        self.opened = 0  # connections opened so far (tests and benchmarks read it)

    def take(
        self, origin: Origin, *, timeout: float, ssl: SSLContext | None
    ) -> http.client.HTTPConnection:
        """A live idle connection to `origin`, or a new one (opened here)."""
        now = time.monotonic()
        while True:
            with self._lock:
                stack = self._idle.get(origin)
                if not stack:
                    break
                connection, since = stack.pop()  # the most recently used: least likely stale
            if now - since > self.idle_seconds or _closed_by_peer(connection):
                connection.close()
                continue
            if connection.sock is not None:
                connection.sock.settimeout(timeout)
            return connection
        scheme, host, port = origin
        fresh: http.client.HTTPConnection
        if scheme == "https":
            fresh = http.client.HTTPSConnection(host, port, timeout=timeout, context=ssl)
        else:
            fresh = http.client.HTTPConnection(host, port, timeout=timeout)
        try:
            fresh.connect()
        except OSError as error:
            fresh.close()
            raise RequestNotSent(f"could not connect: {type(error).__name__}") from error
        with self._lock:
            self.opened += 1
        return fresh

    def give(self, origin: Origin, connection: http.client.HTTPConnection) -> None:
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

    def _perform_urllib_http_request_internal(self, url: str, req: Request) -> dict[str, Any]:
        if self.proxy is not None:  # urllib knows proxies; this transport does not
            return super()._perform_urllib_http_request_internal(url, req)
        origin, path = _origin(url)
        connection = self.pool.take(origin, timeout=self.timeout, ssl=self.ssl)
        headers = dict(req.header_items())
        try:
            connection.request("POST", path, body=req.data, headers=headers)
            response = connection.getresponse()
            data = response.read()
        except http.client.HTTPException as error:
            # A malformed or cut-off answer: the request did reach the server.
            connection.close()
            raise ConnectionError(f"bad answer from Slack: {type(error).__name__}") from error
        except BaseException:  # timeouts, resets: the connection's state is unknown
            connection.close()
            raise
        if response.will_close:
            connection.close()
        else:
            self.pool.give(origin, connection)
        status, message = response.status, response.msg
        if not 200 <= status < 300:
            # What urlopen raises for an error status, so slack_sdk reads 429s, their
            # Retry-After and error bodies as before.
            raise HTTPError(url, status, response.reason, message, io.BytesIO(data))
        if message.get_content_type() == "application/gzip":
            return {"status": status, "headers": message, "body": data}
        charset = message.get_content_charset() or "utf-8"
        return {"status": status, "headers": message, "body": data.decode(charset)}
