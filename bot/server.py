"""HTTP mode: Bolt behind Starlette, served by uvicorn."""

from __future__ import annotations

import logging
import socket
import threading
from typing import Any

import anyio
import anyio.to_thread
import uvicorn
from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot import edge

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
# Slack's requests are dispatched on at most this many threads at once (anyio's default
# is 40). Listeners never wait for Slack before their ack, so a request is CPU under the GIL
# plus short database calls: 40 threads only take turns on the GIL in 5 ms slices and
# answer out of order. With 8, /transition log at 50 clients answered its 1% slowest in
# 283 ms instead of 453-471 ms, and bare Bolt's in 82 ms instead of 127-185 ms (bench.latency,
# same machine, back to back). With 4 rather than 8, on PostgreSQL (whose round trips hand the
# GIL over at every statement): 1.55-1.61 instead of 1.74-1.79 ms of CPU per request at 10
# and 50 clients, p99 at 50 clients 91 instead of 118 ms; on SQLite no difference beyond the
# noise. Four still overlap PostgreSQL's waits, well within its pool of 10.
DISPATCH_THREADS = 4


def build_asgi(app: App) -> Starlette:
    """The ASGI app: Slack's requests on /slack/events, a health check on /healthz, and in
    OAuth mode the install flow on /slack/install and /slack/oauth_redirect."""

    # The secret Bolt verifies with (it offers no public accessor): the edge and Bolt must
    # agree on it, and a copy from elsewhere could differ.
    verifier = SignatureVerifier(app._signing_secret)
    limiter = anyio.CapacityLimiter(DISPATCH_THREADS)

    async def slack_events(request: Request) -> Response:
        try:
            # The size first, so a forged 10 MB body is never read, let alone logged; then
            # the signature, before Bolt, whose own refusal logs the whole body (Bolt still
            # checks again: request verification stays on); then the shape.
            raw = edge.verify(verifier, await edge.read_body(request), request.headers)
            parsed = edge.parse(raw, request.headers.get("content-type"))
        except edge.Refused as refusal:
            return _refused(refusal)
        bolt_request = edge.bolt_request(
            raw, parsed, headers=request.headers, query=request.url.query
        )
        # Bolt is synchronous: dispatch in a worker thread so one slow request never
        # holds up the event loop (and every other request with it).
        bolt_response = await anyio.to_thread.run_sync(app.dispatch, bolt_request, limiter=limiter)
        return to_starlette_response(bolt_response)

    async def healthz(_: Request) -> Response:
        services: Any = getattr(app, "services", None)
        try:
            if services is not None:
                await run_in_threadpool(_ping_database, services)
        except Exception as error:  # the health check reports, it does not raise
            logger.warning("health check failed: %s", error)
            return JSONResponse({"ok": False, "database": "unreachable"}, status_code=503)
        return JSONResponse({"ok": True})

    routes = [
        Route(EVENTS_PATH, slack_events, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
    ]
    flow = app.oauth_flow
    if flow is not None:

        async def install(request: Request) -> Response:
            # Issues a one-time state (stored in the database) and redirects to Slack.
            bolt_request = to_bolt_request(request, b"")
            return to_starlette_response(
                await run_in_threadpool(flow.handle_installation, bolt_request)
            )

        async def oauth_redirect(request: Request) -> Response:
            # Checks the state, exchanges the code at SLACK_API_URL, stores the install.
            bolt_request = to_bolt_request(request, b"")
            return to_starlette_response(
                await run_in_threadpool(flow.handle_callback, bolt_request)
            )

        routes += [
            Route(flow.install_path, install, methods=["GET"]),
            Route(flow.redirect_uri_path, oauth_redirect, methods=["GET"]),
        ]
    return Starlette(routes=routes)


def _refused(refusal: edge.Refused) -> Response:
    """The edge's own answer: one log line with the reason, never the body."""
    if refusal.status == 200:
        logger.info("%s", refusal.reason)
        return Response(status_code=200)
    logger.warning("refused a request with %d: %s", refusal.status, refusal.reason)
    # Unread body left behind (a 413): the connection cannot carry another request.
    headers = {"Connection": "close"} if refusal.status == 413 else None
    return JSONResponse(
        {"ok": False, "error": refusal.error}, status_code=refusal.status, headers=headers
    )


def _ping_database(services: Any) -> None:
    with services.db.engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def serve(app: App, *, host: str, port: int) -> None:
    """Serve until interrupted."""
    uvicorn.run(build_asgi(app), host=host, port=port, log_level="warning", access_log=False)


class ServerThread:
    """Runs the HTTP server in a background thread on a free port (offline mode and tests).

    Serves a Bolt app (wrapped by `build_asgi`) or any ready-made Starlette app (the sandbox).
    """

    def __init__(self, app: App | Starlette, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((host, port))
        self.host, self.port = self._socket.getsockname()[:2]
        self._app = app
        asgi = build_asgi(app) if isinstance(app, App) else app
        config = uvicorn.Config(asgi, log_level="warning", access_log=False, lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    @property
    def url(self) -> str:
        """Base URL, e.g. http://127.0.0.1:54321."""
        return f"http://{self.host}:{self.port}"

    def start(self) -> ServerThread:
        """Start serving; returns once the server accepts connections."""
        self._thread.start()
        started = threading.Event()
        # uvicorn flips `started` when it is listening; wait on it without busy sleeping.
        for _ in range(500):
            if self._server.started:
                started.set()
                break
            started.wait(0.01)
        if not started.is_set():
            raise RuntimeError("HTTP server did not start")
        return self

    def stop(self) -> None:
        """Stop serving, wait for the thread, then for the work after the acks."""
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()
        after_ack = getattr(self._app, "after_ack", None)
        if after_ack is not None:
            after_ack.shutdown()
