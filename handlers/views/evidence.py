"""Evidence form submissions (new entries and edits) and the ship post form."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.blocks.evidence import field_ids, logged_blocks, notice, outcome_blocks
from bot.evidence import SPECS
from bot.scoring import ScoreError
from bot.services import Services
from bot.services.evidence import (
    EvidenceOutcome,
    can_change,
    edit_entry,
    log_evidence,
    own_entry,
    prepare,
)
from handlers import ship_posting
from handlers.replies import reply_privately
from handlers.views.values import metadata, required_errors, spec_values

TOO_LATE = (
    "Ship posts can be changed for 24 hours after posting, and this one is older. "
    "Add what changed in its thread instead."
)


def _validate(kind: str, values: dict[str, Any]) -> dict[str, str]:
    """Field errors: required fields, and score inputs that aren't valid numbers."""
    spec = SPECS[kind]
    errors = required_errors(spec, values)
    try:
        prepare(kind, values)
    except ScoreError as error:
        errors[field_ids(spec.field(error.field))[0]] = str(error)
    return errors


def handle_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: dict[str, Any]
) -> None:
    """Store (or update) the entry, then confirm privately with the coaching under it."""
    services: Services = context["services"]
    meta = metadata(view)
    kind = meta.get("kind")
    if kind not in SPECS or kind == "ship":  # not a form we built: close it, change nothing
        ack()
        return
    values = spec_values(SPECS[kind], view)
    errors = _validate(kind, values)
    if errors:
        ack(response_action="errors", errors=errors)
        return
    user_id, team_id = body["user"]["id"], body["team"]["id"]
    channel = meta.get("channel")
    entry_id = meta.get("entry_id")
    if isinstance(entry_id, int):
        entry = own_entry(services, team_id=team_id, user_id=user_id, entry_id=entry_id)
        ack()
        if entry is None:
            text, blocks = notice("That entry is gone, so there was nothing to edit.")
            reply_privately(client, user_id=user_id, channel_id=channel, text=text, blocks=blocks)
            return
        updated, suggestions, scores = edit_entry(services, entry=entry, fields=values)
        text, blocks = logged_blocks(
            kind=kind,
            text=updated.text,
            week=updated.program_week,
            enrolled=True,
            created=False,
            suggestions=suggestions,
            scores=scores,
            verb="Updated",
        )
        reply_privately(client, user_id=user_id, channel_id=channel, text=text, blocks=blocks)
        return
    outcome = log_evidence(
        services,
        team_id=team_id,
        user_id=user_id,
        kind=kind,
        fields=values,
        client_key=f"view:{view['id']}",  # a double submit of one modal stores once
    )
    ack()
    _confirm(client, outcome, kind=kind, user_id=user_id, channel=channel)


def _confirm(
    client: WebClient, outcome: EvidenceOutcome, *, kind: str, user_id: str, channel: Any
) -> None:
    text, blocks = outcome_blocks(kind, outcome)
    reply_privately(
        client,
        user_id=user_id,
        channel_id=channel if isinstance(channel, str) else None,
        text=text,
        blocks=blocks,
    )


def handle_ship_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: dict[str, Any]
) -> None:
    """Store the ship post FIRST, then publish it and tell the author where it is."""
    services: Services = context["services"]
    meta = metadata(view)
    values = spec_values(SPECS["ship"], view)
    errors = _validate("ship", values)
    if not values.get("after") and not values.get("measuring"):
        block = field_ids(SPECS["ship"].field("after"))[0]
        errors[block] = "Give the number after, or tick “still measuring” below."
    if errors:
        ack(response_action="errors", errors=errors)
        return
    user_id, team_id = body["user"]["id"], body["team"]["id"]
    channel = meta.get("channel") if isinstance(meta.get("channel"), str) else None
    entry_id = meta.get("entry_id")
    if isinstance(entry_id, int):
        _edit_ship(
            ack,
            client,
            services,
            team_id=team_id,
            user_id=user_id,
            entry_id=entry_id,
            values=values,
            channel=channel,
        )
        return
    outcome = log_evidence(
        services,
        team_id=team_id,
        user_id=user_id,
        kind="ship",
        fields=values,
        client_key=f"view:{view['id']}",
    )
    ack()
    entry = outcome.logged.entry
    if not outcome.logged.created:
        return  # a replayed submission of the same modal: the first one publishes
    published = ship_posting.publish(client, services, entry=entry)
    if published is None:
        text, blocks = notice(
            "Your ship post is saved, but Slack wouldn't let me post it anywhere just now. "
            "It's safe in `/transition entries`."
        )
        reply_privately(client, user_id=user_id, channel_id=channel, text=text, blocks=blocks)
        return
    ship_posting.confirm_to_author(client, entry=entry, published=published, reply_channel=channel)


def _edit_ship(
    ack: Ack,
    client: WebClient,
    services: Services,
    *,
    team_id: str,
    user_id: str,
    entry_id: int,
    values: dict[str, Any],
    channel: str | None,
) -> None:
    entry = own_entry(services, team_id=team_id, user_id=user_id, entry_id=entry_id)
    ack()
    if entry is None or not can_change(services, entry):
        message = "That ship post is gone." if entry is None else TOO_LATE
        text, blocks = notice(message)
        reply_privately(client, user_id=user_id, channel_id=channel, text=text, blocks=blocks)
        return
    updated, _, _ = edit_entry(services, entry=entry, fields=values)
    ship_posting.update_post(client, entry=updated)
    if updated.post_channel_id and updated.post_ts:
        published = ship_posting.Published(
            updated.post_channel_id,
            updated.post_ts,
            updated.fields.get("fallback") if updated.fields.get("posted_to") == "dm" else None,
            updated.post_channel_id if updated.fields.get("posted_to") == "team" else None,
        )
        ship_posting.confirm_to_author(
            client, entry=updated, published=published, reply_channel=channel, edited=True
        )
