"""Web API method handlers: each takes the state and one request and returns the success body."""

from __future__ import annotations

import base64
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_emulator.blockkit import (
    MAX_FALLBACK_TEXT,
    canvas_refs,
    message_problems,
    slack_file_refs,
)
from slack_emulator.state import (
    APP_ID,
    Channel,
    State,
    User,
    Workspace,
    dm_channel_id,
    json_copy,
)


class ApiError(Exception):
    """A Slack error answer: `{"ok": false, "error": ...}`, HTTP 200 unless `status` is set;
    `fields` are extra top-level keys (missing_scope's `needed` and `provided`)."""

    def __init__(
        self,
        error: str,
        messages: list[str] | None = None,
        status: int = 200,
        fields: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(error)
        self.error = error
        self.messages = messages or []
        self.status = status
        self.fields = fields or {}


@dataclass
class Request:
    """One decoded Web API request."""

    method: str
    params: dict[str, Any]
    token: str | None
    workspace: Workspace | None
    root_url: str  # e.g. http://127.0.0.1:1234, for URLs that point back at the emulator
    basic_auth: tuple[str, str] | None = None
    bearer: str | None = None  # the token from the Authorization header only

    @property
    def ws(self) -> Workspace:
        """The caller's workspace (auth was checked before the handler runs)."""
        assert self.workspace is not None
        return self.workspace

    def str_param(self, name: str) -> str:
        """A parameter as a string, "" when missing."""
        value = self.params.get(name)
        return "" if value is None else str(value)


Handler = Callable[[State, Request], dict[str, Any]]
METHODS: dict[str, Handler] = {}
NO_AUTH: set[str] = set()


def method(name: str, *, auth: bool = True) -> Callable[[Handler], Handler]:
    """Register a handler for a Web API method."""

    def register(fn: Handler) -> Handler:
        METHODS[name] = fn
        if not auth:
            NO_AUTH.add(name)
        return fn

    return register


# -- shared helpers ---------------------------------------------------------------------------


def _check_dm_user(user: User) -> None:
    if user.deleted:
        raise ApiError("user_disabled")
    if user.is_bot:
        raise ApiError("cannot_dm_bot")


def post_target(state: State, ws: Workspace, channel_param: str) -> Channel:
    """Resolve chat.postMessage's `channel` (id, #name or user id) the way Slack does."""
    if channel_param[:1] in ("U", "W"):
        user = state.team_user(ws.id, channel_param)
        if user is None:
            raise ApiError("user_not_found")
        _check_dm_user(user)
        return state.ensure_dm(ws.id, user.id)
    if channel_param.startswith("#"):
        name = channel_param[1:]
        found = [
            c
            for c in state.channels.values()
            if c.team_id == ws.id and c.name == name and not c.is_im
        ]
        channel = found[0] if found else None
    else:
        channel = state.team_channel(ws.id, channel_param)
    if channel is None:
        raise ApiError("channel_not_found")
    if channel.is_im:
        assert channel.user is not None
        dm_user = state.team_user(ws.id, channel.user)
        if dm_user is not None:
            _check_dm_user(dm_user)
    elif not channel.bot_is_member:
        # A private channel the bot is not in is invisible to it, not merely "not joined".
        raise ApiError("channel_not_found" if channel.is_private else "not_in_channel")
    return channel


def _existing_channel(state: State, ws: Workspace, channel_id: str) -> Channel:
    channel = state.team_channel(ws.id, channel_id)
    if channel is None or (channel.is_private and not channel.bot_is_member):
        raise ApiError("channel_not_found")
    return channel


def _check_message(state: State, team_id: str, text: Any, blocks: Any, attachments: Any) -> None:
    if blocks is not None and not isinstance(blocks, list):
        raise ApiError("invalid_blocks_format")
    if not text and not blocks and not attachments:
        raise ApiError("no_text")
    if isinstance(text, str) and len(text) > MAX_FALLBACK_TEXT:
        raise ApiError("msg_too_long")
    problems = message_problems(text if text else None, blocks if blocks else None)
    if blocks and not problems:
        problems = file_problems(state, team_id, blocks)
    if blocks and problems:
        raise ApiError("invalid_blocks", problems)


def file_problems(state: State, team_id: str, blocks: Any, pointer: str = "/blocks") -> list[str]:
    """Problems with the Slack files that image blocks name: the file "must be an image"
    (png, jpg, jpeg or gif) "and the user posting these blocks must have access to this
    file" (https://docs.slack.dev/reference/block-kit/composition-objects/slack-file-object).
    Here: a completed upload of this workspace, by the app, whose bytes are an image;
    anything else gets Slack's "invalid slack file". Caller holds state.lock."""
    problems = []
    by_url = {r["url_private"]: r for r in state.files.values() if r.get("url_private")}
    for where, ref in slack_file_refs(blocks, pointer):
        record = state.files.get(ref["id"]) if "id" in ref else by_url.get(ref.get("url"))
        if (
            record is None
            or record["team_id"] != team_id
            or not record["completed"]
            or not str(record.get("mimetype") or "").startswith("image/")
        ):
            problems.append(f"[ERROR] invalid slack file [json-pointer:{where}]")
    # A rich text canvas element must name a canvas of this workspace.
    for where, file_id in canvas_refs(blocks, pointer):
        canvas = state.canvases.get(file_id)
        if canvas is None or canvas["team_id"] != team_id:
            problems.append(f"[ERROR] invalid canvas [json-pointer:{where}]")
    return problems


def _message_body(
    state: State, ws: Workspace, req: Request, *, user: str | None = None
) -> dict[str, Any]:
    text = req.params.get("text")
    blocks = req.params.get("blocks")
    attachments = req.params.get("attachments")
    _check_message(state, ws.id, text, blocks, attachments)
    message: dict[str, Any] = {
        "type": "message",
        "ts": state.next_ts(),
        "user": user or ws.bot_user_id,
        "text": text or "",
        "blocks": json_copy(blocks) if blocks else [],
        "thread_ts": req.params.get("thread_ts") or None,
        "team": ws.id,
    }
    if user is None:
        message.update(bot_id=ws.bot_id, app_id=APP_ID)
    metadata = req.params.get("metadata")
    if metadata and not (
        isinstance(metadata, dict)
        and isinstance(metadata.get("event_type"), str)
        and isinstance(metadata.get("event_payload"), dict)
    ):
        raise ApiError("invalid_metadata_format")
    for key in ("attachments", "metadata"):
        if req.params.get(key):
            message[key] = json_copy(req.params[key])
    return message


def append_message(state: State, channel_id: str, message: dict[str, Any]) -> None:
    """Store a message, keeping thread bookkeeping on the parent like Slack does."""
    thread_ts = message.get("thread_ts")
    if thread_ts:
        parent = state.find_message(channel_id, thread_ts)
        if parent is not None:
            parent["thread_ts"] = parent["ts"]
            parent["reply_count"] = parent.get("reply_count", 0) + 1
            parent["latest_reply"] = message["ts"]
    state.messages.setdefault(channel_id, []).append(message)


def _own_message(state: State, req: Request, not_mine: str) -> tuple[Channel, dict[str, Any]]:
    channel = _existing_channel(state, req.ws, req.str_param("channel"))
    message = state.find_message(channel.id, req.str_param("ts"))
    if message is None:
        raise ApiError("message_not_found")
    if message.get("user") != req.ws.bot_user_id:
        raise ApiError(not_mine)
    return channel, message


def user_object(user: User) -> dict[str, Any]:
    """Slack's users.info user object."""
    now = datetime.now(ZoneInfo(user.tz))
    offset = now.utcoffset()
    profile: dict[str, Any] = {
        "real_name": user.real_name,
        "real_name_normalized": user.real_name,
        "display_name": user.name,
        "display_name_normalized": user.name,
        "team": user.team_id,
    }
    if user.is_bot:
        profile["bot_id"] = f"B{user.team_id}BOT"
    return {
        "id": user.id,
        "team_id": user.team_id,
        "name": user.name,
        "deleted": user.deleted,
        "real_name": user.real_name,
        "tz": user.tz,
        "tz_label": now.tzname(),
        "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
        "is_admin": user.is_admin,
        "is_owner": user.is_owner,
        "is_primary_owner": user.is_primary_owner,
        "is_restricted": False,
        "is_ultra_restricted": False,
        "is_bot": user.is_bot,
        "is_app_user": False,
        "updated": int(time.time()),
        "profile": profile,
    }


def channel_object(channel: Channel) -> dict[str, Any]:
    """Slack's conversations.info channel object."""
    if channel.is_im:
        return {
            "id": channel.id,
            "created": channel.created,
            "is_im": True,
            "is_org_shared": False,
            "user": channel.user,
            "is_archived": False,
            "context_team_id": channel.team_id,
        }
    return {
        "id": channel.id,
        "name": channel.name,
        "is_channel": not channel.is_private,
        "is_group": channel.is_private,
        "is_im": False,
        "is_mpim": False,
        "is_private": channel.is_private,
        "created": channel.created,
        "is_archived": False,
        "is_general": False,
        "is_member": channel.bot_is_member,
        "context_team_id": channel.team_id,
    }


# -- api / auth / team / users / conversations ------------------------------------------------


@method("api.test", auth=False)
def api_test(state: State, req: Request) -> dict[str, Any]:
    """Echo the arguments; an `error` argument makes it fail with that error, like Slack."""
    if req.params.get("error"):
        raise ApiError(req.str_param("error"))
    return {"args": {k: v for k, v in req.params.items() if k != "token"}}


@method("auth.test")
def auth_test(state: State, req: Request) -> dict[str, Any]:
    """Identify the bot behind the token."""
    ws = req.ws
    return {
        "url": f"https://{ws.domain}.slack.com/",
        "team": ws.name,
        "user": state.users[ws.bot_user_id].name,
        "team_id": ws.id,
        "user_id": ws.bot_user_id,
        "bot_id": ws.bot_id,
        "app_id": APP_ID,
        "is_enterprise_install": False,
    }


@method("team.info")
def team_info(state: State, req: Request) -> dict[str, Any]:
    """The caller's team."""
    team_id = req.str_param("team") or req.ws.id
    ws = state.workspaces.get(team_id)
    if ws is None or team_id != req.ws.id:
        raise ApiError("team_not_found")
    return {
        "team": {
            "id": ws.id,
            "name": ws.name,
            "domain": ws.domain,
            "email_domain": "",
            "icon": {"image_default": True},
        }
    }


@method("users.info")
def users_info(state: State, req: Request) -> dict[str, Any]:
    """One user of the caller's team."""
    user = state.team_user(req.ws.id, req.str_param("user"))
    if user is None:
        raise ApiError("user_not_found")
    return {"user": user_object(user)}


# users.list pages: Slack may return fewer than `limit` members even before the end ("Fewer
# than the requested number of items may be returned"), and a team this large with no
# `limit` answers `limit_required`. https://docs.slack.dev/reference/methods/users.list
USERS_PAGE_MAX = 1000
USERS_LIMIT_REQUIRED_OVER = 1000


@method("users.list")
def users_list(state: State, req: Request) -> dict[str, Any]:
    """The caller's team's members, bots and deleted accounts included (as Slack lists
    them), ordered by id and paged with an opaque cursor."""
    members = sorted(
        (u for u in state.users.values() if u.team_id == req.ws.id), key=lambda u: u.id
    )
    raw_limit = req.str_param("limit").strip()
    if raw_limit and not raw_limit.isdigit():
        raise ApiError("invalid_arguments", ["[ERROR] limit must be a number"])
    limit = int(raw_limit or 0)
    if limit == 0 and len(members) > USERS_LIMIT_REQUIRED_OVER:
        raise ApiError("limit_required")
    # The emulator hands out at most `state.users_page_size` per page, so a client that
    # stops at the first page (instead of following next_cursor) misses members, as it would
    # on a big Slack team.
    page = min(limit or USERS_PAGE_MAX, USERS_PAGE_MAX, state.users_page_size)
    start = 0
    cursor = req.str_param("cursor")
    if cursor:
        try:
            after = base64.b64decode(cursor.encode(), validate=True).decode()
        except (ValueError, UnicodeDecodeError):
            raise ApiError("invalid_cursor") from None
        if not after.startswith("user:"):
            raise ApiError("invalid_cursor")
        start = next(
            (i for i, u in enumerate(members) if u.id > after.removeprefix("user:")), len(members)
        )
    chosen = members[start : start + page]
    more = start + page < len(members)
    next_cursor = base64.b64encode(f"user:{chosen[-1].id}".encode()).decode() if more else ""
    return {
        "members": [user_object(u) for u in chosen],
        "cache_ts": int(time.time()),
        "response_metadata": {"next_cursor": next_cursor},
    }


@method("conversations.info")
def conversations_info(state: State, req: Request) -> dict[str, Any]:
    """One channel or DM."""
    return {"channel": channel_object(_existing_channel(state, req.ws, req.str_param("channel")))}


@method("conversations.open")
def conversations_open(state: State, req: Request) -> dict[str, Any]:
    """Open (or find) the bot's DM with one user."""
    if req.params.get("channel"):
        channel = _existing_channel(state, req.ws, req.str_param("channel"))
        already = True
    else:
        users = [u.strip() for u in req.str_param("users").split(",") if u.strip()]
        if not users:
            raise ApiError("users_list_not_supplied")
        if len(users) > 1:
            raise ApiError("not_supported", ["[ERROR] the emulator only opens 1:1 DMs"])
        user = state.team_user(req.ws.id, users[0])
        if user is None:
            raise ApiError("user_not_found")
        _check_dm_user(user)
        already = dm_channel_id(req.ws.id, user.id) in state.channels
        channel = state.ensure_dm(req.ws.id, user.id)
    body: dict[str, Any] = {"channel": {"id": channel.id}}
    if str(req.params.get("return_im", "")).lower() in ("1", "true"):
        body["channel"] = channel_object(channel)
    if already:
        body.update(no_op=True, already_open=True)
    return body


@method("conversations.history")
def conversations_history(state: State, req: Request) -> dict[str, Any]:
    """A channel's or DM's top-level messages, newest first; metadata only when asked for.

    Supports `limit`, `oldest`, `latest` and `include_all_metadata`; no cursor paging
    (`has_more` says when `limit` cut the list).
    """
    channel = _existing_channel(state, req.ws, req.str_param("channel"))
    if not channel.is_im and not channel.bot_is_member:
        raise ApiError("not_in_channel")
    limit = int(req.params.get("limit") or 100)
    oldest = float(req.params.get("oldest") or 0)
    latest = float(req.params.get("latest") or "inf")
    with_metadata = str(req.params.get("include_all_metadata", "")).lower() in ("1", "true")
    found = [
        m
        for m in reversed(state.messages.get(channel.id, []))
        if (not m.get("thread_ts") or m["thread_ts"] == m["ts"])
        and oldest <= float(m["ts"]) <= latest
    ]
    messages = []
    for message in found[:limit]:
        shown = json_copy(message)
        if not with_metadata:
            shown.pop("metadata", None)
        messages.append(shown)
    return {
        "messages": messages,
        "has_more": len(found) > limit,
        "pin_count": 0,
        "response_metadata": {"next_cursor": ""},
    }


# -- chat -------------------------------------------------------------------------------------


@method("chat.postMessage")
def chat_post_message(state: State, req: Request) -> dict[str, Any]:
    """Post to a channel, or to the bot's DM when `channel` is a user id."""
    channel = post_target(state, req.ws, req.str_param("channel"))
    message = _message_body(state, req.ws, req)
    append_message(state, channel.id, message)
    return {"channel": channel.id, "ts": message["ts"], "message": json_copy(message)}


@method("chat.postEphemeral")
def chat_post_ephemeral(state: State, req: Request) -> dict[str, Any]:
    """Show a message to one user in a channel; kept apart from the channel's messages."""
    channel = post_target(state, req.ws, req.str_param("channel"))
    user = state.team_user(req.ws.id, req.str_param("user"))
    if user is None or user.deleted or (channel.is_im and channel.user != user.id):
        raise ApiError("user_not_in_channel")
    message = _message_body(state, req.ws, req)
    message["recipient"] = user.id
    state.ephemerals.setdefault(channel.id, []).append(message)
    return {"message_ts": message["ts"]}


@method("chat.update")
def chat_update(state: State, req: Request) -> dict[str, Any]:
    """Edit one of the bot's messages; omitted text/blocks are kept, as in Slack."""
    channel, message = _own_message(state, req, "cant_update_message")
    has_text, has_blocks = "text" in req.params, "blocks" in req.params
    if not has_text and not has_blocks and not req.params.get("attachments"):
        raise ApiError("no_text")
    text = req.params.get("text") if has_text else message["text"]
    blocks = req.params.get("blocks") if has_blocks else message["blocks"]
    _check_message(
        state,
        req.ws.id,
        text,
        blocks,
        req.params.get("attachments") or message.get("attachments"),
    )
    message["text"] = text or ""
    message["blocks"] = json_copy(blocks) if blocks else []
    if req.params.get("attachments") is not None:
        message["attachments"] = json_copy(req.params["attachments"])
    message["edited"] = {"user": req.ws.bot_user_id, "ts": state.next_ts()}
    return {
        "channel": channel.id,
        "ts": message["ts"],
        "text": message["text"],
        "message": json_copy(message),
    }


# Slack refuses to schedule further ahead than this, and more than this many messages within
# five minutes of each other in one channel.
MAX_SCHEDULE_AHEAD = 120 * 24 * 3600
MAX_SCHEDULED_PER_WINDOW = 30
SCHEDULE_WINDOW = 300


@method("chat.scheduleMessage")
def chat_schedule_message(state: State, req: Request) -> dict[str, Any]:
    """Queue a message for `post_at` (unix seconds, strictly in the emulator's future)."""
    channel = post_target(state, req.ws, req.str_param("channel"))
    try:
        post_at = int(float(req.str_param("post_at")))
    except ValueError:
        raise ApiError("invalid_time") from None
    now = state.now()
    if post_at <= now:
        raise ApiError("time_in_past")
    if post_at > now + MAX_SCHEDULE_AHEAD:
        raise ApiError("time_too_far")
    pending = state.scheduled.setdefault(channel.id, [])
    near = [m for m in pending if abs(m["post_at"] - post_at) < SCHEDULE_WINDOW]
    if len(near) >= MAX_SCHEDULED_PER_WINDOW:
        raise ApiError("restricted_too_many")
    message = _message_body(state, req.ws, req)
    del message["ts"]  # a scheduled message gets its ts when it is posted
    # "Messages scheduled with chat.scheduleMessage will not post if the metadata parameter
    # is used" (the method's reference page): accepted, then never posted.
    scheduled_id = state.next_id("Q0")  # Slack's look like Q1298393284
    pending.append(
        {
            "id": scheduled_id,
            "channel_id": channel.id,
            "post_at": post_at,
            "date_created": int(now),
            "text": message["text"],
            "blocks": message["blocks"],
            "message": message,
        }
    )
    return {
        "channel": channel.id,
        "scheduled_message_id": scheduled_id,
        "post_at": post_at,
        "message": json_copy(message),
    }


def deliver_scheduled(state: State) -> int:
    """Post every scheduled message whose time has come (by the emulator's clock)."""
    now = state.now()
    delivered = 0
    for channel_id, pending in state.scheduled.items():
        due = [m for m in pending if m["post_at"] <= now]
        for item in sorted(due, key=lambda m: m["post_at"]):
            pending.remove(item)
            if item["message"].get("metadata"):
                continue
            message = json_copy(item["message"])
            message["ts"] = state.next_ts()
            append_message(state, channel_id, message)
            delivered += 1
    return delivered


@method("chat.delete")
def chat_delete(state: State, req: Request) -> dict[str, Any]:
    """Delete one of the bot's messages."""
    channel, message = _own_message(state, req, "cant_delete_message")
    state.messages[channel.id].remove(message)
    return {"channel": channel.id, "ts": message["ts"]}


@method("chat.getPermalink")
def chat_get_permalink(state: State, req: Request) -> dict[str, Any]:
    """Permalink in Slack's https://<domain>.slack.com/archives/<channel>/p<ts> form."""
    channel = _existing_channel(state, req.ws, req.str_param("channel"))
    ts = req.str_param("message_ts")
    message = state.find_message(channel.id, ts)
    if message is None:
        raise ApiError("message_not_found")
    link = f"https://{req.ws.domain}.slack.com/archives/{channel.id}/p{ts.replace('.', '')}"
    thread_ts = message.get("thread_ts")
    if thread_ts and thread_ts != ts:
        link += f"?thread_ts={thread_ts}&cid={channel.id}"
    return {"channel": channel.id, "permalink": link}


# -- socket mode ------------------------------------------------------------------------------


@method("apps.connections.open", auth=False)
def apps_connections_open(state: State, req: Request) -> dict[str, Any]:
    """A single-use Socket Mode URL, for an app-level token in the Authorization header.

    docs.slack.dev/reference/methods/apps.connections.open: "you will need to pass this token
    in the HTTP Authorization header of your request; passing it as a POST parameter will
    result in an error". That error is `invalid_auth` (python-slack-sdk issue #1877 and
    slack-ruby-client issue #363, both from real calls), and a bot token gets
    `not_allowed_token_type` (slack-ruby-client #363). slack_sdk's WebClient sends the token
    in both places, so a body `token` next to a header one is ignored.
    """
    token = req.bearer
    if not token:
        raise ApiError("invalid_auth" if req.params.get("token") else "not_authed")
    if token in state.tokens:
        raise ApiError("not_allowed_token_type")
    app_token = state.app_tokens.get(token)
    if app_token is None:
        raise ApiError("invalid_auth")
    if "connections:write" not in app_token.scopes:
        raise ApiError(
            "missing_scope",
            fields={"needed": "connections:write", "provided": ",".join(app_token.scopes)},
        )
    if state.socket_url is None:
        raise ApiError("internal_error", status=500)
    ticket = state.issue_socket_ticket()
    return {"url": f"{state.socket_url}?ticket={ticket}&app_id={APP_ID}"}


# -- oauth ------------------------------------------------------------------------------------


@method("oauth.v2.access", auth=False)
def oauth_v2_access(state: State, req: Request) -> dict[str, Any]:
    """Exchange a single-use code for the team's bot token, holding the scopes it granted."""
    client_id, client_secret = req.basic_auth or (
        req.str_param("client_id"),
        req.str_param("client_secret"),
    )
    code = state.oauth_codes.get(req.str_param("code"))
    if code is None:
        raise ApiError("invalid_code")
    if client_id != code.client_id:
        raise ApiError("invalid_client_id")
    if client_secret != code.client_secret:
        raise ApiError("bad_client_secret")
    redirect_uri = req.str_param("redirect_uri")
    if code.redirect_uri and redirect_uri and redirect_uri != code.redirect_uri:
        raise ApiError("bad_redirect_uri")
    del state.oauth_codes[req.str_param("code")]
    ws = state.workspace(code.team_id)
    if ws.revoked:
        # Reinstalling after an uninstall issues a fresh bot token.
        state.tokens.pop(ws.token, None)
        ws.token = f"xoxb-{ws.id}-{secrets.token_hex(12)}"
        ws.revoked = False
        state.tokens[ws.token] = ws.id
    granted = frozenset(s.strip() for s in code.scope.split(",") if s.strip())
    ws.scopes = granted
    return {
        "access_token": ws.token,
        "token_type": "bot",
        "scope": ",".join(sorted(granted)),
        "bot_user_id": ws.bot_user_id,
        "app_id": APP_ID,
        "team": {"id": ws.id, "name": ws.name},
        "enterprise": None,
        "is_enterprise_install": False,
        "authed_user": {"id": code.user_id},
    }
