"""The emulator's HTTP/1.1 server: one asyncio loop, httptools parsing, keep-alive.

Why not `http.server`: with a thread per connection, a scheduler's 192 sending threads meant
192 emulator threads fighting for one GIL, and parsing each request's headers with the
`email` package. The benchmarks measured the emulator then, not the bot: 1.9 ms of its CPU
per chat.postMessage, most of a core on a 2-core machine (bench.fanout). Here every
connection is a protocol object on one loop: a request is parsed in C, answered by
`transport.route` (which holds the state's lock, as before), and the simulated network
latency is a timer, not a sleeping thread.

HTTP as Slack's servers speak it to our clients: HTTP/1.1, every answer with Content-Length,
connections kept alive until the client closes them or they sit idle for a minute;
requests on one connection are answered in order. A DROP answer closes the connection
without a word, as a dropped connection does.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
from collections import deque
from collections.abc import Callable
from email.utils import formatdate
from http import HTTPStatus

import httptools

from slack_emulator.state import State
from slack_emulator.transport import DROP, JSON_TYPE, Reply, route

logger = logging.getLogger(__name__)

IDLE_SECONDS = 60.0  # a kept-alive connection with no request for this long is closed
BACKLOG = 1024  # a client opening many connections at once is never refused


class EmulatorHTTPServer:
    """Serves `state` on `address` once `serve_forever` runs (in a thread of its own)."""

    def __init__(
        self, address: tuple[str, int], state: State, latency: Callable[[], float]
    ) -> None:
        self.state = state
        self.latency = latency
        self._socket = socket.create_server(address, backlog=BACKLOG)
        self.server_address: tuple[str, int] = self._socket.getsockname()[:2]
        self.root_url = f"http://{address[0]}:{self.server_address[1]}"
        # Requests being answered now (wait_idle waits for none).
        self.busy = threading.Condition()
        self.in_flight = 0
        # Connections accepted so far, and those open (tests count them to see that clients
        # keep connections alive, and close idle ones as a keep-alive timeout would).
        self.connections = 0
        self._open: set[_Connection] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._done = threading.Event()

    def serve_forever(self) -> None:
        """Run the loop until `shutdown`."""
        loop = self._loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(self._serve())
        finally:
            for connection in list(self._open):
                connection.close()
            loop.run_until_complete(asyncio.sleep(0))  # let the transports close
            loop.close()
            self._done.set()

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: _Connection(self), sock=self._socket)
        async with server:
            await self._stop.wait()

    def shutdown(self, timeout: float = 5.0) -> None:
        """Stop serving and wait for the loop to end (from any other thread)."""
        loop, stop = self._loop, self._stop
        if loop is None:
            return
        while stop is None and not self._done.is_set():  # started, not yet serving
            self._done.wait(0.01)
            stop = self._stop
        if stop is not None:
            with contextlib.suppress(RuntimeError):  # the loop has ended already
                loop.call_soon_threadsafe(stop.set)
        self._done.wait(timeout)

    def server_close(self) -> None:
        """Release the port."""
        self._socket.close()

    def close_idle(self, timeout: float = 5.0) -> int:
        """Once no request is being answered, close every kept-alive connection, as a
        server's idle timeout does; returns how many."""
        with self.busy:
            self.busy.wait_for(lambda: self.in_flight == 0, timeout=timeout)
        loop = self._loop
        if loop is None:
            return 0

        async def close_all() -> int:
            idle = list(self._open)
            for connection in idle:
                connection.close()
            return len(idle)

        return asyncio.run_coroutine_threadsafe(close_all(), loop).result(timeout)

    # -- called by connections, on the loop ---------------------------------------------------

    def opened(self, connection: _Connection) -> None:
        self.connections += 1
        self._open.add(connection)

    def closed(self, connection: _Connection) -> None:
        self._open.discard(connection)

    def started(self) -> None:
        with self.busy:
            self.in_flight += 1

    def finished(self) -> None:
        with self.busy:
            self.in_flight -= 1
            self.busy.notify_all()


