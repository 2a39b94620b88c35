"""Slack's side of the conversation: signed requests to the app, in Slack's documented shapes.

Tests and the offline mode use this to drive the app exactly as Slack does: form-encoded
slash commands, `payload=` interactivity, JSON events, each signed with v0 HMAC-SHA256.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from slack_emulator.server import SlackEmulator

_counter = itertools.count(1)
# Without an emulator to issue them, trigger ids and response_urls point here: a loopback
# port nothing listens on, so an app that uses one fails at once and nothing leaves the host.
UNISSUED_RESPONSE_URL = "http://127.0.0.1:9/respond/unissued"


def signature(secret: str, timestamp: str, body: str) -> str:
    """Slack's v0 request signature for `body` sent at `timestamp`."""
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class SlackHTTPResponse:
    """What the app answered."""

    status: int
    headers: dict[str, str]
    body: str
    elapsed: float
    # The request's response_url, and the emulator serving it (see `shown`).
    response_url: str | None = None
    emulator: SlackEmulator | None = None
    # The ts of the member's message the request carried (`SlackSender.dm_message`).
    message_ts: str | None = None

    def json(self) -> Any:
        """The body parsed as JSON ({} when empty)."""
        return json.loads(self.body) if self.body.strip() else {}

    def shown(self, timeout: float = 5.0) -> dict[str, Any]:
        """What the member sees in answer, as Slack's client shows it: the message the app
        acknowledged with, else the first message it posted to the request's response_url."""
        body = self.json()
        if isinstance(body, dict) and (body.get("text") or body.get("blocks")):
            return body
        if self.response_url is None or self.emulator is None:
            raise AssertionError(f"no message in the ack and no response_url: {self.body!r}")
        return self.emulator.response_to(self.response_url, timeout=timeout)


