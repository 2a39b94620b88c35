"""Uninstalls and revoked tokens: forget the team's token, keep its coaching data."""

from __future__ import annotations

import logging

from handlers.listener import Answer, Incoming
from storage.installations import delete_team_installation

logger = logging.getLogger(__name__)


def handle_app_uninstalled(req: Incoming) -> Answer | None:
    """Delete the team's installation: its token is dead and must not be tried again.

    Participants and entries stay until a workspace admin asks for them to be deleted:
    an accidental uninstall followed by a reinstall then loses nobody's journal.
    """
    body = req.body
    enterprise = body.get("enterprise_id") if not body.get("is_enterprise_install") else None
    team_id = body.get("team_id")
    if not isinstance(team_id, str):
        return None
    removed = delete_team_installation(
        req.services.db,
        team_id=team_id,
        enterprise_id=enterprise if isinstance(enterprise, str) else None,
    )
    logger.info("app uninstalled from team=%s: %d installation rows removed", team_id, removed)
    return None


def handle_tokens_revoked(req: Incoming) -> Answer | None:
    """A revoked bot token is the same as an uninstall for us (we hold no user tokens)."""
    tokens = req.event.get("tokens")
    if not (isinstance(tokens, dict) and tokens.get("bot")):
        return None
    return handle_app_uninstalled(req)
