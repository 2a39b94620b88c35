"""Socket Mode for the emulator: a WebSocket server on 127.0.0.1 that plays Slack's side.

What it does, with where each rule comes from:

- apps.connections.open (methods.py) hands out `ws://127.0.0.1:<port>/link/?ticket=…&app_id=…`;
  each ticket opens one connection (see state.SOCKET_TICKET_SECONDS for its lifetime).
- On connect the server sends `hello` right away. The shape is Slack's as the SDKs test it
  (java-slack-sdk `socket_mode/EnvelopeTest.java`, python-slack-sdk
  `tests/slack_sdk/socket_mode/mock_socket_mode_server.py`).
- Pings are answered with pongs echoing their payload (websockets does this by itself). The
  builtin slack_sdk client needs it: it pings with "<session id>:<time>" and drops the
  connection as stale when no matching pong comes back (`socket_mode/builtin/connection.py`,
  `check_state`).
- Each envelope goes to one connection, round robin; the app acks with
  `{"envelope_id": …, "payload": …}` (`slack_sdk/socket_mode/response.py`).
- At most 10 connections per app; the 11th gets `{"type": "disconnect", "reason":
  "too_many_websockets"}` and is closed. Slack staff: "each Slack app ID is allowed a maximum
  of 10 concurrent websocket (socket-mode) connections" (bolt-js issue #2225); the message is
  as logged in bolt-js issue #2238. Closing it afterwards is the emulator's choice.
- `disconnect` (reason `refresh_requested`, …) asks the app to open a new connection through
  apps.connections.open (python `socket_mode/client.py` `process_message`). The emulator sends
  no new envelopes to a connection it asked to go, and closes it after DISCONNECT_GRACE_SECONDS
  if the app has not.

Threads: the server runs its own asyncio loop in a daemon thread. Callers (tests, SlackSender)
live in other threads; they hand work to the loop with `run_coroutine_threadsafe` and get
answers back through `concurrent.futures.Future` and a `threading.Condition`, never by polling.
The emulator's `State` (tokens, tickets) is only touched under `State.lock`, briefly, when a
handshake uses up its ticket.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import copy
import itertools
import json
import logging
import threading
import time
import uuid
import weakref
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.frames import CloseCode
from websockets.http11 import Request, Response

from slack_emulator.state import State

logger = logging.getLogger(__name__)
# websockets narrates every connection at INFO ("connection open", "server listening"), which
# would fill the offline mode's terminal; its warnings and errors still show.
_websockets_logger = logging.getLogger(f"{__name__}.websockets")
_websockets_logger.setLevel(logging.WARNING)

ACK_DEADLINE_SECONDS = 3.0  # Slack's rule: acknowledge within 3 seconds
MAX_CONNECTIONS = 10
LINK_PATH = "/link/"
# How long a connection that was sent `disconnect` may stay open. Not documented: the SDKs
# reconnect and close the old connection at once, so this only catches clients that don't.
DISCONNECT_GRACE_SECONDS = 10.0
KINDS = ("slash_commands", "interactive", "events_api")
# Interactive payloads whose ack can carry an answer: a view_submission's response_action and
# a block_suggestion's options. Slash commands' acks carry the reply message; events' and
# block_actions' never do (python-slack-sdk mock_socket_mode_server.py sends block_actions and
# events_api with accepts_response_payload false, slash_commands with true).
ANSWERING_INTERACTIONS = frozenset({"view_submission", "block_suggestion"})
# The SDK clients answer server pings (slack_sdk builtin connection.py pongs a PING frame);
# whether and how often Slack itself pings is not documented. The emulator pings every second
# because slack_sdk's builtin client holds a lock around a blocking recv with a 3-second socket
# timeout: closing it, or switching to a new connection after `disconnect`, waits for the next
# frame or for that timeout.
SERVER_PING_SECONDS = 1.0
# What Slack sends as debug_info (java-slack-sdk EnvelopeTest.java); values are placeholders.
BUILD_NUMBER = 1
APPROXIMATE_CONNECTION_TIME = 18060


@dataclass(frozen=True)
class SocketAck:
    """What came back for one envelope, within the deliverer's timeout or not."""

    envelope_id: str
    acked: bool
    payload: dict[str, Any] | None  # the ack's payload; None for a bare ack or no ack
    elapsed: float  # seconds from sending the envelope to its ack (or to giving up)
    connection_id: int | None  # the connection that carried it; None when none was open


@dataclass(frozen=True)
class SentEnvelope:
    """One envelope the emulator sent, and over which connection."""

    envelope: dict[str, Any]
    connection_id: int
    at: float


@dataclass(frozen=True)
class ReceivedAck:
    """One acknowledgement an app sent back."""

    envelope_id: str
    payload: dict[str, Any] | None
    connection_id: int
    on_time: bool  # False: nobody was waiting for it any more (late, repeated or unknown)
    at: float


