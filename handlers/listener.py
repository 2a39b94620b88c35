"""Ack first, by construction: how every listener is wired to Bolt.

A listener here is a function of what Slack sent (`Incoming`) that returns an `Answer`:
what to acknowledge with, and optionally `then`, the work that needs Slack. The listener
itself gets no Web API client, so it cannot call Slack before the acknowledgement; `then`
gets the `Outbound` and runs on the after-ack pool once Bolt has answered Slack (Bolt runs
with process_before_response=True, so the answer leaves as soon as the listener returns:
no ack polling).

Listeners may use the database before acking (storing what a member typed before saying
"Saved" is the point), never Slack.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.blocks.errors import after_ack_failed
from bot.blocks.fallback import fallback_text
from bot.outbound import Outbound, SlackFailure
from bot.services import Services

logger = logging.getLogger("transition_coach.requests")

# What runs after the ack; whatever it returns is ignored.
Then = Callable[[Outbound], object]


@dataclass(frozen=True)
class Answer:
    """The acknowledgement, and what to do with Slack once it has been sent."""

    ack: dict[str, Any] = field(default_factory=dict)
    then: Then | None = None

    @classmethod
    def reply(cls, text: str, blocks: list[Any], *, then: Then | None = None) -> Answer:
        """Acknowledge with a message shown only to the member (Slack's default)."""
        return cls({"text": fallback_text(text, blocks), "blocks": blocks}, then)

    @classmethod
    def later(cls, then: Then | None = None) -> Answer:
        """Acknowledge with nothing; `then` does the rest."""
        return cls({}, then)

    @classmethod
    def errors(cls, errors: dict[str, str]) -> Answer:
        """Keep a modal open with these field errors (block id -> message)."""
        return cls({"response_action": "errors", "errors": errors})


@dataclass(frozen=True)
class Incoming:
    """What Slack sent, as a listener reads it. There is no way to Slack in here."""

    body: dict[str, Any]
    services: Services
    team_id: str
    user_id: str

    @property
    def channel_id(self) -> str | None:
        """Where the command was typed or the button clicked (None for views and events)."""
        if "channel_id" in self.body:
            return str(self.body["channel_id"]) or None
        channel = self.body.get("channel")
        found = channel.get("id") if isinstance(channel, dict) else None
        return found if isinstance(found, str) else None

    @property
    def trigger_id(self) -> str:
        """The interaction's trigger id ("" when Slack sent none)."""
        value = self.body.get("trigger_id")
        return value if isinstance(value, str) else ""

    @property
    def view(self) -> dict[str, Any]:
        """The submitted or clicked-in view ({} when none)."""
        view = self.body.get("view")
        return view if isinstance(view, dict) else {}

    @property
    def event(self) -> dict[str, Any]:
        """The Events API event ({} when none)."""
        event = self.body.get("event")
        return event if isinstance(event, dict) else {}


Listener = Callable[[Incoming], Answer | None]


def _ids(body: dict[str, Any], context: dict[str, Any]) -> tuple[str, str]:
    team = body.get("team")
    team_id = body.get("team_id") or (team.get("id") if isinstance(team, dict) else None)
    user = body.get("user")
    user_id = body.get("user_id") or (user.get("id") if isinstance(user, dict) else None)
    event = body.get("event")
    if not isinstance(user_id, str) and isinstance(event, dict):  # events name the member
        user_id = event.get("user") if isinstance(event.get("user"), str) else None
    return str(team_id or context.get("team_id") or ""), str(user_id or "")


class AfterAck:
    """The pool the `then` parts run on, after Slack has its acknowledgement.

    `shutdown` waits for work in progress, so a stop never cuts a reply (or an upload) off.
    `settle` waits until nothing is queued or running (tests use it instead of sleeping).
    """

    def __init__(self, workers: int = 8) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="after-ack")
        self._idle = threading.Condition()
        self._pending = 0

    def submit(self, work: Callable[[], None]) -> None:
        """Run `work` soon, on the pool."""
        with self._idle:
            self._pending += 1

        def run() -> None:
            try:
                work()
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()

        self._pool.submit(run)

    def settle(self, timeout: float = 10.0) -> bool:
        """True once no after-ack work is queued or running (False after `timeout`)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout=timeout)

    def shutdown(self) -> None:
        """Finish what was started, then stop."""
        self._pool.shutdown(wait=True)


def wire(listener: Listener) -> Callable[..., None]:
    """The Bolt listener for one of ours: answer, acknowledge, then run `then`."""

    def bolt_listener(
        ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any]
    ) -> None:
        services: Services = context["services"]
        team_id, user_id = _ids(body, context)
        answer = listener(Incoming(body, services, team_id, user_id)) or Answer.later()
        ack(**answer.ack)
        what, team, user = context["describe"]
        # One line per request: what, who, and the real time from receipt to the ack.
        logger.info(
            "%s team=%s user=%s acked_in=%.1fms",
            what,
            team,
            user,
            (time.perf_counter() - context["received_at"]) * 1000,
        )
        if answer.then is None:
            return
        response_url = body.get("response_url")
        slack = Outbound(
            client,
            team_id=team_id or None,
            response_url=response_url if isinstance(response_url, str) else None,
        )
        work = answer.then

        def after() -> None:
            try:
                work(slack)
            except SlackFailure:
                pass  # logged once where it happened; what was stored stays stored
            except Exception:
                logger.exception("%s team=%s user=%s failed after the ack", what, team, user)
                if slack.response_url is not None and "command" in body:
                    with contextlib.suppress(SlackFailure):
                        slack.respond(*after_ack_failed())

        context["after_ack"].submit(after)

    bolt_listener.__name__ = getattr(listener, "__name__", "listener")
    return bolt_listener
