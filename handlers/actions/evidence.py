"""Buttons and selects around evidence: log another kind, edit or delete an entry, ship post
edit/delete, the one-week follow-up and the decision revisit."""

from __future__ import annotations

from bot.blocks import ids
from bot.blocks.evidence import evidence_modal, notice, outcome_blocks
from bot.blocks.ship import REVISIT_OUTCOMES, followup_modal, revisit_modal
from bot.evidence import LOGGABLE
from bot.outbound import Outbound, SlackFailure
from bot.services.evidence import can_change, change_kind, delete_entry, own_entry
from bot.services.ship import add_answer
from handlers import ship_posting
from handlers.actions.containers import first_action
from handlers.commands.log import open_kind_modal
from handlers.listener import Answer, Incoming, Then
from handlers.views.evidence import TOO_LATE
from storage.models import Entry


def _entry_from_value(req: Incoming) -> Entry | None:
    """The clicker's own entry named by the button's value (never someone else's)."""
    raw = str(first_action(req.body).get("value") or "").split(":")[0]
    if not raw.isdigit():
        return None
    return own_entry(req.services, team_id=req.team_id, user_id=req.user_id, entry_id=int(raw))


def _tell(req: Incoming, message: str) -> Then:
    text, blocks = notice(message)
    return lambda slack: slack.reply_privately(
        user_id=req.user_id, channel_id=req.channel_id, text=text, blocks=blocks
    )


def log_evidence_select(req: Incoming) -> Answer:
    """Open the form of the kind picked in the "Log evidence" select."""
    selected = (first_action(req.body).get("selected_option") or {}).get("value")
    if selected not in LOGGABLE:
        return Answer.later()
    return Answer.later(
        open_kind_modal(kind=selected, trigger_id=req.trigger_id, channel_id=req.channel_id)
    )


def change_entry_kind(req: Incoming) -> Answer:
    """File a one-line entry as the kind picked in its menu; the confirmation is redrawn in
    place (through the response_url) with the new kind's coaching."""
    raw_id, _, kind = str(
        (first_action(req.body).get("selected_option") or {}).get("value", "")
    ).partition(":")
    entry = (
        own_entry(req.services, team_id=req.team_id, user_id=req.user_id, entry_id=int(raw_id))
        if raw_id.isdigit()
        else None
    )
    if entry is None:
        return Answer.later(_tell(req, "That entry is gone (or isn't yours)."))
    if kind == entry.kind:
        return Answer.later()
    outcome = change_kind(req.services, entry=entry, kind=kind)
    if outcome is None:
        message = "That entry was filled in with its full form since; change it with Edit."
        return Answer.later(_tell(req, message))
    text, blocks = outcome_blocks(outcome, quick=True)

    def redraw(slack: Outbound) -> None:
        try:
            slack.respond(text, blocks, replace_original=True)
        except SlackFailure:  # the message is too old to change: say it anew
            slack.reply_privately(
                user_id=req.user_id, channel_id=req.channel_id, text=text, blocks=blocks
            )

    return Answer.later(redraw)


def edit_entry(req: Incoming) -> Answer:
    """Open an entry's form prefilled; a ship post only within its 24 hours."""
    entry = _entry_from_value(req)
    if entry is None:
        return Answer.later(_tell(req, "That entry is gone (or isn't yours)."))
    if not can_change(req.services, entry):
        return Answer.later(_tell(req, TOO_LATE))
    view = evidence_modal(
        entry.kind, channel_id=req.channel_id, values=entry.fields, entry_id=entry.id
    )
    return Answer.later(lambda slack: slack.open_view(req.trigger_id, view))


def delete_entry_action(req: Incoming) -> Answer:
    """Delete an entry (Slack asked for confirmation); a ship post's message goes too."""
    entry = _entry_from_value(req)
    if entry is None:
        return Answer.later(_tell(req, "That entry is already gone."))
    if not can_change(req.services, entry):
        return Answer.later(_tell(req, TOO_LATE.replace("changed", "deleted")))

    def delete(slack: Outbound) -> None:
        if entry.kind == "ship" and not ship_posting.delete_post(slack, entry=entry):
            message = "Slack wouldn't let me remove the post just now; try again in a minute."
            _tell(req, message)(slack)
            return
        delete_entry(req.services, entry=entry)
        if str(first_action(req.body).get("block_id", "")).startswith(ids.QUICK_ENTRY_BLOCK):
            # Under its own confirmation: the confirmation becomes the notice.
            text, blocks = notice(":wastebasket: Deleted: it's gone from your journal.")
            try:
                slack.respond(text, blocks, replace_original=True)
                return
            except SlackFailure:
                pass
        _tell(req, ":wastebasket: Deleted.")(slack)

    return Answer.later(delete)


def open_followup(req: Incoming) -> Answer:
    """Open the one-week numbers form for a ship post."""
    entry = _entry_from_value(req)
    if entry is None or entry.kind != "ship":
        return Answer.later(_tell(req, "That ship post is gone."))
    before = entry.fields.get("before")
    view = followup_modal(
        entry_id=entry.id or 0, before=before if isinstance(before, str) else None
    )
    return Answer.later(lambda slack: slack.open_view(req.trigger_id, view))


def revisit_answer(req: Incoming) -> Answer:
    """Store how a decision turned out at once, then offer a note."""
    outcome = str(first_action(req.body).get("value") or "").partition(":")[2]
    entry = _entry_from_value(req)
    if entry is None or outcome not in REVISIT_OUTCOMES:
        return Answer.later(_tell(req, "That journal entry is gone."))
    services = req.services
    add_answer(
        services, entry=entry, key="revisit", answer={"outcome": outcome}, now=services.clock.now()
    )
    view = revisit_modal(entry_id=entry.id or 0, outcome=outcome)
    return Answer.later(lambda slack: slack.open_view(req.trigger_id, view))
