"""Buttons and selects around evidence: log another kind, edit or delete an entry, ship post
edit/delete, the one-week follow-up and the decision revisit."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.blocks.evidence import evidence_modal, notice
from bot.blocks.ship import REVISIT_OUTCOMES, followup_modal, revisit_modal
from bot.evidence import LOGGABLE
from bot.services import Services
from bot.services.evidence import can_change, delete_entry, own_entry
from bot.services.ship import add_answer
from handlers import ship_posting
from handlers.commands.log import open_kind_modal
from handlers.replies import reply_privately
from handlers.views.evidence import TOO_LATE
from storage.models import Entry


def _channel(body: dict[str, Any]) -> str | None:
    channel = body.get("channel") or {}
    return channel.get("id") if isinstance(channel, dict) else None


def _action(body: dict[str, Any]) -> dict[str, Any]:
    return (body.get("actions") or [{}])[0]


def _entry_from_value(services: Services, body: dict[str, Any]) -> Entry | None:
    """The clicker's own entry named by the button's value (never someone else's)."""
    raw = str(_action(body).get("value") or "").split(":")[0]
    if not raw.isdigit():
        return None
    return own_entry(
        services, team_id=body["team"]["id"], user_id=body["user"]["id"], entry_id=int(raw)
    )


def _tell(client: WebClient, body: dict[str, Any], message: str) -> None:
    text, blocks = notice(message)
    reply_privately(
        client, user_id=body["user"]["id"], channel_id=_channel(body), text=text, blocks=blocks
    )


def log_evidence_select(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
    """Open the form of the kind picked in the "Log evidence" select."""
    ack()
    selected = (_action(body).get("selected_option") or {}).get("value")
    if selected not in LOGGABLE:
        return
    open_kind_modal(client, kind=selected, trigger_id=body["trigger_id"], channel_id=_channel(body))


def edit_entry(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any]) -> None:
    """Open an entry's form prefilled; a ship post only within its 24 hours."""
    ack()
    services: Services = context["services"]
    entry = _entry_from_value(services, body)
    if entry is None:
        _tell(client, body, "That entry is gone (or isn't yours).")
        return
    if not can_change(services, entry):
        _tell(client, body, TOO_LATE)
        return
    client.views_open(
        trigger_id=body["trigger_id"],
        view=evidence_modal(
            entry.kind, channel_id=_channel(body), values=entry.fields, entry_id=entry.id
        ),
    )


def delete_entry_action(
    ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any]
) -> None:
    """Delete an entry (Slack asked for confirmation); a ship post's message goes too."""
    ack()
    services: Services = context["services"]
    entry = _entry_from_value(services, body)
    if entry is None:
        _tell(client, body, "That entry is already gone.")
        return
    if not can_change(services, entry):
        _tell(client, body, TOO_LATE.replace("changed", "deleted"))
        return
    if entry.kind == "ship" and not ship_posting.delete_post(client, entry=entry):
        _tell(
            client, body, "Slack wouldn't let me remove the post just now; try again in a minute."
        )
        return
    delete_entry(services, entry=entry)
    _tell(client, body, ":wastebasket: Deleted.")


def open_followup(
    ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any]
) -> None:
    """Open the one-week numbers form for a ship post."""
    ack()
    entry = _entry_from_value(context["services"], body)
    if entry is None or entry.kind != "ship":
        _tell(client, body, "That ship post is gone.")
        return
    before = entry.fields.get("before")
    client.views_open(
        trigger_id=body["trigger_id"],
        view=followup_modal(
            entry_id=entry.id or 0, before=before if isinstance(before, str) else None
        ),
    )


def revisit_answer(
    ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any]
) -> None:
    """Store how a decision turned out at once, then offer a note."""
    ack()
    services: Services = context["services"]
    outcome = str(_action(body).get("value") or "").partition(":")[2]
    entry = _entry_from_value(services, body)
    if entry is None or outcome not in REVISIT_OUTCOMES:
        _tell(client, body, "That journal entry is gone.")
        return
    add_answer(
        services, entry=entry, key="revisit", answer={"outcome": outcome}, now=services.clock.now()
    )
    client.views_open(
        trigger_id=body["trigger_id"], view=revisit_modal(entry_id=entry.id or 0, outcome=outcome)
    )
