"""Which OAuth scopes a bot token needs for each Web API method, as Slack documents them.

Sources: each method's reference page under https://docs.slack.dev/reference/methods/
("Required scopes"), read through the research notes in /work/notes/slack-facts.md §4.
A method absent from METHOD_SCOPES needs no scope (views.*, auth.test, chat.getPermalink).
A tuple means "any one of these" where Slack's page lists one scope per conversation type;
the emulator narrows it to the scope of the conversation the call targets, as Slack does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# method -> scopes, any one of which is enough (per conversation type where that applies).
METHOD_SCOPES: dict[str, tuple[str, ...]] = {
    "chat.postMessage": ("chat:write",),
    "chat.postEphemeral": ("chat:write",),
    "chat.update": ("chat:write",),
    "chat.delete": ("chat:write",),
    "chat.scheduleMessage": ("chat:write",),
    "chat.deleteScheduledMessage": ("chat:write",),
    "chat.scheduledMessages.list": ("chat:write",),
    "conversations.open": ("channels:manage", "groups:write", "im:write", "mpim:write"),
    "conversations.history": ("channels:history", "groups:history", "im:history", "mpim:history"),
    "conversations.info": ("channels:read", "groups:read", "im:read", "mpim:read"),
    "users.info": ("users:read",),
    "users.list": ("users:read",),
    "team.info": ("team:read",),
    "files.getUploadURLExternal": ("files:write",),
    "files.completeUploadExternal": ("files:write",),
    "files.delete": ("files:write",),
    "canvases.create": ("canvases:write",),
    "canvases.edit": ("canvases:write",),
    "canvases.access.set": ("canvases:write",),
}

# Per conversation kind, the one scope of a family that applies (public, private, IM, MPIM).
_BY_KIND: dict[str, dict[str, str]] = {
    "history": {
        "public": "channels:history",
        "private": "groups:history",
        "im": "im:history",
        "mpim": "mpim:history",
    },
    "read": {
        "public": "channels:read",
        "private": "groups:read",
        "im": "im:read",
        "mpim": "mpim:read",
    },
}

ConversationKind = Callable[[str], str | None]


def needed_scopes(
    method: str, params: dict[str, Any], conversation_kind: ConversationKind
) -> tuple[str, ...]:
    """The scopes (any one suffices) `method` needs for these arguments; () when none.

    `conversation_kind(channel_id)` answers "public", "private", "im", "mpim" or None
    (unknown channel: the method itself then answers channel_not_found).
    """
    scopes = METHOD_SCOPES.get(method, ())
    if method in ("conversations.history", "conversations.info"):
        family = "history" if method == "conversations.history" else "read"
        kind = conversation_kind(str(params.get("channel") or ""))
        if kind is not None:
            return (_BY_KIND[family][kind],)
    if method == "conversations.open" and not params.get("channel"):
        # Opening a DM by user id: one user is an IM, several an MPIM.
        users = [u for u in str(params.get("users") or "").split(",") if u.strip()]
        return ("mpim:write",) if len(users) > 1 else ("im:write",)
    return scopes


# Every bot scope the table above names: for tests of the emulator itself, not of an app.
EVERY_SCOPE: frozenset[str] = frozenset(s for options in METHOD_SCOPES.values() for s in options)
