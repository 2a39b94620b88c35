"""In-memory Slack state for the emulator: workspaces, users, channels, messages, views, files."""

from __future__ import annotations

import copy
import hashlib
import marshal
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

APP_ID = "A0EMULATOR1"
# "Pass a valid trigger_id within 3 seconds of receiving it" (docs.slack.dev, opening modals).
TRIGGER_TTL = 3.0
# "respond to a user's command up to 5 times within 30 minutes" (Slack's slash command docs).
RESPONSE_URL_TTL = 30 * 60.0
RESPONSE_URL_USES = 5
# How long an apps.connections.open URL can be used. Slack's docs call the URL "temporary" and
# give no figure (apps.connections.open, Socket Mode pages): 30 s is the emulator's choice, far
# longer than the SDK clients take (they connect as soon as the URL arrives).
SOCKET_TICKET_SECONDS = 30.0


def json_copy(value: Any) -> Any:
    """A deep copy of JSON-shaped data (dicts, lists, strings, numbers): what the emulator
    stores and answers is always that. Copied by `marshal`, in C: a prompt's 4.5 kB of
    blocks in 21 us, against 64 us for a Python walk over them (chat.postMessage copies
    them three times). Anything marshal refuses is deep-copied."""
    try:
        return marshal.loads(marshal.dumps(value))
    except ValueError:  # not JSON-shaped (a subclass, an object): the general way
        return copy.deepcopy(value)


@dataclass(frozen=True)
class RecordedCall:
    """One Web API call as the emulator saw and answered it."""

    method: str
    params: dict[str, Any]
    token: str | None
    team_id: str | None
    status: int
    response: dict[str, Any]
    at: float
    url: str | None = None  # for response_url posts: the path that was posted to

    @property
    def ok(self) -> bool:
        """True when Slack would have answered HTTP 200 with `"ok": true`."""
        return self.status == 200 and bool(self.response.get("ok"))

    @property
    def error(self) -> str | None:
        """The Slack error code of a failed call, else None."""
        return None if self.ok else self.response.get("error")


@dataclass
class User:
    """A workspace member (or the app's bot user)."""

    id: str
    team_id: str
    name: str
    real_name: str
    tz: str
    is_admin: bool = False
    is_owner: bool = False
    deleted: bool = False
    is_bot: bool = False
    is_primary_owner: bool = False


@dataclass
class Channel:
    """A public/private channel or the bot's DM with one user (`user` set)."""

    id: str
    team_id: str
    name: str
    is_private: bool = False
    bot_is_member: bool = True
    user: str | None = None
    created: int = field(default_factory=lambda: int(time.time()))

    @property
    def is_im(self) -> bool:
        """True for a DM channel."""
        return self.user is not None


@dataclass
class Workspace:
    """One installed team and the bot's identity in it; its token carries `scopes`."""

    id: str
    name: str
    domain: str
    token: str
    bot_user_id: str
    bot_id: str
    scopes: frozenset[str] = frozenset()
    revoked: bool = False
    plan: str = "pro"  # "free" workspaces cannot create standalone canvases


@dataclass
class Trigger:
    """A trigger_id Slack handed out with an interaction: single-use, valid for a few seconds."""

    team_id: str
    user_id: str
    issued: float  # time.monotonic() when issued
    used: bool = False


@dataclass
class ResponseUrl:
    """A response_url Slack handed out: where the app may answer the interaction.

    `source` is the message the interaction came from, (channel, ts, is_ephemeral), so
    replace_original/delete_original have something to act on; a slash command has none.
    """

    team_id: str
    user_id: str
    channel_id: str
    issued: float  # time.monotonic()
    source: tuple[str, str, bool] | None = None
    uses: int = 0


@dataclass
class Fault:
    """An injected failure for the next `remaining` calls of a method."""

    kind: str  # "error", "ratelimit", "server", "partial" (done, then 5xx) or "drop"
    remaining: int
    error: str = ""
    retry_after: int = 0
    status: int = 500


@dataclass
class OAuthCode:
    """A code the emulator's oauth.v2.access will exchange once, for the scopes asked for."""

    team_id: str
    client_id: str
    client_secret: str
    user_id: str | None
    scope: str
    redirect_uri: str = ""


def _digits(text: str) -> str:
    """A stable number standing for a team id in a trigger id."""
    return str(int(hashlib.sha1(text.encode()).hexdigest()[:8], 16))


@dataclass(frozen=True)
class AppToken:
    """An app-level token (xapp-…): it opens Socket Mode connections and nothing else."""

    token: str
    scopes: tuple[str, ...]


