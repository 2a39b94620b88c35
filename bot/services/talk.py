"""Talking to the app: what a member types in its DM, and Slack messages they save.

Whatever a member writes to the app is an entry, stored at once (a decision unless the kind
is given unambiguously, `problem: …`), and confirmed with a menu to file it as another kind.
A reply in the thread of a weekly prompt is filed under that prompt's week. A message saved
with the message shortcut is kept word for word with where it came from.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.evidence import parse_log_args, quick_fields
from bot.services import Services
from bot.services.evidence import EvidenceOutcome, log_evidence
from bot.text import COMMAND_TEXT_LIMIT, from_slack
from storage import due_items, entries
from storage.entries import StoredEntry
from storage.models import Entry

# Kind given when a saved Slack message is most often evidence of: what a customer said.
SAVED_MESSAGE_KIND = "customer_insight"


@dataclass(frozen=True)
class Typed:
    """What became of a message typed to the app."""

    outcome: EvidenceOutcome | None = None  # the stored entry
    form_kind: str | None = None  # only a kind word was typed: offer that kind's form
    too_long: int = 0  # characters typed, when more than an entry holds (nothing stored)
    help: bool = False  # "help": the short help, nothing stored


def log_typed(
    services: Services,
    *,
    team_id: str,
    user_id: str,
    text: str,
    channel_id: str,
    ts: str,
    thread_ts: str | None,
) -> Typed:
    """Store what `user_id` typed in the DM; Slack's redelivery of the same message (same
    channel and ts) finds the entry stored the first time."""
    words = from_slack(text).strip()
    if words.lower() in ("help", "?"):
        return Typed(help=True)
    if len(words) > COMMAND_TEXT_LIMIT:
        return Typed(too_long=len(words))
    kind, line = parse_log_args(words)
    if not line:
        return Typed(form_kind=kind)
    week = None
    if thread_ts and thread_ts != ts:
        with services.db.session() as session:
            week = due_items.week_of_message(
                session, team_id=team_id, user_id=user_id, message_ts=thread_ts
            )
    outcome = log_evidence(
        services,
        team_id=team_id,
        user_id=user_id,
        kind=kind,
        fields=quick_fields(kind, line),
        client_key=f"dm:{channel_id}:{ts}",
        week=week,
    )
    return Typed(outcome=outcome)


def link_source(services: Services, *, entry: Entry | StoredEntry, permalink: str) -> None:
    """Keep the saved message's permalink with its entry (read after the ack)."""
    with services.db.session() as session:
        entries.merge_fields(
            session, team_id=entry.team_id, entry_id=entry.id or 0, extra={"permalink": permalink}
        )


@dataclass(frozen=True)
class SavedMessage:
    """A Slack message as the message shortcut hands it over."""

    channel_id: str
    ts: str
    author: str | None
    text: str


def save_message(services: Services, *, team_id: str, user_id: str, message: SavedMessage) -> Typed:
    """Keep a Slack message in `user_id`'s private journal as evidence (a customer insight
    until they pick another kind); saving the same message twice keeps one entry."""
    words = from_slack(message.text).strip()
    if not words:
        return Typed()
    if len(words) > COMMAND_TEXT_LIMIT:
        return Typed(too_long=len(words))
    fields = quick_fields(SAVED_MESSAGE_KIND, words)
    fields["source_channel"] = message.channel_id
    fields["source_ts"] = message.ts
    if message.author:
        fields["source_user"] = message.author
    outcome = log_evidence(
        services,
        team_id=team_id,
        user_id=user_id,
        kind=SAVED_MESSAGE_KIND,
        fields=fields,
        client_key=f"saved:{message.channel_id}:{message.ts}",
    )
    return Typed(outcome=outcome)
