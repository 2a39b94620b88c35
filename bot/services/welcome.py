"""The admin's first five minutes: a set-up checklist DM to whoever installed the app.

Over OAuth the redirect names the installer, who is greeted at once. With a single bot token
nobody is named, so the first start greets the workspace's admins (users.list), once: the
greetings are due items of the one pipeline (claimed exactly once, looked for in Slack after
a crash), planned by the one instance that sets the workspace's `welcomed_at` marker.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from bot.blocks.admin import checklist_message
from bot.blocks.common import Block
from bot.outbound import Outbound, SlackFailure
from bot.scheduling.due import WELCOME
from bot.scheduling.kinds import Message
from bot.services import Services
from bot.services.config import current, slack_admin
from storage import due_items, workspaces
from storage.due_items import Claimed, Planned

logger = logging.getLogger(__name__)

WELCOME_PERIOD = "first-start"
# A greeting not delivered within a week (the token was dead, Slack was down) is skipped.
WELCOME_EXPIRES = timedelta(days=7)
# users.list is tier 2: 200 a page keeps a big workspace to a few calls (Slack's advice).
USERS_PAGE = 200
MAX_PAGES = 500


def greet_installer(slack: Outbound, services: Services, *, team_id: str, user_id: str) -> bool:
    """DM the installing admin the checklist (team channel, prompt day and hour, a cohort, a
    preview), each step with its control, on the workspace's first install only (a reinstall,
    say for new scopes, is not greeted again); False when not sent (Slack's refusal logged,
    and the next install tries again)."""
    now = services.clock.now()
    with services.db.session() as session:
        workspaces.ensure_workspace(session, team_id=team_id, now=now)
        if not workspaces.claim_welcome(session, team_id=team_id, now=now):
            return False
    text, blocks = checklist_message(current(services, team_id=team_id), services.programs)
    try:
        slack.post(user_id, text, blocks)
    except SlackFailure as failure:
        logger.warning("set-up checklist for %s not sent: %s", team_id, failure.error)
        with services.db.session() as session:
            workspaces.release_welcome(session, team_id=team_id)
        return False
    return True


def is_admin_member(user: dict[str, Any]) -> bool:
    """A person who administers the workspace: an admin or owner, not a bot, not deleted."""
    if user.get("deleted") or user.get("is_bot") or user.get("id") == "USLACKBOT":
        return False
    return slack_admin(user)


def workspace_admins(slack: Outbound) -> list[str]:
    """The workspace's admins and owners, every page of users.list (following next_cursor:
    Slack may return fewer than asked for before the end)."""
    found: list[str] = []
    cursor = ""
    for _ in range(MAX_PAGES):
        params: dict[str, Any] = {"limit": USERS_PAGE}
        if cursor:
            params["cursor"] = cursor
        page = slack.call("users.list", **params)
        found += [str(u["id"]) for u in page.get("members") or [] if is_admin_member(u)]
        cursor = str((page.get("response_metadata") or {}).get("next_cursor") or "")
        if not cursor:
            break
    return list(dict.fromkeys(found))


def greet_admins_once(services: Services, slack: Outbound, *, team_id: str) -> int:
    """Plan the set-up checklist for each of the workspace's admins unless it ever was;
    returns how many greetings this call planned (0 when already done or Slack failed).

    A failing users.list is logged and leaves the marker unset, so the next start tries
    again; it never stops the start."""
    with services.db.session() as session:
        if workspaces.welcomed(session, team_id=team_id):
            return 0
    try:
        admins = workspace_admins(slack)
    except SlackFailure as failure:
        logger.warning("admins of %s not greeted: users.list said %s", team_id, failure.error)
        return 0
    if not admins:
        return 0
    now = services.clock.now()
    items = [
        Planned(
            team_id=team_id,
            user_id=user_id,
            kind=WELCOME,
            period=WELCOME_PERIOD,
            due_at=now,
            expires_at=now + WELCOME_EXPIRES,
        )
        for user_id in admins
    ]
    with services.db.session() as session:
        workspaces.ensure_workspace(session, team_id=team_id, now=now)
        # The marker and the items in one transaction: another instance that got here first
        # wins the compare-and-set, and a crash before the commit leaves neither.
        if not workspaces.claim_welcome(session, team_id=team_id, now=now):
            return 0
        planned = due_items.plan(session, items, now=now)
    logger.info("set-up checklist planned for %s admins of %s", planned, team_id)
    return planned


def render_welcomes(
    services: Services, session: Session, items: list[Claimed], now: datetime
) -> dict[int, Message | None]:
    """Each admin's checklist DM (one message each: the pipeline groups items by message)."""
    by_team: dict[str, tuple[str, list[Block]]] = {}
    rendered: dict[int, Message | None] = {}
    for item in items:
        if item.team_id not in by_team:  # the settings are read once per workspace
            settings = current(services, team_id=item.team_id)
            by_team[item.team_id] = checklist_message(settings, services.programs, installed=False)
        text, blocks = by_team[item.team_id]
        rendered[item.id] = Message(item.user_id, text, blocks)
    return rendered
