"""The offline sandbox page: a browser plays Slack's part for the demo team.

Every action on the page goes to the bot exactly as Slack would send it (signed HTTP to
/slack/events through `SlackSender`), and everything the page shows is read back from the
emulator's recorded state: channel and DM messages, ephemerals, open modals, the Home tab.
The page itself (sandbox/static/) is plain HTML and JavaScript: no build step, no network.
"""

from __future__ import annotations

import contextlib
import json
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from bot.blocks.ids import SAVE_MESSAGE_SHORTCUT
from slack_emulator.slack_requests import SlackHTTPResponse, SlackSender, typed

if TYPE_CHECKING:
    from sandbox.offline import OfflineBot

PAGE_DIR = Path(__file__).parent / "static"
STATIC_FILES = {"sandbox.js": "text/javascript", "sandbox.css": "text/css"}
BOT_NAME = "Transition Coach"
MAX_ADVANCE_DAYS = 31
MAX_WAIT = 10


class SandboxError(Exception):
    """A request the page should not have sent; answered with HTTP 400 and the reason."""


class Sandbox:
    """Slack's side for one demo team: sends what a member does, reads what Slack shows."""

    def __init__(self, bot: OfflineBot) -> None:
        from sandbox.offline import (
            DEMO_ADMIN,
            DEMO_CHANNEL,
            DEMO_COHORT_CHANNEL,
            DEMO_COHORT_CHANNEL_NAME,
            DEMO_MEMBERS,
            DEMO_TEAM,
        )

        self.bot = bot
        self.team = DEMO_TEAM
        self.channel = DEMO_CHANNEL
        self.cohort_channel = DEMO_COHORT_CHANNEL
        # The page's channels, as Slack's conversations menus list them.
        self.channels = {DEMO_CHANNEL: "transition", DEMO_COHORT_CHANNEL: DEMO_COHORT_CHANNEL_NAME}
        self.members = DEMO_MEMBERS
        self.admin = DEMO_ADMIN
        self.sender = SlackSender(
            bot.events_url,
            bot.settings.signing_secret or "",
            team_id=DEMO_TEAM,
            emulator=bot.emulator,
        )
        self.sender.team_domain = "demo-team"

    # -- helpers ------------------------------------------------------------------------------

    def member(self, data: dict[str, Any]) -> str:
        """The acting member from a request, checked against the demo team."""
        user = str(data.get("user", ""))
        if user not in self.members:
            raise SandboxError(f"unknown member {user!r}")
        return user

    def dm(self, user: str) -> str:
        """The bot's DM channel with `user`."""
        return self.bot.emulator.dm_channel(self.team, user)

    def conversation(self, data: dict[str, Any], user: str) -> str:
        """The channel id a command is typed in: #transition, #pe-cohort or the DM."""
        where = data.get("where")
        if where == "dm":
            return self.dm(user)
        return self.cohort_channel if where == "cohort" else self.channel

    def modal_for(self, user: str) -> dict[str, Any] | None:
        """The top modal open for `user` (the last one opened or pushed), if any."""
        emulator = self.bot.emulator
        mine = [v for vid, v in emulator.open_views.items() if emulator.view_owner(vid) == user]
        return mine[-1] if mine else None

    def timeline(self, channel_id: str, user: str) -> list[dict[str, Any]]:
        """What `user` sees in a conversation: its messages plus ephemerals meant for them."""
        emulator = self.bot.emulator
        shown = [dict(m, ephemeral=False) for m in emulator.messages(channel_id)]
        shown += [
            dict(m, ephemeral=True)
            for m in emulator.ephemerals(channel_id)
            if m.get("recipient") == user
        ]
        return sorted(shown, key=lambda m: float(m.get("ts", 0)))

    def show_command_answer(
        self, response: SlackHTTPResponse, channel_id: str, user: str, command: str
    ) -> dict[str, Any] | None:
        """Do with the command's HTTP answer what Slack's client does with it; returns the
        message shown, or None for a bare acknowledgement."""
        emulator = self.bot.emulator
        if response.status != 200:
            shown = {"text": f"{command} failed with the error “dispatch_failed”"}
            emulator.show_ephemeral(channel_id, user, shown)
            return shown
        try:
            body = response.json()
        except json.JSONDecodeError:
            body = {"text": response.body}
        if not isinstance(body, dict) or not (body.get("text") or body.get("blocks")):
            return None  # a bare ack: whatever the app does next arrives through the Web API
        if body.get("response_type") == "in_channel":
            emulator.add_message(
                channel_id,
                emulator.bot_user_id(self.team),
                str(body.get("text", "")),
                blocks=list(body.get("blocks") or []),
            )
        else:
            emulator.show_ephemeral(channel_id, user, body)
        return body

    # -- what the page reads ------------------------------------------------------------------

    def state(self, user: str) -> dict[str, Any]:
        """Everything the page shows for `user`, as Slack holds it right now."""
        emulator = self.bot.emulator
        dm = self.dm(user)
        names = {uid: real for uid, (_, real, _tz) in self.members.items()}
        names[emulator.bot_user_id(self.team)] = BOT_NAME
        now = self.bot.clock.now()
        return {
            "user": user,
            "now": now.isoformat(),
            "now_label": now.strftime("%a %d %b %Y, %H:%M UTC"),
            "names": names,
            "channel": {
                "id": self.channel,
                "name": "transition",
                "messages": self.timeline(self.channel, user),
            },
            "cohort": {
                "id": self.cohort_channel,
                "name": self.channels[self.cohort_channel],
                "messages": self.timeline(self.cohort_channel, user),
            },
            "dm": {"id": dm, "name": BOT_NAME, "messages": self.timeline(dm, user)},
            # What Slack's conversations_select and users_select menus offer here.
            "conversations": [{"id": cid, "name": name} for cid, name in self.channels.items()],
            "people": [{"id": uid, "name": real} for uid, (_, real, _tz) in self.members.items()],
            "home": emulator.home_view(self.team, user),
            # Canvases this member may open (their portfolio, or one shared with them).
            "canvases": [
                {"id": c["id"], "title": c["title"], "markdown": c["markdown"]}
                for c in emulator.canvases.values()
                if c["team_id"] == self.team and user in c["access"]
            ],
            "modal": self.modal_for(user),
        }

    def members_list(self) -> dict[str, Any]:
        """The demo team's members."""
        return {
            "team": self.team,
            "members": [
                {"id": uid, "name": name, "real_name": real, "tz": tz, "admin": uid == self.admin}
                for uid, (name, real, tz) in self.members.items()
            ],
        }

    # -- what the page does -------------------------------------------------------------------

    def command(self, data: dict[str, Any]) -> dict[str, Any]:
        """Type a slash command in #transition or the DM.

        With `wait` (seconds, at most MAX_WAIT), a command acknowledged without a message
        waits that long for the answer the app sends after its ack (through the
        response_url), so a terminal client can print it.
        """
        user = self.member(data)
        text = str(data.get("text", "")).strip()
        wait = data.get("wait", 0)
        if not isinstance(wait, int | float) or not 0 <= wait <= MAX_WAIT:
            raise SandboxError(f"wait must be seconds from 0 to {MAX_WAIT}")
        command, _, rest = text.partition(" ")
        if command != "/transition":
            raise SandboxError("Only /transition is installed in this workspace.")
        channel_id = self.conversation(data, user)
        response = self.sender.command(
            typed(rest.strip()),  # Slack escapes what people type (should_escape is on)
            user_id=user,
            channel_id=channel_id,
            command=command,
        )
        shown = self.show_command_answer(response, channel_id, user, command)
        if shown is None and wait and response.status == 200 and response.response_url:
            with contextlib.suppress(AssertionError):  # nothing came: a modal, or silence
                shown = self.bot.emulator.response_to(response.response_url, timeout=wait)
        return {"status": response.status, "shown": [shown] if shown else []}

    def say(self, data: dict[str, Any]) -> dict[str, Any]:
        """Type a message (not a command): in the DM Slack sends the app a `message` event
        (in a thread when `thread_ts` names one); in #transition it is a message others see,
        which anyone can then save with the message shortcut."""
        user = self.member(data)
        text = str(data.get("text", "")).strip()
        if not text:
            raise SandboxError("type something first")
        thread = data.get("thread_ts")
        thread_ts = str(thread) if isinstance(thread, str) and thread else None
        if data.get("where") == "dm":
            response = self.sender.dm_message(
                text, user_id=user, team_id=self.team, thread_ts=thread_ts
            )
            return {"status": response.status, "ts": response.message_ts}
        channel = self.conversation(data, user)
        ts = self.bot.emulator.add_message(channel, user, typed(text), thread_ts=thread_ts)
        return {"status": 200, "ts": ts}

    def shortcut(self, data: dict[str, Any]) -> dict[str, Any]:
        """Use the message shortcut "Save to my journal" on a message in a conversation."""
        user = self.member(data)
        channel, ts = str(data.get("channel", "")), str(data.get("ts", ""))
        if channel not in (*self.channels, self.dm(user)):
            raise SandboxError("that conversation is not in the sandbox")
        found = [m for m in self.bot.emulator.messages(channel) if m.get("ts") == ts]
        if not found:
            raise SandboxError("that message is gone")
        message = {k: found[0][k] for k in ("ts", "user", "text") if found[0].get(k) is not None}
        response = self.sender.message_shortcut(
            SAVE_MESSAGE_SHORTCUT, user_id=user, channel_id=channel, message=message
        )
        return {"status": response.status}

    def action(self, data: dict[str, Any]) -> dict[str, Any]:
        """Click a button (or pick from a select) in a message, the Home tab or a modal."""
        user = self.member(data)
        surface = data.get("surface")
        view: dict[str, Any] | None = None
        if surface == "home":
            view = self.bot.emulator.home_view(self.team, user)
        elif surface == "modal":
            view = self.bot.emulator.open_views.get(str(data.get("view_id")))
        elif surface != "message":
            raise SandboxError(f"unknown surface {surface!r}")
        if surface != "message" and view is None:
            raise SandboxError("that view is no longer open")
        element = data.get("element") if isinstance(data.get("element"), dict) else None
        response = self.sender.block_action(
            str(data.get("action_id", "")),
            user_id=user,
            value=str(data.get("value") or ""),
            block_id=str(data.get("block_id") or "actions"),
            channel_id=str(data["channel"]) if surface == "message" else None,
            message_ts=str(data["ts"]) if surface == "message" else None,
            view=view,
            element=element,
            ephemeral=bool(data.get("ephemeral")),
        )
        return {"status": response.status}

    def submit(self, data: dict[str, Any]) -> dict[str, Any]:
        """Press a modal's submit button; errors come back for the page to show inline."""
        user = self.member(data)
        view_id = str(data.get("view_id", ""))
        view = self.bot.emulator.open_views.get(view_id)
        if view is None or self.bot.emulator.view_owner(view_id) != user:
            raise SandboxError("that modal is no longer open")
        values = data.get("values")
        if not isinstance(values, dict):
            raise SandboxError("values must be an object")
        response = self.sender.view_submission(view, values, user_id=user)
        if response.status != 200:
            return {"status": response.status, "problem": "The app did not answer (HTTP error)."}
        body = response.json()
        action = body.get("response_action") if isinstance(body, dict) else None
        if action == "errors":
            return {"status": 200, "errors": body.get("errors", {})}
        if action in (None, "clear"):
            # Slack closes the submitted view (`clear`: the whole stack) once the app acks.
            target = view.get("root_view_id") if action == "clear" else view_id
            self.bot.emulator.close_view(str(target or view_id))
            return {"status": 200}
        return {"status": 200, "problem": f"response_action {action!r} is not shown here."}

    def close(self, data: dict[str, Any]) -> dict[str, Any]:
        """Press a modal's close button (Slack sends no request unless notify_on_close)."""
        user = self.member(data)
        view_id = str(data.get("view_id", ""))
        if self.bot.emulator.view_owner(view_id) != user:
            raise SandboxError("that modal is not yours")
        self.bot.emulator.close_view(view_id)
        return {"status": 200}

    def open_home(self, data: dict[str, Any]) -> dict[str, Any]:
        """Open the app's Home tab: Slack sends app_home_opened."""
        user = self.member(data)
        event = {
            "type": "app_home_opened",
            "user": user,
            "channel": self.dm(user),
            "tab": "home",
            "event_ts": f"{self.sender.now():.6f}",
        }
        response = self.sender.event(event, team_id=self.team)
        return {"status": response.status}

    def advance(self, data: dict[str, Any]) -> dict[str, Any]:
        """Move the simulated clock by whole days (then one scheduler pass runs)."""
        days = data.get("days")
        if not isinstance(days, int) or not 0 < days <= MAX_ADVANCE_DAYS:
            raise SandboxError(f"days must be a whole number from 1 to {MAX_ADVANCE_DAYS}")
        now = self.bot.advance(timedelta(days=days))
        return {"status": 200, "now": now.isoformat()}


