"""Uninstalls and revoked tokens: forget the team's token, keep its coaching data."""

from __future__ import annotations

import logging
from typing import Any

from storage.installations import delete_team_installation

logger = logging.getLogger(__name__)


def _team(body: dict[str, Any]) -> tuple[str | None, str | None]:
    enterprise = body.get("enterprise_id") if not body.get("is_enterprise_install") else None
    return body.get("team_id"), enterprise


def handle_app_uninstalled(body: dict[str, Any], context: dict[str, Any]) -> None:
    """Delete the team's installation: its token is dead and must not be tried again.

    Participants and entries stay until a workspace admin asks for them to be deleted:
    an accidental uninstall followed by a reinstall then loses nobody's journal.
    """
    team_id, enterprise_id = _team(body)
    if team_id is None:
        return
    removed = delete_team_installation(
        context["services"].db, team_id=team_id, enterprise_id=enterprise_id
    )
    logger.info("app uninstalled from team=%s: %d installation rows removed", team_id, removed)


def handle_tokens_revoked(
    body: dict[str, Any], event: dict[str, Any], context: dict[str, Any]
) -> None:
    """A revoked bot token is the same as an uninstall for us (we hold no user tokens)."""
    if not (event.get("tokens") or {}).get("bot"):
        return
    handle_app_uninstalled(body, context)