@dataclass(frozen=True)
class RefusedConnection:
    """A connection attempt the emulator turned away, and why."""

    reason: str  # unknown_ticket, used_ticket, expired_ticket, not_found, too_many_websockets
    at: float


@dataclass
class _Link:
    """One accepted WebSocket connection."""

    id: int
    ws: ServerConnection
    app_id: str
    ready: bool = False  # hello sent: envelopes may go to it
    draining: bool = False  # told to go away (`disconnect`): no new envelopes


def accepts_response_payload(kind: str, payload: dict[str, Any]) -> bool:
    """Whether the app's ack for this envelope may carry a payload Slack acts on."""
    if kind == "slash_commands":
        return True
    return kind == "interactive" and payload.get("type") in ANSWERING_INTERACTIONS


class SocketModeServer:
    """The emulator's Socket Mode endpoint: its own port, loop and thread."""

    def __init__(self, state: State, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = 0
        self._state = state
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: Server | None = None
        # Guards everything below; held only briefly, never across an await or a wait.
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)  # links opened/closed, acks received
        self._ids = itertools.count(1)
        self._links: dict[int, _Link] = {}
        self._turn = 0  # round robin position
        self._waiting: dict[str, concurrent.futures.Future[dict[str, Any] | None]] = {}
        self._sent: list[SentEnvelope] = []
        self._acks: list[ReceivedAck] = []
        self._refused: list[RefusedConnection] = []
        self._opened = 0  # connections ever accepted
        # Loop-thread only: the app id each admitted handshake's ticket belonged to.
        self._admitted: weakref.WeakKeyDictionary[ServerConnection, str] = (
            weakref.WeakKeyDictionary()
        )
        self._timers: set[asyncio.Task[None]] = set()

    # -- lifecycle ----------------------------------------------------------------------------

    @property
    def link_url(self) -> str:
        """ws://host:port/link/, without the ticket."""
        return f"ws://{self.host}:{self.port}{LINK_PATH}"

    def start(self) -> None:
        """Bind the port and serve from a daemon thread running an asyncio loop."""
        if self._thread is not None:
            return
        started = threading.Event()
        failure: list[BaseException] = []
        thread = threading.Thread(
            target=self._run, args=(started, failure), name="slack-emulator-socket", daemon=True
        )
        thread.start()
        started.wait()
        if failure:
            thread.join()
            raise failure[0]
        self._thread = thread

    def _run(self, started: threading.Event, failure: list[BaseException]) -> None:
        loop = asyncio.new_event_loop()
        try:
            self._server = loop.run_until_complete(self._listen())
        except BaseException as error:  # handed to start(), which raises it
            failure.append(error)
            loop.close()
            started.set()
            return
        self._loop = loop
        self.port = self._server.sockets[0].getsockname()[1]
        started.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    async def _listen(self) -> Server:
        return await serve(
            self._serve,
            self.host,
            self.port,
            process_request=self._handshake,
            compression=None,  # Slack's SDK clients offer no extensions
            ping_interval=SERVER_PING_SECONDS,
            logger=_websockets_logger,
        )

    def stop(self) -> None:
        """Close every connection (1001 going away), stop the loop, join the thread."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        self._loop = self._thread = self._server = None
        with self._changed:
            for waiter in self._waiting.values():
                waiter.set_exception(ConnectionError("the emulator stopped"))
            self._waiting.clear()
            self._changed.notify_all()

    async def _shutdown(self) -> None:
        for timer in self._timers:
            timer.cancel()
        assert self._server is not None
        self._server.close(close_connections=True)
        await self._server.wait_closed()

    # -- the loop's side ----------------------------------------------------------------------

    def _handshake(self, connection: ServerConnection, request: Request) -> Response | None:
        """Admit a handshake only with an unused, unexpired ticket from apps.connections.open.

        What Slack answers a bad ticket is not documented; 401 makes SDK clients log the
        failed handshake and fetch a new URL.
        """
        url = urlsplit(request.path)
        if url.path.rstrip("/") != LINK_PATH.rstrip("/"):
            self._refuse("not_found")
            return connection.respond(HTTPStatus.NOT_FOUND, "not found\n")
        ticket = parse_qs(url.query).get("ticket", [""])[0]
        with self._state.lock:
            app_id, reason = self._state.take_socket_ticket(ticket)
        if app_id is None:
            self._refuse(reason)
            return connection.respond(HTTPStatus.UNAUTHORIZED, f"{reason}\n")
        self._admitted[connection] = app_id
        return None

    def _refuse(self, reason: str) -> None:
        with self._changed:
            self._refused.append(RefusedConnection(reason=reason, at=time.time()))
            self._changed.notify_all()
        logger.debug("Socket Mode connection refused: %s", reason)

    async def _serve(self, ws: ServerConnection) -> None:
        app_id = self._admitted.pop(ws, None)
        if app_id is None:  # cannot happen: _handshake admits every connection served
            await ws.close(CloseCode.INTERNAL_ERROR)
            return
        with self._changed:
            # Connections asked to go still count until they close: they are still open.
            open_links = sum(1 for link in self._links.values() if link.app_id == app_id)
            link: _Link | None = None
            if open_links < MAX_CONNECTIONS:
                link = _Link(id=next(self._ids), ws=ws, app_id=app_id)
                self._links[link.id] = link
                self._opened += 1
        if link is None:
            self._refuse("too_many_websockets")
            await ws.send(json.dumps(self._disconnect_message("too_many_websockets", 0)))
            await ws.close(CloseCode.POLICY_VIOLATION, "too_many_websockets")
            return
        try:
            await ws.send(json.dumps(self._hello(link, open_links + 1)))
            with self._changed:
                link.ready = True
                self._changed.notify_all()
            async for message in ws:
                self._received(link, message)
        except ConnectionClosed:
            pass  # the app closed it, or the emulator is stopping
        finally:
            with self._changed:
                self._links.pop(link.id, None)
                self._changed.notify_all()

    def _hello(self, link: _Link, num_connections: int) -> dict[str, Any]:
        return {
            "type": "hello",
            "num_connections": num_connections,
            "debug_info": {
                "host": f"applink-emulator-{link.id}",
                "build_number": BUILD_NUMBER,
                "approximate_connection_time": APPROXIMATE_CONNECTION_TIME,
            },
            "connection_info": {"app_id": link.app_id},
        }

    def _disconnect_message(self, reason: str, link_id: int) -> dict[str, Any]:
        # python-slack-sdk's mock and java-slack-sdk's DisconnectMessage: type, reason,
        # debug_info.host.
        return {
            "type": "disconnect",
            "reason": reason,
            "debug_info": {"host": f"applink-emulator-{link_id}"},
        }

    def _received(self, link: _Link, raw: str | bytes) -> None:
        """An app's message: an ack settles the deliverer waiting for it."""
        try:
            message = json.loads(raw)
        except ValueError:
            logger.warning("Socket Mode: connection %s sent a non-JSON message", link.id)
            return
        if not isinstance(message, dict) or "envelope_id" not in message:
            logger.warning("Socket Mode: connection %s sent a message that is no ack", link.id)
            return
        envelope_id = str(message["envelope_id"])
        payload = message.get("payload")
        with self._changed:
            waiter = self._waiting.pop(envelope_id, None)
            # Settled under the lock, so a deliverer giving up at this moment sees it done.
            if waiter is not None:
                waiter.set_result(copy.deepcopy(payload) if isinstance(payload, dict) else None)
            self._acks.append(
                ReceivedAck(
                    envelope_id=envelope_id,
                    payload=payload if isinstance(payload, dict) else None,
                    connection_id=link.id,
                    on_time=waiter is not None,
                    at=time.time(),
                )
            )
            self._changed.notify_all()

    async def _send(self, link: _Link, envelope_id: str, text: str) -> None:
        try:
            await link.ws.send(text)
        except ConnectionClosed:
            with self._changed:
                waiter = self._waiting.pop(envelope_id, None)
                if waiter is not None:
                    waiter.set_exception(ConnectionError("the connection closed"))

    async def _send_disconnect(self, link: _Link, text: str) -> None:
        try:
            await link.ws.send(text)
        except ConnectionClosed:
            return
        timer = asyncio.create_task(self._close_after_grace(link))
        self._timers.add(timer)
        timer.add_done_callback(self._timers.discard)

    async def _close_after_grace(self, link: _Link) -> None:
        await asyncio.sleep(DISCONNECT_GRACE_SECONDS)
        await link.ws.close(CloseCode.NORMAL_CLOSURE, "disconnected")

    # -- callers' side (any thread but the loop's) --------------------------------------------

    def _running_loop(self) -> asyncio.AbstractEventLoop:
        loop = self._loop
        if loop is None:
            raise RuntimeError("the Socket Mode server is not running")
        if self._thread is threading.current_thread():
            raise RuntimeError("called from the Socket Mode loop: it would wait on itself")
        return loop

    def _next_link(self) -> _Link | None:
        """The next ready connection in turn (caller holds the lock)."""
        usable = sorted(
            (link for link in self._links.values() if link.ready and not link.draining),
            key=lambda link: link.id,
        )
        if not usable:
            return None
        link = usable[self._turn % len(usable)]
        self._turn += 1
        return link

    def deliver(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        timeout: float = ACK_DEADLINE_SECONDS,
        retry_attempt: int = 0,
        retry_reason: str = "",
    ) -> SocketAck:
        """Send one envelope over one connection and wait up to `timeout` for its ack."""
        if kind not in KINDS:
            raise ValueError(f"unknown envelope type {kind!r}: one of {', '.join(KINDS)}")
        loop = self._running_loop()
        envelope: dict[str, Any] = {
            "envelope_id": str(uuid.uuid4()),
            "type": kind,
            "payload": copy.deepcopy(payload),
            "accepts_response_payload": accepts_response_payload(kind, payload),
        }
        if kind == "events_api":
            # Only events are retried, so only their envelopes carry the retry fields
            # (python-slack-sdk mock_socket_mode_server.py; Bolt maps them to
            # X-Slack-Retry-Num / -Reason in adapter/socket_mode/internals.py).
            envelope.update(retry_attempt=retry_attempt, retry_reason=retry_reason)
        envelope_id = envelope["envelope_id"]
        waiter: concurrent.futures.Future[dict[str, Any] | None] = concurrent.futures.Future()
        with self._changed:
            link = self._next_link()
            if link is None:
                # Slack would show the user "dispatch_failed"; nothing to wait for.
                return SocketAck(envelope_id, False, None, 0.0, None)
            self._waiting[envelope_id] = waiter
            self._sent.append(SentEnvelope(copy.deepcopy(envelope), link.id, time.time()))
        started = time.perf_counter()
        asyncio.run_coroutine_threadsafe(self._send(link, envelope_id, json.dumps(envelope)), loop)
        try:
            answer = waiter.result(timeout=timeout)
        except TimeoutError:
            with self._changed:
                self._waiting.pop(envelope_id, None)  # from now on an ack counts as late
            if not waiter.done() or waiter.exception() is not None:
                return SocketAck(envelope_id, False, None, time.perf_counter() - started, link.id)
            answer = waiter.result()  # it landed just as the wait ran out
        except ConnectionError:
            return SocketAck(envelope_id, False, None, time.perf_counter() - started, link.id)
        return SocketAck(envelope_id, True, answer, time.perf_counter() - started, link.id)

    def disconnect(self, reason: str = "refresh_requested") -> int:
        """Send `disconnect` to every ready connection; returns how many were told."""
        loop = self._running_loop()
        with self._changed:
            links = [link for link in self._links.values() if link.ready and not link.draining]
            for link in links:
                link.draining = True
            self._changed.notify_all()
        sends = [
            asyncio.run_coroutine_threadsafe(
                self._send_disconnect(link, json.dumps(self._disconnect_message(reason, link.id))),
                loop,
            )
            for link in links
        ]
        for send in sends:
            send.result(timeout=5)
        return len(links)

    def _counts(self) -> tuple[int, int]:
        """(usable connections, connections asked to go but still open)."""
        usable = sum(1 for link in self._links.values() if link.ready and not link.draining)
        return usable, sum(1 for link in self._links.values() if link.draining)

    def connection_count(self) -> int:
        """Connections that are open, said hello and were not asked to go."""
        with self._changed:
            return self._counts()[0]

    def wait_for_connections(
        self, count: int, timeout: float = 5.0, draining: int | None = None
    ) -> None:
        """Block until exactly `count` connections are usable and, when `draining` is given,
        exactly that many asked to go are still open (AssertionError on timeout)."""

        def reached() -> bool:
            usable, leaving = self._counts()
            return usable == count and (draining is None or leaving == draining)

        with self._changed:
            if self._changed.wait_for(reached, timeout=timeout):
                return
            (usable, leaving), refused = self._counts(), [r.reason for r in self._refused]
        raise AssertionError(
            f"timed out after {timeout}s waiting for {count} Socket Mode connection(s)"
            f"{'' if draining is None else f' and {draining} draining'}; {usable} open, "
            f"{leaving} draining, refused so far: {refused or 'none'}"
        )

    def wait_for_acks(self, count: int, timeout: float = 5.0) -> list[ReceivedAck]:
        """Block until at least `count` acks arrived (late ones too); returns them all."""
        with self._changed:
            if self._changed.wait_for(lambda: len(self._acks) >= count, timeout=timeout):
                return list(self._acks)
            seen = len(self._acks)
        raise AssertionError(f"timed out after {timeout}s waiting for {count} ack(s); got {seen}")

    @property
    def opened(self) -> int:
        """How many connections were ever accepted (refused attempts not counted)."""
        with self._changed:
            return self._opened

    @property
    def envelopes(self) -> list[SentEnvelope]:
        """Every envelope sent so far, in order."""
        with self._changed:
            return list(self._sent)

    @property
    def acks(self) -> list[ReceivedAck]:
        """Every ack received so far, in order."""
        with self._changed:
            return list(self._acks)

    @property
    def refused(self) -> list[RefusedConnection]:
        """Every connection attempt turned away, in order."""
        with self._changed:
            return list(self._refused)