def build_sandbox(bot: OfflineBot) -> Starlette:
    """The sandbox's Starlette app: the page, its two static files and the JSON API."""
    sandbox = Sandbox(bot)

    async def page(_: Request) -> Response:
        return FileResponse(PAGE_DIR / "index.html", media_type="text/html")

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC_FILES:  # only the two files we ship, never a path
            return Response("not found", status_code=404)
        return FileResponse(PAGE_DIR / name, media_type=STATIC_FILES[name])

    async def file(request: Request) -> Response:
        # What a Slack client shows for an image block's slack_file: the bytes of the demo
        # team's completed image upload, read from the emulator (never a path, never another
        # team's file, never a non-image).
        found = bot.emulator.image(sandbox.team, request.path_params["file_id"])
        if found is None:
            return Response("not found", status_code=404)
        mimetype, content = found
        return Response(content, media_type=mimetype, headers={"Cache-Control": "no-store"})

    async def members(_: Request) -> Response:
        return JSONResponse(sandbox.members_list())

    async def state(request: Request) -> Response:
        try:
            user = sandbox.member({"user": request.query_params.get("user", "")})
        except SandboxError as error:
            return JSONResponse({"error": str(error)}, status_code=400)
        return JSONResponse(await run_in_threadpool(sandbox.state, user))

    def post(handler: Any) -> Any:
        async def endpoint(request: Request) -> Response:
            try:
                data = await request.json()
                if not isinstance(data, dict):
                    raise SandboxError("send a JSON object")
                return JSONResponse(await run_in_threadpool(handler, data))
            except (SandboxError, ValueError) as error:
                return JSONResponse({"error": str(error)}, status_code=400)

        return endpoint

    return Starlette(
        routes=[
            Route("/", page, methods=["GET"]),
            Route("/static/{name}", static, methods=["GET"]),
            Route("/api/members", members, methods=["GET"]),
            Route("/api/files/{file_id}", file, methods=["GET"]),
            Route("/api/state", state, methods=["GET"]),
            Route("/api/command", post(sandbox.command), methods=["POST"]),
            Route("/api/action", post(sandbox.action), methods=["POST"]),
            Route("/api/say", post(sandbox.say), methods=["POST"]),
            Route("/api/shortcut", post(sandbox.shortcut), methods=["POST"]),
            Route("/api/submit", post(sandbox.submit), methods=["POST"]),
            Route("/api/close", post(sandbox.close), methods=["POST"]),
            Route("/api/home", post(sandbox.open_home), methods=["POST"]),
            Route("/api/advance", post(sandbox.advance), methods=["POST"]),
        ]
    )
