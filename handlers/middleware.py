"""Cross-cutting listener concerns: service injection, one log line per request, errors."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

from bot.blocks.errors import command_failed_message
from bot.services import Services
from handlers.commands.transition import SUBCOMMANDS
from handlers.listener import AfterAck

logger = logging.getLogger("transition_coach.requests")


def describe(body: dict[str, Any]) -> tuple[str, str | None, str | None]:
    """(what happened, team, user) for a log line, without any text the user typed."""
    if "command" in body:
        words = str(body.get("text", "")).split()
        sub = words[0].lower() if words else "help"
        if sub not in SUBCOMMANDS and sub not in ("help", "?"):
            sub = "(unknown word)"  # it may be anything the member typed
        return f"command {body['command']} {sub}", body.get("team_id"), body.get("user_id")
    kind = str(body.get("type", "unknown"))
    team = (body.get("team") or {}).get("id") or body.get("team_id")
    user = (body.get("user") or {}).get("id")
    if kind == "block_actions":
        action_ids = ",".join(a.get("action_id", "?") for a in body.get("actions", []))
        return f"action {action_ids}", team, user
    if kind in ("view_submission", "view_closed"):
        return f"{kind} {(body.get('view') or {}).get('callback_id')}", team, user
    if kind == "event_callback":
        event = body.get("event") or {}
        user = event.get("user")
        if isinstance(user, dict):  # user_change carries the whole profile: log the id only
            user = user.get("id")
        return f"event {event.get('type')}", team, user
    return kind, team, user


class InjectAndTime(Middleware):
    """Puts the services, the after-ack pool, the receipt time and the request's log
    description in the context. A Middleware subclass, not a decorated function: Bolt then
    calls `process` directly instead of building every injectable argument for it on each
    request (a twentieth of a /transition log's CPU)."""

    def __init__(self, services: Services, after_ack: AfterAck) -> None:
        self.services = services
        self.after_ack = after_ack

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        # Bolt runs its listener after the whole middleware chain, not inside next(): the
        # listener wrapper (handlers/listener.py) logs the request line once it has acked.
        context = req.context
        context["received_at"] = time.perf_counter()
        context["services"] = self.services
        context["after_ack"] = self.after_ack
        context["describe"] = describe(req.body)
        return next()


def register(app: App, services: Services, after_ack: AfterAck) -> None:
    """Install the middleware and the global error handler."""

    app.use(InjectAndTime(services, after_ack))

    @app.error
    def log_error(
        error: Exception, body: dict[str, Any], response: BoltResponse | None
    ) -> BoltResponse | None:
        what, team, user = describe(body)
        logger.error("%s team=%s user=%s failed", what, team, user, exc_info=error)
        if "command" in body and response is not None:
            # Slack would show "dispatch_failed"; say what happened in words instead.
            return BoltResponse(status=200, body=json.dumps(command_failed_message()))
        return None  # modals stay open on a 500, so the user's input is not lost
