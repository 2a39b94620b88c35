"""Scheduled follow-ups, each sent exactly once: the ship post's one-week check and the
decision revisit. The due logic is plain functions of (now, rows); `run_followups` claims
each item with an atomic conditional UPDATE before sending and gives the claim back when
Slack fails in a way worth retrying."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from bot.blocks.ship import followup_dm, revisit_dm
from bot.outbound import Outbound, SlackFailure
from bot.services import Services
from storage import entries, workspaces
from storage.models import Entry

logger = logging.getLogger(__name__)

SHIP_FOLLOWUP_AFTER = timedelta(days=7)
DEFAULT_REVISIT_DAYS = 28
# A revisit more than this late (the bot was down, or the entry predates the feature) is
# skipped rather than sent: a burst of stale questions helps nobody.
REVISIT_GRACE = timedelta(days=14)


def due_ship_followups(now: datetime, rows: Iterable[Entry]) -> list[Entry]:
    """Published ship posts at least a week old whose follow-up hasn't gone out."""
    return [
        e
        for e in rows
        if e.kind == "ship"
        and e.post_ts is not None
        and e.followup_sent_at is None
        and e.created_at + SHIP_FOLLOWUP_AFTER <= now
    ]


def due_revisits(now: datetime, rows: Iterable[Entry], *, revisit_days: int) -> list[Entry]:
    """Decision entries at least `revisit_days` old (and not past the grace period) whose
    author hasn't been asked yet."""
    return [
        e
        for e in _unasked_decisions(now, rows, revisit_days)
        if now < e.created_at + timedelta(days=revisit_days) + REVISIT_GRACE
    ]


def stale_revisits(now: datetime, rows: Iterable[Entry], *, revisit_days: int) -> list[Entry]:
    """Unasked decision entries so far past their revisit date that asking is pointless."""
    return [
        e
        for e in _unasked_decisions(now, rows, revisit_days)
        if now >= e.created_at + timedelta(days=revisit_days) + REVISIT_GRACE
    ]


def _unasked_decisions(now: datetime, rows: Iterable[Entry], revisit_days: int) -> list[Entry]:
    return [
        e
        for e in rows
        if e.kind == "decision"
        and e.revisit_sent_at is None
        and e.created_at + timedelta(days=revisit_days) <= now
    ]


def _retryable(failure: SlackFailure) -> bool:
    """Failures that may pass: keep the item for the next tick instead of dropping it."""
    return failure.kind in ("rate_limited", "unavailable")


def _send_once(
    services: Services,
    *,
    entry: Entry,
    what: str,
    now: datetime,
    send: Callable[[], None],
) -> str | None:
    """Claim, send, and give the claim back on a retryable failure. Returns a label or None."""
    with services.db.session() as session:
        if not entries.claim(session, entry_id=entry.id or 0, what=what, now=now):
            return None  # another instance (or an earlier tick) has it
    try:
        send()
    except SlackFailure as failure:
        if _retryable(failure):
            with services.db.session() as session:
                entries.release(session, entry_id=entry.id or 0, what=what, claimed_at=now)
            logger.warning("%s for entry %s failed, will retry: %s", what, entry.id, failure.error)
        else:
            logger.warning(
                "%s for entry %s not delivered (kept as sent): %s", what, entry.id, failure.error
            )
        return None
    logger.info("%s sent team=%s user=%s entry=%s", what, entry.team_id, entry.user_id, entry.id)
    return f"{what}:{entry.team_id}:{entry.id}"


def run_followups(
    services: Services, client_for_team: Callable[[str], Outbound], now: datetime
) -> list[str]:
    """Send every due follow-up and revisit once; returns what was sent (`what:team:entry`)."""
    sent: list[str] = []
    with services.db.session() as session:
        ships = entries.ship_followup_candidates(session, created_before=now - SHIP_FOLLOWUP_AFTER)
        teams = [(w.team_id, w.revisit_days) for w in workspaces.list_workspaces(session)]
        decisions = {
            team_id: entries.revisit_candidates(
                session, team_id=team_id, created_before=now - timedelta(days=days)
            )
            for team_id, days in teams
        }
    for entry in due_ship_followups(now, ships):
        client = client_for_team(entry.team_id)

        def send_followup(entry: Entry = entry, client: Outbound = client) -> None:
            permalink = None
            if entry.post_channel_id and entry.post_ts:
                permalink = client.permalink(entry.post_channel_id, entry.post_ts)
            built = str(entry.fields.get("built") or entry.text)
            text, blocks = followup_dm(entry_id=entry.id or 0, built=built, permalink=permalink)
            client.post(entry.user_id, text, blocks)

        label = _send_once(services, entry=entry, what="followup", now=now, send=send_followup)
        if label:
            sent.append(label)
    for team_id, days in teams:
        for entry in stale_revisits(now, decisions[team_id], revisit_days=days):
            with services.db.session() as session:  # claimed without sending: never asked
                if entries.claim(session, entry_id=entry.id or 0, what="revisit", now=now):
                    logger.info("revisit for entry %s skipped: too late to matter", entry.id)
        if not due_revisits(now, decisions[team_id], revisit_days=days):
            continue
        client = client_for_team(team_id)
        for entry in due_revisits(now, decisions[team_id], revisit_days=days):

            def send_revisit(
                entry: Entry = entry, client: Outbound = client, days: int = days
            ) -> None:
                text, blocks = revisit_dm(entry_id=entry.id or 0, decision=entry.text, days=days)
                client.post(entry.user_id, text, blocks)

            label = _send_once(services, entry=entry, what="revisit", now=now, send=send_revisit)
            if label:
                sent.append(label)
    return sent
