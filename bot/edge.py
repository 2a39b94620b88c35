"""The HTTP edge: what a request to /slack/events must look like before Bolt sees it.

Slack sends three shapes there (Slack's payload docs, summarised in the notes' "Payload
shapes"): form-encoded slash commands, form-encoded interactivity (a `payload` field holding a
JSON object) and JSON Events API bodies. Anything else is answered here with a 4xx, or a 200
when Slack could send it but nothing here listens to it, and one log line that names the
reason and never quotes the body. Bolt then gets the body as parsed here, so the listeners see
exactly what was checked.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt import BoltContext, BoltRequest
from slack_bolt.request.internals import build_context
from slack_sdk.signature import SignatureVerifier
from starlette.requests import Request

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


# The largest body Slack sends this app is a view_submission: the whole view (Slack refuses
# to open one over 250 kB) plus what was typed into it. Our biggest form (the proposal: 13
# inputs of up to 3,000 characters) comes to 0.63 MB of state when every character is an
# emoji that Slack escapes as \ud83d\ude00 and the form encoding turns into %5Cud83d%5Cude00,
# plus up to 0.75 MB for a 250 kB view once form-encoded: 1.4 MB at the very worst, and a
# few kB for anything a person really types. Slash commands stay under 0.5 MB even at
# 40,000 emoji. 2 MiB covers the worst case with room, and keeps what a forged request can
# make us hold small and fixed.
MAX_BODY_BYTES = 2 * 1024 * 1024

# A Slack form has about fifteen fields; a form with thousands is not Slack's.
MAX_FORM_FIELDS = 100

# The interactivity payloads our listeners handle. Adding a listener for another surface
# (a shortcut, a view_closed) means adding its type here, or the edge answers it 200 unseen.
INTERACTIVITY_HANDLED = frozenset({"block_actions", "view_submission", "message_action"})
# Types Slack documents that nothing here listens to: acknowledged, not passed on (Bolt would
# answer 404 and log part of the payload, e.g. a dialog's submission).
INTERACTIVITY_IGNORED = frozenset(
    {
        "block_suggestion",
        "view_closed",
        "shortcut",
        "interactive_message",
        "dialog_submission",
        "dialog_cancellation",
        "dialog_suggestion",
        "workflow_step_edit",
    }
)
# Events whose handlers read a field of a given type (handlers/events/): event type ->
# field -> the type it must have when present.
EVENT_FIELDS: dict[str, dict[str, type]] = {
    "app_home_opened": {"user": str, "tab": str},
    "user_change": {"user": dict},
    "tokens_revoked": {"tokens": dict},
    "message": {
        "user": str,
        "text": str,
        "channel": str,
        "channel_type": str,
        "ts": str,
        "thread_ts": str,
        "subtype": str,
    },
}


class Refused(Exception):
    """The edge answers the request itself: `status` (200 when ignored), a short `error`
    code for the response body, and a `reason` for the log that never quotes the body."""

    def __init__(self, status: int, error: str, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.error = error
        self.reason = reason


def _malformed(reason: str) -> Refused:
    return Refused(400, "malformed_request", reason)


def _too_large(size: str) -> Refused:
    return Refused(413, "request_too_large", f"a body over {MAX_BODY_BYTES} bytes ({size})")


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The request body, refused with 413 as soon as it is known to exceed `limit`: at once
    on its Content-Length, else (chunked) as soon as the running count passes the limit,
    without waiting for the rest or holding more than `limit` bytes."""
    declared = request.headers.get("content-length", "")
    # uvicorn (h11) has already refused a Content-Length that is not all digits; the length
    # check first keeps int() away from a 5,000-digit number (Python refuses those).
    if declared.isdigit() and (len(declared) > 12 or int(declared) > limit):
        raise _too_large(f"{declared} announced")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise _too_large("chunked, cut off")
    return bytes(body)


# Slack's replay window: a timestamp more than five minutes from now is refused, as
# slack_sdk's SignatureVerifier does (abs(now - timestamp) > 300; notes section 10).
WINDOW_SECONDS = 5 * 60


