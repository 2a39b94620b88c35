"""The one way out to Slack: every Web API call and response_url post, with one error policy.

Handlers (after their ack) and the scheduler both talk to Slack through `Outbound`. A call
either returns Slack's data or raises `SlackFailure`, classified once here:

- `rate_limited`: Slack answered 429 (after the client waited Retry-After as often as its
  handler allows); nothing was done.
- `unavailable`: 5xx, `internal_error`/`fatal_error`, a timeout or a dropped connection.
  Slack documents that these "can follow partial success", so a write may have happened:
  `maybe_done` says so, and nothing here ever resends a write (a caller that must be sure
  checks first). Reads and idempotent writes are retried here.
- `workspace`: the token is dead or lacks a scope (uninstalled, revoked, missing_scope):
  nothing will work for this workspace until someone acts.
- `recipient`: this person or channel cannot be reached (deactivated, not in channel...).
- `refused`: Slack refused the request itself (invalid_blocks, a bad argument): a bug.

Each failure is logged once, as one line with the method, team and error code: never the
arguments, which hold what people typed, tokens and response_urls.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.webhook import WebhookClient

from bot.blocks.fallback import fallback_text
from bot.pictures import Picture
from bot.slack_http import Encoded, KeepAliveWebClient, RequestNotSent

logger = logging.getLogger(__name__)

FailureKind = Literal["rate_limited", "unavailable", "workspace", "recipient", "refused"]

WORKSPACE_ERRORS = frozenset(
    {
        "not_authed",
        "invalid_auth",
        "token_revoked",
        "token_expired",
        "account_inactive",  # "token is for a deleted user or workspace" (a bot token's team)
        "missing_scope",
        "no_permission",
        "team_access_not_granted",
        "team_disabled",
        "not_allowed_token_type",
        "ekm_access_denied",
        "org_login_required",
    }
)
RECIPIENT_ERRORS = frozenset(
    {
        "user_not_found",
        "user_disabled",
        "cannot_dm_bot",
        "messages_tab_disabled",
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "user_not_in_channel",
        "message_not_found",
        "restricted_action",
        "restricted_action_read_only_channel",
        "restricted_action_non_threadable_channel",
    }
)
UNAVAILABLE_ERRORS = frozenset(
    {"internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
RATE_LIMIT_ERRORS = frozenset({"ratelimited", "rate_limited"})
# Calls that may be repeated safely: reads, and writes whose repeat changes nothing.
IDEMPOTENT = frozenset(
    {
        "auth.test",
        "users.info",
        "users.list",
        "team.info",
        "conversations.info",
        "conversations.history",
        "conversations.open",
        "chat.getPermalink",
        "chat.update",
        "chat.delete",
        "views.update",
        "views.publish",
    }
)
# Transport failures of an idempotent call are tried this many more times.
IDEMPOTENT_RETRIES = 2
RETRY_PAUSE_SECONDS = 0.5


class NotInstalledError(LookupError):
    """No bot token is stored for the team (never installed, or uninstalled since)."""


class SlackFailure(Exception):
    """A Slack call that did not succeed, with what it means for the caller."""

    def __init__(
        self,
        method: str,
        error: str,
        kind: FailureKind,
        *,
        retry_after: float | None = None,
        maybe_done: bool = False,
    ) -> None:
        super().__init__(f"{method}: {error}")
        self.method = method
        self.error = error
        self.kind = kind
        self.retry_after = retry_after
        self.maybe_done = maybe_done


def classify(error: str, status: int = 200) -> FailureKind:
    """The kind of a Slack error code (and HTTP status)."""
    if status == 429 or error in RATE_LIMIT_ERRORS:
        return "rate_limited"
    if status >= 500 or error in UNAVAILABLE_ERRORS:
        return "unavailable"
    if error in WORKSPACE_ERRORS:
        return "workspace"
    if error in RECIPIENT_ERRORS:
        return "recipient"
    return "refused"


def make_client(
    token: str | None, *, base_url: str, timeout: float, rate_limit_retries: int = 3
) -> WebClient:
    """A WebClient that waits out 429s (Retry-After) but never resends on its own after a
    5xx or a lost connection: Outbound decides that, knowing which calls are safe to repeat.
    Its connections are kept alive and shared (bot/slack_http.py)."""
    return KeepAliveWebClient(
        token=token,
        base_url=base_url,
        timeout=max(1, int(timeout)),
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=rate_limit_retries)]
        if rate_limit_retries
        else [],
    )


@dataclass(frozen=True)
class Posted:
    """Where a message landed."""

    channel: str
    ts: str


class Outbound:
    """Slack for one workspace (and, after an interaction, that interaction's response_url)."""

    def __init__(
        self,
        client: WebClient,
        *,
        team_id: str | None,
        response_url: str | None = None,
    ) -> None:
        self.client = client
        self.team_id = team_id
        self.response_url = response_url

    # -- the one place calls go through -------------------------------------------------------

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Call a Web API method (`chat.postMessage`...); Slack's data, or SlackFailure."""
        attr = method.replace(".", "_")
        return self._attempt(method, lambda: getattr(self.client, attr)(**params))

    def _attempt(self, method: str, send: Callable[[], Any]) -> dict[str, Any]:
        tries = 1 + (IDEMPOTENT_RETRIES if method in IDEMPOTENT else 0)
        for attempt in range(1, tries + 1):
            try:
                response = send()
                data = getattr(response, "data", response)
                return dict(data) if isinstance(data, dict) else {}
            except SlackApiError as error:
                failure = self._failure(method, error)
            except SlackFailure as error:  # already classified (the lean chat.postMessage)
                failure = error
            except RequestNotSent as error:  # no connection: Slack never saw the request
                failure = SlackFailure(method, type(error).__name__, "unavailable")
            except (SlackClientError, OSError) as error:  # timeouts, refused or lost connections
                failure = SlackFailure(method, type(error).__name__, "unavailable", maybe_done=True)
            if failure.kind != "unavailable" or attempt == tries:
                self._log(failure)
                raise failure
            time.sleep(RETRY_PAUSE_SECONDS * attempt)
        raise AssertionError("unreachable")

    def _failure(self, method: str, error: SlackApiError) -> SlackFailure:
        response = error.response
        status = int(getattr(response, "status_code", 200) or 200)
        code = str(response.get("error") or f"http_{status}")
        kind = classify(code, status)
        retry_after: float | None = None
        if kind == "rate_limited":
            headers = getattr(response, "headers", {}) or {}
            raw = headers.get("Retry-After") or headers.get("retry-after")
            retry_after = float(raw[0] if isinstance(raw, list) else raw) if raw else 1.0
        return SlackFailure(
            method, code, kind, retry_after=retry_after, maybe_done=kind == "unavailable"
        )

    def _log(self, failure: SlackFailure) -> None:
        level = logging.ERROR if failure.kind == "refused" else logging.WARNING
        logger.log(
            level,
            "slack %s failed team=%s error=%s kind=%s",
            failure.method,
            self.team_id,
            failure.error,
            failure.kind,
        )

    # -- messages -----------------------------------------------------------------------------

    def post(self, channel: str, text: str, blocks: list[Any] | Encoded, **extra: Any) -> Posted:
        """chat.postMessage (a user id as `channel` posts to the app's DM with them).
        `blocks` may come encoded already (blocks many messages share)."""
        # Straight to api_call with the JSON body chat_postMessage would build: its own
        # preparation walks every block with a chain of isinstance checks to convert typed
        # ones (an eighth of the call's CPU in a fan-out); ours are dicts already, and typed
        # ones are converted here.
        lean = isinstance(self.client, KeepAliveWebClient) and self.client.lean
        if isinstance(blocks, Encoded):
            given: Any = blocks if lean else blocks.decoded()
        else:
            given = [b.to_dict() if hasattr(b, "to_dict") else b for b in blocks]
        body = {
            "channel": channel,
            "text": text,
            "blocks": given,
            **{k: v for k, v in extra.items() if v is not None},
        }
        if lean:
            data = self._attempt("chat.postMessage", lambda: self._post_lean(body))
        else:
            data = self._attempt(
                "chat.postMessage", lambda: self.client.api_call("chat.postMessage", json=body)
            )
        return Posted(str(data.get("channel", channel)), str(data.get("ts", "")))

    def _post_lean(self, body: dict[str, Any]) -> dict[str, Any]:
        """chat.postMessage straight over the kept-alive transport, for clients with no
        retry handler (the scheduler's): Slack's answer read here, every failure raised as
        the SlackFailure the SDK's path would have become."""
        assert isinstance(self.client, KeepAliveWebClient)
        answer = self.client.post_json("chat.postMessage", body)
        try:
            data = json.loads(answer.body)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            data = {"ok": False, "error": f"http_{answer.status}"}
        if 200 <= answer.status < 300 and data.get("ok"):
            return data
        code = str(data.get("error") or f"http_{answer.status}")
        kind = classify(code, answer.status)
        retry_after: float | None = None
        if kind == "rate_limited":
            raw = answer.headers.get("retry-after")
            try:
                retry_after = float(raw) if raw else 1.0
            except ValueError:
                retry_after = 1.0
        raise SlackFailure(
            "chat.postMessage", code, kind, retry_after=retry_after,
            maybe_done=kind == "unavailable",
        )  # fmt: skip

    def post_ephemeral(self, channel: str, user: str, text: str, blocks: list[Any]) -> None:
        """chat.postEphemeral: shown to `user` only, in `channel`."""
        self.call(
            "chat.postEphemeral",
            channel=channel,
            user=user,
            text=fallback_text(text, blocks),
            blocks=blocks,
        )

    def update(self, channel: str, ts: str, text: str, blocks: list[Any]) -> None:
        """chat.update one of the app's messages."""
        self.call(
            "chat.update", channel=channel, ts=ts, text=fallback_text(text, blocks), blocks=blocks
        )

    def delete(self, channel: str, ts: str) -> None:
        """chat.delete one of the app's messages."""
        self.call("chat.delete", channel=channel, ts=ts)

    def permalink(self, channel: str, ts: str) -> str | None:
        """The message's permalink, or None when Slack would not give one."""
        try:
            return str(self.call("chat.getPermalink", channel=channel, message_ts=ts)["permalink"])
        except (SlackFailure, KeyError):
            return None

    def open_dm(self, user: str) -> str:
        """The D… id of the app's DM with `user` (conversations.open)."""
        return str(self.call("conversations.open", users=user)["channel"]["id"])

    def history(self, channel: str, **params: Any) -> list[dict[str, Any]]:
        """A conversation's recent top-level messages, newest first."""
        messages = self.call("conversations.history", channel=channel, **params).get("messages")
        return list(messages) if isinstance(messages, list) else []

    def upload(
        self, *, user: str, content: bytes | str, filename: str, title: str, comment: str
    ) -> None:
        """Upload a file into the app's DM with `user`."""
        channel = self.open_dm(user)
        self._attempt(
            "files.completeUploadExternal",
            lambda: self.client.files_upload_v2(
                channel=channel,
                content=content,
                filename=filename,
                title=title,
                initial_comment=comment,
            ),
        )

    def upload_image(self, *, content: bytes, filename: str, title: str, alt_text: str) -> str:
        """Upload an image without sharing it anywhere; returns its file id, for image blocks
        (`slack_file`) in the app's own messages and views.

        files.getUploadURLExternal takes `alt_txt` ("description of image for screen-reader",
        at most 1000 characters: error `alt_txt_too_large`) and the exact `length`;
        files.completeUploadExternal without `channel_id` leaves the file private to the app.
        https://docs.slack.dev/reference/methods/files.getUploadURLExternal
        https://docs.slack.dev/reference/methods/files.completeUploadExternal
        """
        data = self._attempt(
            "files.completeUploadExternal",
            lambda: self.client.files_upload_v2(
                content=content, filename=filename, title=title, alt_txt=alt_text[:1000]
            ),
        )
        files = data.get("files") or []
        file_id = files[0].get("id") if files and isinstance(files[0], dict) else None
        if not file_id:
            failure = SlackFailure("files.completeUploadExternal", "no_file_id", "refused")
            self._log(failure)
            raise failure
        return str(file_id)

    def upload_picture(self, picture: Picture) -> str:
        """Upload a drawn picture (with its alt text cut to the upload's limit); its file id."""
        return self.upload_image(
            content=picture.png,
            filename=picture.filename,
            title=picture.title,
            alt_text=picture.file_alt,
        )

    # -- canvases ------------------------------------------------------------------------------

    def create_canvas(self, *, title: str, markdown: str) -> str:
        """canvases.create a standalone canvas (owned by the app); returns its id."""
        content = {"type": "markdown", "markdown": markdown}
        return str(self.call("canvases.create", title=title, document_content=content)["canvas_id"])

    def replace_canvas(self, canvas_id: str, markdown: str) -> None:
        """canvases.edit: replace the whole document, so the canvas keeps its id and link."""
        change = {
            "operation": "replace",
            "document_content": {"type": "markdown", "markdown": markdown},
        }
        self.call("canvases.edit", canvas_id=canvas_id, changes=[change])

    def share_canvas(self, canvas_id: str, *, users: list[str], level: str) -> None:
        """canvases.access.set for users ("read", "write" or "owner")."""
        self.call("canvases.access.set", canvas_id=canvas_id, access_level=level, user_ids=users)

    # -- people and views ---------------------------------------------------------------------

    def user_info(self, user: str) -> dict[str, Any]:
        """users.info's user object."""
        found = self.call("users.info", user=user).get("user")
        return dict(found) if isinstance(found, dict) else {}

    def open_view(self, trigger_id: str, view: dict[str, Any]) -> dict[str, Any]:
        """views.open; returns the view as Slack holds it (with its id and hash)."""
        return dict(self.call("views.open", trigger_id=trigger_id, view=view)["view"])

    def update_view(self, view_id: str, view: dict[str, Any]) -> None:
        """views.update an open modal."""
        self.call("views.update", view_id=view_id, view=view)

    def publish_home(self, user: str, view: dict[str, Any]) -> None:
        """views.publish a member's Home tab."""
        self.call("views.publish", user_id=user, view=view)

    # -- answering the member -----------------------------------------------------------------

    def respond(
        self,
        text: str,
        blocks: list[Any],
        *,
        replace_original: bool = False,
        delete_original: bool = False,
    ) -> None:
        """Answer through the interaction's response_url (ephemeral to whoever acted)."""
        if self.response_url is None:
            raise SlackFailure("response_url", "no_response_url", "refused")
        webhook = WebhookClient(
            self.response_url,
            timeout=int(self.client.timeout),
            retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=3)],
        )
        body: dict[str, Any] = {"text": fallback_text(text, blocks), "response_type": "ephemeral"}
        if blocks:
            body["blocks"] = blocks
        if replace_original:
            body["replace_original"] = True
        if delete_original:
            body["delete_original"] = True
        try:
            answer = webhook.send_dict(body)
        except (SlackClientError, OSError) as error:
            failure = SlackFailure("response_url", type(error).__name__, "unavailable")
            self._log(failure)
            raise failure from None
        if answer.status_code != 200:
            failure = SlackFailure(
                "response_url", f"http_{answer.status_code}", classify("", answer.status_code)
            )
            self._log(failure)
            raise failure

    def reply_privately(
        self,
        *,
        user_id: str,
        channel_id: str | None,
        text: str,
        blocks: list[Any],
        prefer_dm: bool = False,
    ) -> bool:
        """Show `user_id` a message only they see; False when every route failed.

        The interaction's response_url first (it works in any conversation, bot invited or
        not), then an ephemeral in the channel, then the DM. Never raises: what a reply
        confirms is already stored, and each failed route was logged by `call`.
        """
        routes: list[Callable[[], Any]] = []
        if self.response_url is not None:
            routes.append(lambda: self.respond(text, blocks))
        if channel_id:
            routes.append(lambda: self.post_ephemeral(channel_id, user_id, text, blocks))
        dm = [lambda: self.post(user_id, text, blocks)]
        routes = dm + routes if prefer_dm else routes + dm
        for route in routes:
            try:
                route()
                return True
            except SlackFailure:
                continue
        logger.error("could not reply to %s by any route team=%s", user_id, self.team_id)
        return False
