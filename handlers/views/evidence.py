"""Evidence form submissions (new entries and edits) and the ship post form."""

from __future__ import annotations

from typing import Any

from bot.blocks.evidence import field_ids, logged_blocks, notice, outcome_blocks
from bot.evidence import SPECS
from bot.outbound import Outbound
from bot.scoring import ScoreError
from bot.services.evidence import can_change, edit_entry, log_evidence, own_entry, prepare
from handlers import ship_posting
from handlers.listener import Answer, Incoming, Then
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


def _reply(req: Incoming, channel: str | None, text: str, blocks: list[Any]) -> Then:
    return lambda slack: slack.reply_privately(
        user_id=req.user_id, channel_id=channel, text=text, blocks=blocks
    )


def _channel(meta: dict[str, Any]) -> str | None:
    channel = meta.get("channel")
    return channel if isinstance(channel, str) else None


def handle_submission(req: Incoming) -> Answer:
    """Store (or update) the entry, then confirm privately with the coaching under it."""
    services, view = req.services, req.view
    meta = metadata(view)
    kind = meta.get("kind")
    if kind not in SPECS or kind == "ship":  # not a form we built: close it, change nothing
        return Answer.later()
    values = spec_values(SPECS[kind], view)
    errors = _validate(kind, values)
    if errors:
        return Answer.errors(errors)
    channel = _channel(meta)
    entry_id = meta.get("entry_id")
    if isinstance(entry_id, int):
        entry = own_entry(services, team_id=req.team_id, user_id=req.user_id, entry_id=entry_id)
        if entry is None:
            text, blocks = notice("That entry is gone, so there was nothing to edit.")
            return Answer.later(_reply(req, channel, text, blocks))
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
        return Answer.later(_reply(req, channel, text, blocks))
    outcome = log_evidence(
        services,
        team_id=req.team_id,
        user_id=req.user_id,
        kind=kind,
        fields=values,
        client_key=f"view:{view.get('id')}",  # a double submit of one modal stores once
    )
    return Answer.later(_reply(req, channel, *outcome_blocks(outcome)))


def handle_ship_submission(req: Incoming) -> Answer:
    """Store the ship post FIRST, then publish it and tell the author where it is."""
    services, view = req.services, req.view
    meta = metadata(view)
    values = spec_values(SPECS["ship"], view)
    errors = _validate("ship", values)
    if not values.get("after") and not values.get("measuring"):
        block = field_ids(SPECS["ship"].field("after"))[0]
        errors[block] = "Give the number after, or tick “still measuring” below."
    if errors:
        return Answer.errors(errors)
    channel = _channel(meta)
    entry_id = meta.get("entry_id")
    if isinstance(entry_id, int):
        return _edit_ship(req, entry_id=entry_id, values=values, channel=channel)
    outcome = log_evidence(
        services,
        team_id=req.team_id,
        user_id=req.user_id,
        kind="ship",
        fields=values,
        client_key=f"view:{view.get('id')}",
    )
    entry = outcome.logged.entry
    if not outcome.logged.created:
        return Answer.later()  # a replayed submission of the same modal: the first one publishes

    def publish(slack: Outbound) -> None:
        published = ship_posting.publish(slack, services, entry=entry)
        if published is None:
            text, blocks = notice(
                "Your ship post is saved, but Slack wouldn't let me post it anywhere just now. "
                "It's safe in `/transition entries`."
            )
            _reply(req, channel, text, blocks)(slack)
            return
        ship_posting.confirm_to_author(
            slack, entry=entry, published=published, reply_channel=channel
        )

    return Answer.later(publish)


def _edit_ship(
    req: Incoming, *, entry_id: int, values: dict[str, Any], channel: str | None
) -> Answer:
    services = req.services
    entry = own_entry(services, team_id=req.team_id, user_id=req.user_id, entry_id=entry_id)
    if entry is None or not can_change(services, entry):
        text, blocks = notice("That ship post is gone." if entry is None else TOO_LATE)
        return Answer.later(_reply(req, channel, text, blocks))
    updated, _, _ = edit_entry(services, entry=entry, fields=values)

    def republish(slack: Outbound) -> None:
        ship_posting.update_post(slack, entry=updated)
        if updated.post_channel_id and updated.post_ts:
            posted_to = updated.fields.get("posted_to")
            published = ship_posting.Published(
                updated.post_channel_id,
                updated.post_ts,
                updated.fields.get("fallback") if posted_to == "dm" else None,
                updated.post_channel_id if posted_to == "team" else None,
            )
            ship_posting.confirm_to_author(
                slack, entry=updated, published=published, reply_channel=channel, edited=True
            )

    return Answer.later(republish)