@dataclass
class SlackSender:
    """Sends signed Slack requests to an app's /slack/events URL."""

    url: str
    signing_secret: str
    team_id: str = "T1"
    team_domain: str = "acme"
    api_app_id: str = "A0TRANSITION"
    now: Callable[[], float] = time.time
    timeout: float = 10.0
    # Issues each interaction's trigger_id and response_url, as Slack does (single-use,
    # expiring, served on 127.0.0.1). Without one they are placeholders that work nowhere.
    emulator: SlackEmulator | None = None
    sent: list[str] = field(default_factory=list)
    # Deliver over this emulator's Socket Mode connections instead of HTTP (same methods,
    # same answers: 200 with the ack's payload, or 504 when no ack came within 3 s).
    socket: SlackEmulator | None = None

    def __post_init__(self) -> None:
        # Over Socket Mode the same emulator issues the trigger ids and response_urls.
        if self.emulator is None and self.socket is not None:
            self.emulator = self.socket

    # -- transport ---------------------------------------------------------------------------
    def post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: str | None = None,
        secret: str | None = None,
        headers: Mapping[str, str] | None = None,
        sign: bool = True,
    ) -> SlackHTTPResponse:
        """POST `body` signed (or not) and return the app's answer."""
        ts = timestamp if timestamp is not None else str(int(self.now()))
        request_headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts}
        if sign:
            request_headers["X-Slack-Signature"] = signature(
                secret or self.signing_secret, ts, body
            )
        request_headers.update(headers or {})
        request = urllib.request.Request(
            self.url, data=body.encode(), headers=request_headers, method="POST"
        )
        started = time.perf_counter()
        self.sent.append(body)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                text = response.read().decode()
                return SlackHTTPResponse(
                    response.status, dict(response.headers), text, time.perf_counter() - started
                )
        except urllib.error.HTTPError as error:
            text = error.read().decode()
            return SlackHTTPResponse(
                error.code, dict(error.headers), text, time.perf_counter() - started
            )

    def post_form(self, fields: Mapping[str, str], **kwargs: Any) -> SlackHTTPResponse:
        """POST form-encoded fields (over Socket Mode: a slash command or an interaction)."""
        if self.socket is not None:
            if "command" in fields:
                response = self._over_socket("slash_commands", dict(fields))
            elif set(fields) == {"payload"}:
                response = self._over_socket("interactive", json.loads(fields["payload"]))
            else:
                raise ValueError(
                    f"no Socket Mode envelope carries the form fields {sorted(fields)}"
                )
        else:
            response = self.post(
                urllib.parse.urlencode(fields), "application/x-www-form-urlencoded", **kwargs
            )
        response.response_url = _response_url(fields)
        response.emulator = self.emulator
        return response

    def post_json(self, payload: Mapping[str, Any], **kwargs: Any) -> SlackHTTPResponse:
        """POST a JSON body (Events API; over Socket Mode, an events_api envelope)."""
        if self.socket is not None:
            headers = {k.lower(): v for k, v in (kwargs.get("headers") or {}).items()}
            return self._over_socket(
                "events_api",
                dict(payload),
                retry_attempt=int(headers.get("x-slack-retry-num", 0)),
                retry_reason=headers.get("x-slack-retry-reason", ""),
            )
        return self.post(json.dumps(payload), "application/json", **kwargs)

    # -- what Slack issues with each interaction -----------------------------------------------
    def issue_trigger(self, team_id: str, user_id: str) -> str:
        """A trigger_id for an interaction by `user_id` (the emulator's, when there is one)."""
        if self.emulator is None:
            return f"{next(_counter)}.{abs(hash(team_id)) % 10**9}.unissued"
        return self.emulator.issue_trigger(team_id, user_id)

    def issue_response_url(
        self,
        team_id: str,
        user_id: str,
        channel_id: str,
        source: tuple[str, str, bool] | None = None,
    ) -> str:
        """A response_url for the interaction (the emulator's, when there is one)."""
        if self.emulator is None:
            return UNISSUED_RESPONSE_URL
        return self.emulator.issue_response_url(team_id, user_id, channel_id, source=source)

    def _over_socket(
        self, kind: str, payload: dict[str, Any], retry_attempt: int = 0, retry_reason: str = ""
    ) -> SlackHTTPResponse:
        """Deliver one envelope and answer as the HTTP path would (no signatures to add)."""
        assert self.socket is not None
        self.sent.append(json.dumps(payload))
        ack = self.socket.socket_deliver(
            kind, payload, retry_attempt=retry_attempt, retry_reason=retry_reason
        )
        if not ack.acked:
            return SlackHTTPResponse(504, {}, "", ack.elapsed)
        if ack.payload is None:
            return SlackHTTPResponse(200, {}, "", ack.elapsed)
        body = json.dumps(ack.payload)
        return SlackHTTPResponse(200, {"Content-Type": "application/json"}, body, ack.elapsed)

    # -- payloads ----------------------------------------------------------------------------
    def command_fields(
        self,
        text: str,
        *,
        user_id: str,
        team_id: str | None = None,
        channel_id: str = "C0GENERAL",
        command: str = "/transition",
        trigger_id: str | None = None,
    ) -> dict[str, str]:
        """A slash command's form fields, as Slack sends them."""
        team = team_id or self.team_id
        return {
            "token": "verification-token-unused",
            "team_id": team,
            "team_domain": self.team_domain,
            "channel_id": channel_id,
            "channel_name": "general",
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": self.api_app_id,
            "is_enterprise_install": "false",
            "response_url": self.issue_response_url(team, user_id, channel_id),
            "trigger_id": trigger_id or self.issue_trigger(team, user_id),
        }

    def command(
        self, text: str, *, user_id: str, secret: str | None = None, **kwargs: Any
    ) -> SlackHTTPResponse:
        """Send `/transition <text>` as `user_id` (signed with `secret` when given)."""
        return self.post_form(self.command_fields(text, user_id=user_id, **kwargs), secret=secret)

    def _user(self, user_id: str, team_id: str) -> dict[str, str]:
        return {
            "id": user_id,
            "username": user_id.lower(),
            "name": user_id.lower(),
            "team_id": team_id,
        }

    def interaction(self, payload: Mapping[str, Any], **kwargs: Any) -> SlackHTTPResponse:
        """Send an interactivity payload (form field `payload` holding JSON)."""
        return self.post_form({"payload": json.dumps(payload)}, **kwargs)

    def block_action(
        self,
        action_id: str,
        *,
        user_id: str,
        value: str = "",
        block_id: str = "actions",
        team_id: str | None = None,
        channel_id: str | None = None,
        message_ts: str | None = None,
        view: Mapping[str, Any] | None = None,
        trigger_id: str | None = None,
        element: Mapping[str, Any] | None = None,
        ephemeral: bool = False,
    ) -> SlackHTTPResponse:
        """Click a button: a `block_actions` payload (`element` overrides the action's fields,
        e.g. `{"type": "static_select", "selected_option": {...}}` for a select).

        In a message (`channel_id`, `message_ts`, `ephemeral` when it was only shown to the
        user) Slack adds a response_url that can replace or delete that message; in a view
        (Home tab, modal) it adds none.
        """
        team = team_id or self.team_id
        n = next(_counter)
        action: dict[str, Any] = {
            "action_id": action_id,
            "block_id": block_id,
            "type": "button",
            "action_ts": f"{int(self.now())}.{n:06d}",
            **(element or {}),
        }
        if action["type"] == "button":
            # Only a button's action carries its text and value; a select or checkboxes
            # action carries its selected option(s) instead (Slack's block_actions payload).
            action.update(text={"type": "plain_text", "text": "button"}, value=value)
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": self._user(user_id, team),
            "api_app_id": self.api_app_id,
            "token": "verification-token-unused",
            "trigger_id": trigger_id or self.issue_trigger(team, user_id),
            "team": {"id": team, "domain": self.team_domain},
            "enterprise": None,
            "is_enterprise_install": False,
            "state": {"values": {}},
            "actions": [action],
        }
        if view is not None:
            payload["container"] = {"type": "view", "view_id": view.get("id")}
            payload["view"] = dict(view)
        else:
            channel = channel_id or "D0DM"
            ts = message_ts or "1700000000.000100"
            payload["container"] = {
                "type": "message",
                "message_ts": ts,
                "channel_id": channel,
                "is_ephemeral": ephemeral,
            }
            payload["channel"] = {"id": channel, "name": "directmessage"}
            payload["response_url"] = self.issue_response_url(
                team, user_id, channel, (channel, ts, ephemeral)
            )
        return self.interaction(payload)

    def view_submission(
        self,
        view: Mapping[str, Any],
        values: Mapping[str, Mapping[str, Any]],
        *,
        user_id: str,
        team_id: str | None = None,
        trigger_id: str | None = None,
    ) -> SlackHTTPResponse:
        """Submit a modal that was opened with views.open. `values` maps
        block_id -> action_id -> Slack's value object (see `text_value` and friends)."""
        team = team_id or self.team_id
        submitted = dict(view)
        submitted.setdefault("id", f"V{next(_counter):08d}")
        submitted["state"] = {"values": {b: dict(a) for b, a in values.items()}}
        submitted.setdefault("team_id", team)
        submitted.setdefault("hash", f"{int(self.now())}.hash")
        payload: dict[str, Any] = {
            "type": "view_submission",
            "team": {"id": team, "domain": self.team_domain},
            "user": self._user(user_id, team),
            "api_app_id": self.api_app_id,
            "token": "verification-token-unused",
            "trigger_id": trigger_id or self.issue_trigger(team, user_id),
            "view": submitted,
            "response_urls": [],
            "enterprise": None,
            "is_enterprise_install": False,
        }
        return self.interaction(payload)

    def dm_message(
        self,
        text: str,
        *,
        user_id: str,
        team_id: str | None = None,
        thread_ts: str | None = None,
        ts: str | None = None,
        retry_num: int | None = None,
    ) -> SlackHTTPResponse:
        """A member writes `text` to the app in its Messages tab (in a thread when
        `thread_ts`): the message lands in the DM, in the emulator when there is one, and
        Slack sends the `message` event with channel_type "im" (api.slack.com/events/message.im).
        Slack escapes the &, < and > people type. `ts` resends a message already sent (what
        Slack does when the app did not answer in time); the answer's `message_ts` is its ts."""
        team = team_id or self.team_id
        escaped = typed(text)
        if self.emulator is not None:
            channel = self.emulator.dm_channel(team, user_id)
            if ts is None:
                ts = self.emulator.add_message(channel, user_id, escaped, thread_ts=thread_ts)
        else:
            channel = "D0DM"
            ts = ts or f"{int(self.now())}.{next(_counter):06d}"
        event: dict[str, Any] = {
            "type": "message",
            "client_msg_id": f"{next(_counter):08d}-client-msg",
            "user": user_id,
            "text": escaped,
            "ts": ts,
            "team": team,
            "channel": channel,
            "event_ts": ts,
            "channel_type": "im",
            "blocks": [
                {
                    "type": "rich_text",
                    "block_id": "typed",
                    "elements": [
                        {
                            "type": "rich_text_section",
                            "elements": [{"type": "text", "text": text}],
                        }
                    ],
                }
            ],
        }
        if thread_ts is not None:
            event["thread_ts"] = thread_ts
            event["parent_user_id"] = "UBOT"
        response = self.event(event, team_id=team, retry_num=retry_num)
        response.message_ts = ts
        return response

    def message_shortcut(
        self,
        callback_id: str,
        *,
        user_id: str,
        channel_id: str,
        message: Mapping[str, Any],
        team_id: str | None = None,
    ) -> SlackHTTPResponse:
        """Use a message shortcut on `message` in `channel_id`: a `message_action` payload
        with the whole message, a trigger_id and a response_url
        (api.slack.com/reference/interaction-payloads/shortcuts)."""
        team = team_id or self.team_id
        ts = str(message.get("ts", ""))
        payload: dict[str, Any] = {
            "type": "message_action",
            "token": "verification-token-unused",
            "action_ts": f"{int(self.now())}.{next(_counter):06d}",
            "team": {"id": team, "domain": self.team_domain},
            "user": self._user(user_id, team),
            "channel": {"id": channel_id, "name": "support"},
            "is_enterprise_install": False,
            "enterprise": None,
            "callback_id": callback_id,
            "trigger_id": self.issue_trigger(team, user_id),
            "response_url": self.issue_response_url(team, user_id, channel_id),
            "message_ts": ts,
            "message": {"type": "message", **dict(message)},
        }
        return self.interaction(payload)

    def event(
        self,
        event: Mapping[str, Any],
        *,
        team_id: str | None = None,
        event_id: str | None = None,
        retry_num: int | None = None,
    ) -> SlackHTTPResponse:
        """Deliver an Events API `event_callback`."""
        team = team_id or self.team_id
        envelope = {
            "token": "verification-token-unused",
            "team_id": team,
            "api_app_id": self.api_app_id,
            "event": dict(event),
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(_counter):08d}",
            "event_time": int(self.now()),
            "authorizations": [{"team_id": team, "user_id": "UBOT", "is_bot": True}],
        }
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        return self.post_json(envelope, headers=headers)


