"""A real HTTP server on 127.0.0.1 that plays Slack's Web API for tests and offline mode."""

from __future__ import annotations

import copy
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from slack_emulator.http_server import EmulatorHTTPServer
from slack_emulator.methods import append_message, deliver_scheduled
from slack_emulator.socket_mode import (
    ACK_DEADLINE_SECONDS,
    ReceivedAck,
    RefusedConnection,
    SentEnvelope,
    SocketAck,
    SocketModeServer,
)
from slack_emulator.state import Channel, Fault, OAuthCode, RecordedCall, State, User

logger = logging.getLogger(__name__)


# How often the emulator posts chat.scheduleMessage messages whose time has come.
SCHEDULE_POLL_SECONDS = 0.5


class SlackEmulator:
    """Slack Web API on a local port, with seeded state, fault injection and call recording;
    Socket Mode on a second port (apps.connections.open hands out its URLs).

    `bot_scopes` are what installing the app grants a workspace's bot token (what the app's
    manifest declares); every method checks the token's scopes as Slack does. `latency`
    (seconds) is added to every answer, for realistic runs.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        latency: float = 0.0,
        bot_scopes: Iterable[str] = (),
    ) -> None:
        self.host = host
        self.port = port
        self.latency = latency
        self.bot_scopes = frozenset(bot_scopes)
        self._state = State()
        self._server: EmulatorHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopped = threading.Event()
        self._scheduler: threading.Thread | None = None
        self._socket = SocketModeServer(self._state, host)

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> SlackEmulator:
        """Bind the port and serve in a daemon thread."""
        if self._server is not None:
            return self
        # latency is read per request so a benchmark can change it while the server runs.
        server = EmulatorHTTPServer((self.host, self.port), self._state, lambda: self.latency)
        self._server = server
        self.port = server.server_address[1]
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()
        self._stopped.clear()
        self._scheduler = threading.Thread(target=self._post_scheduled, daemon=True)
        self._scheduler.start()
        logger.debug("Slack emulator listening on %s", self.base_url)
        self._socket.start()
        with self._state.lock:
            self._state.socket_url = self._socket.link_url
        logger.debug(
            "Slack emulator listening on %s, Socket Mode on %s",
            self.base_url,
            self._socket.link_url,
        )
        return self

    def _post_scheduled(self) -> None:
        """Post scheduled messages when their time comes on the emulator's clock."""
        while not self._stopped.wait(SCHEDULE_POLL_SECONDS):
            self.deliver_scheduled()

    def stop(self) -> None:
        """Stop serving, close the Socket Mode connections and release the ports."""
        server, self._server = self._server, None
        if server is None:
            return
        self._stopped.set()
        if self._scheduler is not None:
            self._scheduler.join(timeout=5)
        with self._state.lock:
            self._state.socket_url = None
        self._socket.stop()
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        logger.debug("Slack emulator on port %s stopped", self.port)

    def __enter__(self) -> SlackEmulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def root_url(self) -> str:
        """http://host:port without a path."""
        if self._server is None:
            raise RuntimeError("SlackEmulator is not started")
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The Web API base URL, with the trailing slash WebClient needs."""
        return f"{self.root_url}/api/"

    # -- seeding ------------------------------------------------------------------------------

    def add_workspace(
        self,
        team_id: str,
        name: str = "",
        domain: str = "",
        token: str | None = None,
        scopes: Iterable[str] | None = None,
    ) -> str:
        """Install the app in a team; returns its bot token (generated unless given).

        The token holds `scopes`, by default the emulator's `bot_scopes` (what installing
        the app from its manifest grants).
        """
        granted = self.bot_scopes if scopes is None else frozenset(scopes)
        with self._state.lock:
            return self._state.add_workspace(
                team_id, name or team_id, domain or team_id.lower(), token, granted
            )

    def set_plan(self, team_id: str, plan: str) -> None:
        """Put a team on a plan: "free" teams cannot create standalone canvases."""
        with self._state.lock:
            self._state.workspace(team_id).plan = plan

    @property
    def canvases(self) -> dict[str, dict[str, Any]]:
        """Canvases by id: team_id, title, markdown, access (user or channel -> level), edits."""
        with self._state.lock:
            return copy.deepcopy(self._state.canvases)

    def scopes(self, team_id: str) -> frozenset[str]:
        """The scopes the team's bot token holds."""
        with self._state.lock:
            return self._state.workspace(team_id).scopes

    def bot_user_id(self, team_id: str) -> str:
        """The bot's user id in a team."""
        with self._state.lock:
            return self._state.workspace(team_id).bot_user_id

    def bot_id(self, team_id: str) -> str:
        """The bot's B… id in a team."""
        with self._state.lock:
            return self._state.workspace(team_id).bot_id

    def token(self, team_id: str) -> str:
        """The team's current bot token."""
        with self._state.lock:
            return self._state.workspace(team_id).token

    def add_user(
        self,
        team_id: str,
        user_id: str,
        name: str = "",
        real_name: str = "",
        tz: str = "UTC",
        is_admin: bool = False,
        is_owner: bool = False,
        deleted: bool = False,
        is_bot: bool = False,
        is_primary_owner: bool = False,
    ) -> None:
        """Add (or replace) a member of a team."""
        ZoneInfo(tz)  # fail here, not inside a later users.info call
        with self._state.lock:
            self._state.workspace(team_id)
            self._state.users[user_id] = User(
                id=user_id,
                team_id=team_id,
                name=name or user_id.lower(),
                real_name=real_name or name or user_id,
                tz=tz,
                is_admin=is_admin,
                is_owner=is_owner,
                deleted=deleted,
                is_bot=is_bot,
                is_primary_owner=is_primary_owner,
            )

    def add_channel(
        self,
        team_id: str,
        channel_id: str,
        name: str = "",
        is_private: bool = False,
        bot_is_member: bool = True,
    ) -> None:
        """Add (or replace) a channel; `bot_is_member=False` makes posts fail like Slack."""
        with self._state.lock:
            self._state.workspace(team_id)
            self._state.channels[channel_id] = Channel(
                id=channel_id,
                team_id=team_id,
                name=name or channel_id.lower(),
                is_private=is_private,
                bot_is_member=bot_is_member,
            )

    def dm_channel(self, team_id: str, user_id: str) -> str:
        """The D… id of the bot's DM with a user (the same id chat.postMessage returns)."""
        with self._state.lock:
            if self._state.team_user(team_id, user_id) is None:
                raise KeyError(f"unknown user {user_id!r} in team {team_id!r}")
            return self._state.ensure_dm(team_id, user_id).id

    def add_message(
        self,
        channel_id: str,
        user: str,
        text: str,
        blocks: list[Any] | None = None,
        thread_ts: str | None = None,
    ) -> str:
        """Seed a message written by someone else (e.g. a human); returns its ts."""
        with self._state.lock:
            channel = self._state.channels[channel_id]
            message = {
                "type": "message",
                "ts": self._state.next_ts(),
                "user": user,
                "text": text,
                "blocks": blocks or [],
                "thread_ts": thread_ts,
                "team": channel.team_id,
            }
            append_message(self._state, channel_id, message)
            return str(message["ts"])

    def show_ephemeral(self, channel_id: str, recipient: str, message: dict[str, Any]) -> str:
        """Show a slash command's immediate response the way Slack does: an ephemeral message
        to the user who typed it (the offline sandbox plays Slack's client); returns its ts."""
        with self._state.lock:
            channel = self._state.channels[channel_id]
            shown = {
                "type": "message",
                "ts": self._state.next_ts(),
                "text": str(message.get("text", "")),
                "blocks": list(message.get("blocks") or []),
                "recipient": recipient,
                "team": channel.team_id,
                "bot_id": self._state.workspace(channel.team_id).bot_id,
            }
            self._state.ephemerals.setdefault(channel_id, []).append(shown)
            return str(shown["ts"])

    def add_oauth_code(
        self,
        code: str,
        team_id: str,
        *,
        client_id: str,
        client_secret: str,
        scope: str,
        user_id: str | None = None,
    ) -> None:
        """Register a single-use code oauth.v2.access will exchange for a token with `scope`
        (what the consent page does; `authorize_url` plays the page itself)."""
        with self._state.lock:
            self._state.workspace(team_id)
            self._state.oauth_codes[code] = OAuthCode(
                team_id=team_id,
                client_id=client_id,
                client_secret=client_secret,
                user_id=user_id,
                scope=scope,
            )

    def register_app(
        self, client_id: str, client_secret: str, redirect_urls: Iterable[str] = ()
    ) -> None:
        """The app's OAuth credentials (Basic Information > App Credentials) and redirect
        URLs (OAuth & Permissions, or the manifest's oauth_config.redirect_urls)."""
        with self._state.lock:
            self._state.app_credentials[client_id] = client_secret
            self._state.redirect_urls[client_id] = list(redirect_urls)

    def consent_as(self, team_id: str, user_id: str) -> None:
        """Who clicks "Allow" on the consent page: installs go to this team."""
        with self._state.lock:
            self._state.workspace(team_id)
            self._state.consenting = (team_id, user_id)

    @property
    def authorize_url(self) -> str:
        """The consent page (what https://slack.com/oauth/v2/authorize is for Slack)."""
        return f"{self.root_url}/oauth/v2/authorize"

    # -- what Slack hands the app with each interaction ---------------------------------------

    def issue_trigger(self, team_id: str, user_id: str) -> str:
        """A new single-use trigger_id for an interaction by `user_id`."""
        with self._state.lock:
            self._state.workspace(team_id)
            return self._state.issue_trigger(team_id, user_id)

    def issue_response_url(
        self,
        team_id: str,
        user_id: str,
        channel_id: str,
        *,
        source: tuple[str, str, bool] | None = None,
    ) -> str:
        """A response_url this emulator serves; `source` is the (channel, ts, is_ephemeral)
        of the message the interaction came from."""
        with self._state.lock:
            self._state.workspace(team_id)
            return self._state.issue_response_url(
                self.root_url, team_id, user_id, channel_id, source
            )

    def set_lifetimes(
        self, *, trigger: float | None = None, response_url: float | None = None
    ) -> None:
        """Shorten Slack's trigger_id (3 s) and response_url (30 min) lifetimes, for tests."""
        with self._state.lock:
            if trigger is not None:
                self._state.trigger_ttl = trigger
            if response_url is not None:
                self._state.response_url_ttl = response_url

    def add_app_token(
        self, token: str | None = None, scopes: tuple[str, ...] = ("connections:write",)
    ) -> str:
        """Register an app-level token (xapp-…, generated unless given) for Socket Mode."""
        if token is not None and not token.startswith("xapp-"):
            raise ValueError("an app-level token starts with 'xapp-'")
        with self._state.lock:
            return self._state.add_app_token(token, tuple(scopes))

    def revoke_workspace(self, team_id: str) -> None:
        """Simulate an uninstall: the team's token now answers `token_revoked`."""
        with self._state.lock:
            self._state.workspace(team_id).revoked = True

    # -- fault injection ----------------------------------------------------------------------

    def _add_fault(self, method: str, fault: Fault) -> None:
        with self._state.lock:
            self._state.faults.setdefault(method, []).append(fault)

    def fail(self, method: str, error: str, times: int = 1) -> None:
        """Answer the next `times` calls of a method with HTTP 200 `{"ok": false, "error"}`."""
        self._add_fault(method, Fault("error", times, error=error))

    def rate_limit(self, method: str, retry_after: int = 1, times: int = 1) -> None:
        """Answer the next `times` calls of a method with HTTP 429 and Retry-After."""
        self._add_fault(method, Fault("ratelimit", times, retry_after=retry_after))

    def server_error(self, method: str, status: int = 500, times: int = 1) -> None:
        """Answer the next `times` calls of a method with an HTTP 5xx."""
        self._add_fault(method, Fault("server", times, status=status))

    def store_then_fail(self, method: str, status: int = 500, times: int = 1) -> None:
        """Do the next `times` calls of a method (a message is stored), then answer an HTTP
        5xx `internal_error`, as Slack documents can happen after partial success."""
        self._add_fault(method, Fault("partial", times, status=status))

    def store_then_drop(self, method: str, times: int = 1) -> None:
        """Do the next `times` calls of a method, then close the connection unanswered."""
        self._add_fault(method, Fault("drop", times))

    def clear_faults(self) -> None:
        """Drop every pending injected fault."""
        with self._state.lock:
            self._state.faults.clear()

    # -- recording ----------------------------------------------------------------------------

    @property
    def calls(self) -> list[RecordedCall]:
        """Every call so far, in order (a snapshot copy)."""
        with self._state.lock:
            return list(self._state.calls)

    def calls_to(self, method: str, ok_only: bool = False) -> list[RecordedCall]:
        """Calls of one method, optionally only the successful ones."""
        with self._state.lock:
            return [c for c in self._state.matching(method, None) if c.ok or not ok_only]

    def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5.0,
        predicate: Callable[[RecordedCall], bool] | None = None,
    ) -> list[RecordedCall]:
        """Block until `count` matching calls are recorded; returns all matching calls."""
        state = self._state
        with state.recorded:
            if state.recorded.wait_for(
                lambda: len(state.matching(method, predicate)) >= count, timeout=timeout
            ):
                return state.matching(method, predicate)
            seen = state.matching(method, predicate)
            summary = "\n".join(
                f"  {c.method} status={c.status} ok={c.ok} error={c.error} "
                f"params={json.dumps(c.params, default=str)[:200]}"
                for c in state.calls
            )
        raise AssertionError(
            f"timed out after {timeout}s waiting for {count} call(s) to {method}"
            f"{' matching predicate' if predicate else ''}; got {len(seen)}. "
            f"Calls seen ({len(state.calls)}):\n{summary or '  (none)'}"
        )

    def wait_until(self, condition: Callable[[], bool], timeout: float = 5.0) -> None:
        """Block until `condition()` holds (re-checked whenever a call is recorded and every
        scheduled-message poll); AssertionError after `timeout`."""
        deadline = time.monotonic() + timeout
        while not condition():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"condition not met within {timeout}s")
            with self._state.recorded:
                self._state.recorded.wait(min(remaining, SCHEDULE_POLL_SECONDS))

    def response_to(self, response_url: str, timeout: float = 5.0) -> dict[str, Any]:
        """The first message the app posted to `response_url` (waiting for it)."""
        path = urlsplit(response_url).path
        [first, *_] = self.wait_for(
            "response_url", timeout=timeout, predicate=lambda c: c.url == path and c.ok
        )
        return copy.deepcopy(first.params)

    def wait_idle(self, timeout: float = 5.0) -> None:
        """Block until no request is being answered (e.g. after the client was killed)."""
        server = self._server
        if server is None:
            return
        with server.busy:
            if not server.busy.wait_for(lambda: server.in_flight == 0, timeout=timeout):
                raise AssertionError(f"the emulator was still busy after {timeout}s")

    @property
    def connections(self) -> int:
        """HTTP connections accepted so far (clients that keep them alive open few)."""
        return self._server.connections if self._server is not None else 0

    def close_idle_connections(self) -> int:
        """Close the kept-alive connections waiting for a next request, as a server's idle
        timeout does; returns how many."""
        return self._server.close_idle() if self._server is not None else 0

    def reset_calls(self) -> None:
        """Forget recorded calls (state and faults stay)."""
        with self._state.lock:
            self._state.calls.clear()

    # -- socket mode --------------------------------------------------------------------------

    def socket_deliver(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        timeout: float = ACK_DEADLINE_SECONDS,
        retry_attempt: int = 0,
        retry_reason: str = "",
    ) -> SocketAck:
        """Send one envelope (`slash_commands`, `interactive` or `events_api`) to one connected
        app, round robin, and wait up to `timeout` for its ack (Slack's 3 seconds)."""
        return self._socket.deliver(
            kind, payload, timeout=timeout, retry_attempt=retry_attempt, retry_reason=retry_reason
        )

    def socket_disconnect(self, reason: str = "refresh_requested") -> int:
        """Ask every connection to go (the app reconnects through apps.connections.open);
        returns how many were asked."""
        return self._socket.disconnect(reason)

    def wait_for_socket_connections(
        self, count: int, timeout: float = 5.0, *, draining: int | None = None
    ) -> None:
        """Block until exactly `count` Socket Mode connections are open and greeted (and, when
        `draining` is given, that many sent `disconnect` are still open)."""
        self._socket.wait_for_connections(count, timeout=timeout, draining=draining)

    def wait_for_socket_acks(self, count: int, timeout: float = 5.0) -> list[ReceivedAck]:
        """Block until `count` acks arrived, late ones included; returns every ack so far."""
        return self._socket.wait_for_acks(count, timeout=timeout)

    @property
    def socket_connections(self) -> int:
        """Socket Mode connections open now (greeted, not asked to go)."""
        return self._socket.connection_count()

    @property
    def socket_connections_opened(self) -> int:
        """Socket Mode connections ever accepted."""
        return self._socket.opened

    @property
    def socket_envelopes(self) -> list[SentEnvelope]:
        """Every envelope sent over Socket Mode, with the connection that carried it."""
        return self._socket.envelopes

    @property
    def socket_acks(self) -> list[ReceivedAck]:
        """Every ack the app sent back, on time or not."""
        return self._socket.acks

    @property
    def socket_refusals(self) -> list[RefusedConnection]:
        """Socket Mode connection attempts turned away (bad ticket, too many connections)."""
        return self._socket.refused

    # -- inspection ---------------------------------------------------------------------------

    def messages(self, channel_id: str) -> list[dict[str, Any]]:
        """Current messages (including thread replies) in a channel or DM, oldest first."""
        with self._state.lock:
            return copy.deepcopy(self._state.messages.get(channel_id, []))

    def scheduled_messages(self, channel_id: str) -> list[dict[str, Any]]:
        """Messages scheduled with chat.scheduleMessage and not yet posted, in post_at order.

        Each has id, channel_id, post_at, date_created, text and blocks.
        """
        with self._state.lock:
            pending = self._state.scheduled.get(channel_id, [])
            return [
                {k: copy.deepcopy(v) for k, v in m.items() if k != "message"}
                for m in sorted(pending, key=lambda m: m["post_at"])
            ]

    def set_clock(self, now: Callable[[], float] | None) -> None:
        """Judge scheduled times against `now()` (unix seconds) instead of real time."""
        with self._state.lock:
            self._state.clock = now

    def deliver_scheduled(self) -> int:
        """Post the scheduled messages that are due by the emulator's clock; returns how many."""
        with self._state.lock:
            return deliver_scheduled(self._state)

    def ephemerals(self, channel_id: str) -> list[dict[str, Any]]:
        """Ephemeral messages shown in a channel; each has a `recipient` user id."""
        with self._state.lock:
            return copy.deepcopy(self._state.ephemerals.get(channel_id, []))

    def home_view(self, team_id: str, user_id: str) -> dict[str, Any] | None:
        """The last Home tab published for a user, or None."""
        with self._state.lock:
            view_id = self._state.home_views.get((team_id, user_id))
            return copy.deepcopy(self._state.views[view_id]) if view_id else None

    def view_owner(self, view_id: str) -> str | None:
        """The user a modal was opened for (the one whose trigger_id opened it)."""
        with self._state.lock:
            return self._state.view_owners.get(view_id)

    @property
    def open_views(self) -> dict[str, dict[str, Any]]:
        """Modals currently open (opened or pushed, not closed), by view id."""
        with self._state.lock:
            return {
                view_id: copy.deepcopy(self._state.views[view_id])
                for stack in self._state.view_stacks
                for view_id in stack
            }

    def close_view(self, view_id: str) -> None:
        """Close a modal and every view pushed above it (what the user's X/submit would do)."""
        with self._state.lock:
            for stack in self._state.view_stacks:
                if view_id in stack:
                    del stack[stack.index(view_id) :]
            self._state.view_stacks = [s for s in self._state.view_stacks if s]

    def image(self, team_id: str, file_id: str) -> tuple[str, bytes] | None:
        """(mimetype, bytes) of a completed image upload of `team_id`, or None: what a Slack
        client shows for an image block's slack_file (the sandbox page serves it)."""
        with self._state.lock:
            record = self._state.files.get(file_id)
            if record is None or record["team_id"] != team_id or not record["completed"]:
                return None
            mimetype = str(record.get("mimetype") or "")
            return (mimetype, bytes(record["content"])) if mimetype.startswith("image/") else None

    @property
    def files(self) -> dict[str, dict[str, Any]]:
        """Uploaded files by id: filename, title, content (bytes), channel_id, completed."""
        with self._state.lock:
            return {
                file_id: {
                    key: record[key]
                    for key in ("filename", "title", "content", "channel_id", "completed")
                }
                for file_id, record in self._state.files.items()
            }