class _Request:
    """One request as httptools hands it over, in parts."""

    __slots__ = ("body", "headers", "target")

    def __init__(self) -> None:
        self.target = b""
        self.headers: dict[str, str] = {}
        self.body: list[bytes] = []


class _Connection(asyncio.Protocol):
    """One client connection: requests parsed as they arrive, answered one at a time."""

    def __init__(self, server: EmulatorHTTPServer) -> None:
        self.server = server
        self.parser = httptools.HttpRequestParser(self)
        self.transport: asyncio.Transport | None = None
        self.request = _Request()
        self.waiting: deque[tuple[str, _Request, bool]] = deque()  # parsed, not yet answered
        self.answering = False
        self.idle: asyncio.TimerHandle | None = None

    # -- asyncio ------------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.server.opened(self)
        self._idle_from_now()

    def connection_lost(self, exc: Exception | None) -> None:
        self.server.closed(self)
        if self.idle is not None:
            self.idle.cancel()
        self.transport = None

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._refuse(400)
        except httptools.HttpParserError:
            self._refuse(400)

    # -- httptools ----------------------------------------------------------------------------

    def on_message_begin(self) -> None:
        self.request = _Request()

    def on_url(self, url: bytes) -> None:
        self.request.target += url

    def on_header(self, name: bytes, value: bytes) -> None:
        self.request.headers[name.decode("latin-1")] = value.decode("latin-1")

    def on_body(self, body: bytes) -> None:
        self.request.body.append(body)

    def on_message_complete(self) -> None:
        command = self.parser.get_method().decode("ascii", "replace")
        self.waiting.append((command, self.request, self.parser.should_keep_alive()))
        if not self.answering:
            self._next()

    # -- answering ----------------------------------------------------------------------------

    def _next(self) -> None:
        if not self.waiting or self.transport is None:
            self.answering = False
            if self.transport is not None:
                self.transport.resume_reading()
                self._idle_from_now()
            return
        self.answering = True
        self.transport.pause_reading()  # the next request waits for this one's answer
        if self.idle is not None:
            self.idle.cancel()
        command, request, keep_alive = self.waiting.popleft()
        server = self.server
        server.started()
        try:
            reply = route(
                server.state,
                command,
                request.target.decode("latin-1"),
                request.headers,
                b"".join(request.body),
                server.root_url,
            )
        except Exception:  # a bug in the emulator: answer as Slack's servers would
            logger.exception("Slack emulator failed to answer %s", command)
            reply = (500, JSON_TYPE, b'{"ok": false, "error": "internal_error"}', {})
        latency = server.latency()
        loop = asyncio.get_running_loop()
        if latency > 0:  # simulated network time for benchmarks
            loop.call_later(latency, self._send, reply, keep_alive)
        else:
            self._send(reply, keep_alive)

    def _send(self, reply: Reply, keep_alive: bool) -> None:
        try:
            status, content_type, data, extra = reply
            if self.transport is None:
                return
            if status == DROP:
                self.close()
                return
            self.transport.write(_head(status, content_type, len(data), extra, keep_alive) + data)
            if not keep_alive:
                self.close()
        finally:
            self.server.finished()
        self._next()

    def _refuse(self, status: int) -> None:
        if self.transport is not None:
            self.transport.write(_head(status, JSON_TYPE, 0, {}, keep_alive=False))
        self.close()

    def _idle_from_now(self) -> None:
        if self.idle is not None:
            self.idle.cancel()
        self.idle = asyncio.get_running_loop().call_later(IDLE_SECONDS, self.close)

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()
            self.transport = None
        self.waiting.clear()


_REASONS = {status.value: status.phrase for status in HTTPStatus}


def _head(
    status: int, content_type: str, length: int, extra: dict[str, str], keep_alive: bool
) -> bytes:
    lines = [
        f"HTTP/1.1 {status} {_REASONS.get(status, '')}",
        f"Date: {formatdate(usegmt=True)}",
        f"Content-Type: {content_type}",
        f"Content-Length: {length}",
        *(f"{name}: {value}" for name, value in extra.items()),
    ]
    if not keep_alive:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