def _response_url(fields: Mapping[str, str]) -> str | None:
    """The response_url a slash command's fields or an interaction's payload carries."""
    if "response_url" in fields:
        return fields["response_url"]
    try:
        payload = json.loads(fields.get("payload", "null"))
    except (ValueError, RecursionError):  # what attack tests send on purpose
        return None
    found = payload.get("response_url") if isinstance(payload, dict) else None
    return found if isinstance(found, str) else None


def text_value(value: str) -> dict[str, Any]:
    """Slack's state value for a plain_text_input."""
    return {"type": "plain_text_input", "value": value}


def select_value(value: str) -> dict[str, Any]:
    """Slack's state value for a static_select."""
    return {
        "type": "static_select",
        "selected_option": {"value": value, "text": {"type": "plain_text", "text": value}},
    }


def date_value(value: str) -> dict[str, Any]:
    """Slack's state value for a datepicker (YYYY-MM-DD)."""
    return {"type": "datepicker", "selected_date": value}


def typed(text: str) -> str:
    """Text as Slack delivers it when a user types it into a slash command.

    With "Escape channels, users, and links" on (manifest: should_escape: true) Slack escapes
    the &, < and > the user typed; mentions the user picks arrive as Slack's own markup
    (<@U123|name>), which tests write out explicitly.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