@dataclass
class SocketTicket:
    """The single-use ticket in one apps.connections.open URL."""

    app_id: str
    expires_at: float  # time.monotonic(): the settable emulator clock must not expire tickets
    used: bool = False


def dm_channel_id(team_id: str, user_id: str) -> str:
    """Deterministic DM id for the bot's DM with a user, independent of call order."""
    digest = hashlib.sha1(f"{team_id}:{user_id}".encode()).hexdigest()[:10].upper()
    return f"D{digest}"


class State:
    """Everything the emulator knows; every access goes through `lock`."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        # Notified whenever a call is recorded so wait_for() needs no polling.
        self.recorded = threading.Condition(self.lock)
        self.workspaces: dict[str, Workspace] = {}
        self.tokens: dict[str, str] = {}  # token -> team_id
        self.users: dict[str, User] = {}
        self.users_page_size = 200  # users.list's largest page here (tests shrink it)
        self.channels: dict[str, Channel] = {}
        self.messages: dict[str, list[dict[str, Any]]] = {}
        self.ephemerals: dict[str, list[dict[str, Any]]] = {}
        self.views: dict[str, dict[str, Any]] = {}  # view_id -> view (modals and home tabs)
        self.view_stacks: list[list[str]] = []  # modal stacks, most recent last
        self.home_views: dict[tuple[str, str], str] = {}  # (team, user) -> view_id
        self.files: dict[str, dict[str, Any]] = {}
        self.canvases: dict[str, dict[str, Any]] = {}  # canvas id -> title, markdown, access
        self.oauth_codes: dict[str, OAuthCode] = {}
        # The app's credentials (for oauth.v2.access) and who consents on the authorize page.
        self.app_credentials: dict[str, str] = {}  # client_id -> client_secret
        self.redirect_urls: dict[str, list[str]] = {}  # client_id -> configured redirect URLs
        self.consenting: tuple[str, str] | None = None  # (team, user) "signed in" to Slack
        self.triggers: dict[str, Trigger] = {}
        self.response_urls: dict[str, ResponseUrl] = {}
        self.view_owners: dict[str, str] = {}  # view id -> user the modal was opened for
        # Slack's documented lifetimes, in seconds; tests may shorten them.
        self.trigger_ttl = TRIGGER_TTL
        self.response_url_ttl = RESPONSE_URL_TTL
        self.faults: dict[str, list[Fault]] = {}
        self.calls: list[RecordedCall] = []
        # Socket Mode: app-level tokens, the tickets apps.connections.open handed out, and the
        # ws://…/link/ address of the emulator's Socket Mode server (None until it starts).
        self.app_tokens: dict[str, AppToken] = {}
        self.socket_tickets: dict[str, SocketTicket] = {}
        self.socket_url: str | None = None
        # chat.scheduleMessage: channel -> pending messages, each with id, post_at, text, blocks.
        self.scheduled: dict[str, list[dict[str, Any]]] = {}
        # What "now" is for scheduling checks: real time unless a test sets a clock.
        self.clock: Callable[[], float] | None = None
        self._seq = 0
        self._run = secrets.token_hex(4).upper()
        self._last_ts = 0

    # -- time and ids -------------------------------------------------------------------------

    def now(self) -> float:
        """The emulator's current unix time (the settable clock, else real time)."""
        return self.clock() if self.clock is not None else time.time()

    def next_id(self, prefix: str) -> str:
        """Next Slack-looking id such as V00000014F3A9C2E: a counter, then a tag of this
        emulator's own, so that one started again never hands out an id it gave before (the
        app keys replays on view ids, and the sandbox keeps its database across restarts)."""
        self._seq += 1
        return f"{prefix}{self._seq:07d}{self._run}"

    def next_ts(self) -> str:
        """Next message ts, as Slack makes them: the message's unix time to the microsecond
        ("1405894322.002768", a ts "uniquely identifying it within a channel": docs.slack.dev,
        chat.getPermalink; "the unique (per-channel) timestamp", the message event's page),
        on the emulator's clock, and never one it handed out before
        (one later than the last when the clock has not moved on). So a restarted emulator
        does not hand out its last run's again, and a DM's replay key (channel and ts) stays
        unique in a database kept across runs."""
        micros = max(int(self.now() * 1_000_000), self._last_ts + 1)
        self._last_ts = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    # -- setup --------------------------------------------------------------------------------

    def add_workspace(
        self, team_id: str, name: str, domain: str, token: str | None, scopes: frozenset[str]
    ) -> str:
        """Register a team with its bot user; returns the bot token."""
        token = token or f"xoxb-{team_id}-{secrets.token_hex(12)}"
        ws = Workspace(
            id=team_id,
            name=name,
            domain=domain,
            token=token,
            bot_user_id=f"U{team_id}BOT",
            bot_id=f"B{team_id}BOT",
            scopes=scopes,
        )
        self.workspaces[team_id] = ws
        self.tokens[token] = team_id
        self.users[ws.bot_user_id] = User(
            id=ws.bot_user_id,
            team_id=team_id,
            name="transition-coach",
            real_name="Transition Coach",
            tz="America/Los_Angeles",
            is_bot=True,
        )
        return token

    def add_app_token(self, token: str | None, scopes: tuple[str, ...]) -> str:
        """Register an app-level token for the emulator's app; returns it."""
        token = token or f"xapp-1-{APP_ID}-{self.next_id('')}-{secrets.token_hex(16)}"
        self.app_tokens[token] = AppToken(token=token, scopes=scopes)
        return token

    def issue_socket_ticket(self) -> str:
        """A fresh single-use ticket for a Socket Mode URL."""
        ticket = secrets.token_urlsafe(16)
        self.socket_tickets[ticket] = SocketTicket(
            app_id=APP_ID, expires_at=time.monotonic() + SOCKET_TICKET_SECONDS
        )
        return ticket

    def take_socket_ticket(self, ticket: str) -> tuple[str | None, str]:
        """Use a ticket up: (its app id, "") or (None, why it is refused)."""
        found = self.socket_tickets.get(ticket)
        if found is None:
            return None, "unknown_ticket"
        if found.used:
            return None, "used_ticket"
        found.used = True
        if time.monotonic() > found.expires_at:
            return None, "expired_ticket"
        return found.app_id, ""

    def workspace(self, team_id: str) -> Workspace:
        """The workspace, or KeyError naming the missing team."""
        try:
            return self.workspaces[team_id]
        except KeyError:
            raise KeyError(f"unknown team {team_id!r}: call add_workspace() first") from None

    def team_user(self, team_id: str, user_id: str) -> User | None:
        """The user if they belong to that team."""
        user = self.users.get(user_id)
        return user if user is not None and user.team_id == team_id else None

    def team_channel(self, team_id: str, channel_id: str) -> Channel | None:
        """The channel if it belongs to that team."""
        channel = self.channels.get(channel_id)
        return channel if channel is not None and channel.team_id == team_id else None

    def ensure_dm(self, team_id: str, user_id: str) -> Channel:
        """The bot's DM channel with a user, created on first use."""
        channel_id = dm_channel_id(team_id, user_id)
        channel = self.channels.get(channel_id)
        if channel is None:
            channel = Channel(id=channel_id, team_id=team_id, name=user_id, user=user_id)
            self.channels[channel_id] = channel
        return channel

    # -- what Slack hands the app with each interaction ---------------------------------------

    def issue_trigger(self, team_id: str, user_id: str) -> str:
        """A fresh trigger id in Slack's `<digits>.<digits>.<hex>` shape, unique across runs."""
        self._seq += 1
        trigger_id = f"{int(time.time())}{self._seq:04d}.{_digits(team_id)}.{secrets.token_hex(16)}"
        self.triggers[trigger_id] = Trigger(team_id, user_id, time.monotonic())
        return trigger_id

    def issue_response_url(
        self,
        root_url: str,
        team_id: str,
        user_id: str,
        channel_id: str,
        source: tuple[str, str, bool] | None = None,
    ) -> str:
        """A response_url served by this emulator (never Slack's hooks host)."""
        key = f"{team_id}/{secrets.token_urlsafe(18)}"
        issued = time.monotonic()
        self.response_urls[key] = ResponseUrl(team_id, user_id, channel_id, issued, source)
        return f"{root_url}/respond/{key}"

    # -- messages -----------------------------------------------------------------------------

    def find_message(self, channel_id: str, ts: str) -> dict[str, Any] | None:
        """The live message with that ts in a channel."""
        for message in self.messages.get(channel_id, []):
            if message["ts"] == ts:
                return message
        return None

    # -- faults and recording -----------------------------------------------------------------

    def take_fault(self, method: str) -> Fault | None:
        """Consume one use of the oldest pending fault for a method."""
        queue = self.faults.get(method)
        if not queue:
            return None
        fault = queue[0]
        fault.remaining -= 1
        if fault.remaining <= 0:
            queue.pop(0)
        return fault

    def record(self, call: RecordedCall) -> None:
        """Append a call and wake every wait_for()."""
        with self.recorded:
            self.calls.append(call)
            self.recorded.notify_all()

    def matching(
        self, method: str, predicate: Callable[[RecordedCall], bool] | None
    ) -> list[RecordedCall]:
        """Recorded calls of a method that satisfy the predicate."""
        return [c for c in self.calls if c.method == method and (predicate is None or predicate(c))]
