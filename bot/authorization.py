"""Who the bot is in each workspace, read from the stored installation: no Web API call.

Bolt's own InstallationStoreAuthorize calls auth.test on every request (its cache is off
unless asked for), so with a slow Slack every command would miss the 3-second deadline
before any listener ran. The installation already holds what auth.test would say (bot user
and bot id, scopes, token): this answers from it. A revoked or uninstalled workspace has no
installation (handlers/events/uninstall.py deletes it), so it is refused here.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import Authorize
from slack_sdk.oauth.installation_store import InstallationStore

logger = logging.getLogger(__name__)


class StoredInstallationAuthorize(Authorize):
    """Bolt's `authorize` for OAuth mode, from the installation store alone."""

    def __init__(self, store: InstallationStore) -> None:
        self.store = store

    def __call__(
        self,
        *,
        context: Any,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        actor_enterprise_id: str | None = None,
        actor_team_id: str | None = None,
        actor_user_id: str | None = None,
    ) -> AuthorizeResult | None:
        """The stored bot for this workspace, or None (Bolt then refuses the request)."""
        bot = self.store.find_bot(enterprise_id=enterprise_id, team_id=team_id)
        if bot is None or not bot.bot_token:
            logger.info("no installation for team=%s: request refused", team_id)
            return None
        scopes = bot.bot_scopes if isinstance(bot.bot_scopes, list) else []
        return AuthorizeResult(
            enterprise_id=bot.enterprise_id,
            team_id=bot.team_id,
            bot_user_id=bot.bot_user_id,
            bot_id=bot.bot_id,
            bot_token=bot.bot_token,
            bot_scopes=scopes,
            user_id=user_id,
        )