def verify(verifier: SignatureVerifier, raw: bytes, headers: Mapping[str, str]) -> str:
    """`raw` as text, once Slack's signature over it holds (constant-time compare and the
    5-minute window, both slack_sdk's); otherwise refused with 401 and a log line that
    says why, never what the body held. Bolt's own check would log the whole body."""
    timestamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "")
    # isdigit alone admits "²" and 5,000-digit numbers, which int() refuses.
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        raise Refused(401, "invalid_request", "no valid X-Slack-Request-Timestamp")
    if not signature or not signature.isascii():  # hmac.compare_digest takes ASCII only
        raise Refused(401, "invalid_request", "no valid X-Slack-Signature")
    try:
        text = raw.decode("utf-8")  # Slack sends UTF-8; the verifier decodes it too
    except UnicodeDecodeError:
        raise _malformed("a body that is not UTF-8") from None
    if not verifier.is_valid(text, timestamp, signature):
        skew = abs(time.time() - int(timestamp))
        if skew > WINDOW_SECONDS:
            raise Refused(401, "invalid_request", f"a timestamp {skew:.0f} s away from now")
        raise Refused(401, "invalid_request", "a signature that does not match the body")
    return text


def media_type(content_type: str | None) -> str:
    """`application/json; charset=utf-8` -> `application/json`."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def parse(text: str, content_type: str | None) -> dict[str, Any]:
    """The request body as Bolt's listeners will see it, checked against Slack's shapes."""
    media = media_type(content_type)
    if media == JSON:
        body = _json_object(text, "the events body")
        _check_events_body(body)
        return body
    if media != FORM:
        raise Refused(415, "unsupported_media_type", "a content type Slack does not send")
    try:
        fields = dict(
            parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS, errors="strict")
        )
    except ValueError:  # too many fields, or percent-escapes that are not UTF-8
        raise _malformed("a form that does not decode") from None
    if "payload" in fields:
        body = _json_object(fields["payload"], "the interactivity payload")
        _check_interactivity(body)
        return body
    if "command" in fields:
        for name in ("command", "team_id", "user_id", "trigger_id"):
            if not fields.get(name):
                raise _malformed(f"a slash command without {name}")
        return fields
    if fields.get("ssl_check") == "1":
        return fields  # Slack's certificate check: Bolt answers it 200
    raise _malformed("a form with neither command nor payload")


def _json_object(text: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than Python recurses
        raise _malformed(f"{what} is not JSON") from None
    if not isinstance(value, dict):
        raise _malformed(f"{what} is JSON but not an object")
    return value


def _expect(body: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    """`body[key]` when present and of type `kind`; None when absent or null."""
    value = body.get(key)
    if value is not None and not isinstance(value, kind):
        raise _malformed(f"{where}.{key} has the wrong type")
    return value


def _require(body: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    value = _expect(body, key, kind, where)
    if value is None:
        raise _malformed(f"{where}.{key} is missing")
    return value


def _check_ids(body: Mapping[str, Any], where: str) -> None:
    """The fields Bolt reads ids from (slack_bolt/request/internals.py): each is an id string,
    an object whose `id` is a string, or absent; `authorizations` is a list of objects."""
    for key in ("enterprise", "team", "user", "channel"):
        value = _expect(body, key, (str, dict), where)
        if isinstance(value, dict):
            _expect(value, "id", str, f"{where}.{key}")
    authorizations = _expect(body, "authorizations", list, where)
    for authorization in authorizations or []:
        if not isinstance(authorization, dict):
            raise _malformed(f"{where}.authorizations holds a non-object")
        _check_ids(authorization, f"{where}.authorizations[]")
    _expect(body, "response_url", str, where)
    for response_url in _expect(body, "response_urls", list, where) or []:
        if not isinstance(response_url, dict):
            raise _malformed(f"{where}.response_urls holds a non-object")


def _check_interactivity(body: dict[str, Any]) -> None:
    kind = body.get("type")
    if not isinstance(kind, str):
        raise _malformed("an interactivity payload without a type")
    if kind in INTERACTIVITY_IGNORED:
        raise Refused(200, "", f"ignored a {kind} payload: nothing here listens to it")
    if kind not in INTERACTIVITY_HANDLED:
        raise _malformed("an interactivity payload of an unknown type")
    _check_ids(body, kind)
    # Our listeners read body["user"]["id"], body["team"]["id"] and body["trigger_id"].
    for key in ("user", "team"):
        _require(_require(body, key, dict, kind), "id", str, f"{kind}.{key}")
    _require(body, "trigger_id", str, kind)
    for key in ("container", "message"):
        _expect(body, key, dict, kind)
    view = _expect(body, "view", dict, kind)
    if kind == "view_submission":
        view = _require(body, "view", dict, kind)
        _require(view, "callback_id", str, "view")
    if view is not None:
        _check_view(view)
    if kind == "message_action":  # handlers/shortcuts.py reads these
        _require(body, "callback_id", str, kind)
        _require(_require(body, "channel", dict, kind), "id", str, f"{kind}.channel")
        message = _require(body, "message", dict, kind)
        for key in ("ts", "text", "user"):
            _expect(message, key, str, f"{kind}.message")
    if kind == "block_actions":
        actions = _require(body, "actions", list, kind)
        if not actions:
            raise _malformed("block_actions without actions")
        for action in actions:
            if not isinstance(action, dict):
                raise _malformed("block_actions.actions holds a non-object")
            _require(action, "action_id", str, "action")
            for key in ("block_id", "value", "type"):
                _expect(action, key, str, "action")
            _expect(action, "selected_option", dict, "action")


def _check_view(view: dict[str, Any]) -> None:
    """What handlers/views/values.py walks: state.values[block_id][action_id] is an object."""
    for key in ("id", "callback_id", "private_metadata", "hash"):
        _expect(view, key, str, "view")
    state = _expect(view, "state", dict, "view")
    values = _expect(state or {}, "values", dict, "view.state")
    for block in (values or {}).values():
        if not isinstance(block, dict) or not all(isinstance(v, dict) for v in block.values()):
            raise _malformed("view.state.values holds a non-object")


def _check_events_body(body: dict[str, Any]) -> None:
    kind = body.get("type")
    if kind == "url_verification":
        _require(body, "challenge", str, kind)  # Bolt answers the challenge
        return
    if kind == "app_rate_limited":
        # Slack tells us it dropped events for a minute; there is nothing to do but note it.
        raise Refused(200, "", "Slack rate-limited this app's events (app_rate_limited)")
    if kind != "event_callback":
        raise _malformed("an events body of an unknown type")
    _require(body, "team_id", str, kind)
    _check_ids(body, kind)
    event = _require(body, "event", dict, kind)
    event_type = _require(event, "type", str, "event")
    _check_ids(event, "event")
    for key, field_type in EVENT_FIELDS.get(event_type, {}).items():
        _expect(event, key, field_type, f"event {event_type}")
    if event_type == "user_change":
        user = _require(event, "user", dict, "event")
        _require(user, "id", str, "event.user")
        _expect(user, "tz", str, "event.user")


def bolt_request(
    raw: str, body: dict[str, Any], *, headers: Mapping[str, str], query: str
) -> BoltRequest:
    """A BoltRequest for `raw` carrying the edge's parse of it, `body`.

    Bolt's own parser (slack_bolt/request/internals.py parse_body) takes any form containing
    the letters "payload" for interactivity, so a command typed as "log the payload grew", or
    sent from a #payloads channel, reached no listener and was lost. Bolt still verifies the
    signature over `raw`; only the parsing is ours. (Lazy listeners would re-parse `raw` in
    BoltRequest.to_copyable; this app uses none.)
    """
    request = BoltRequest(body="", query=query, headers=dict(headers))
    request.raw_body = raw
    request.body = body
    request.context = build_context(BoltContext(), body)
    return request
