"""Slack installations and OAuth state for the multi-workspace (OAuth) mode.

The tables are slack-sdk's own (`SQLAlchemyInstallationStore`, `SQLAlchemyOAuthStateStore`),
declared here on `OAUTH_METADATA` from the same builders the stores use, so that migration 0006
creates exactly what the stores read and write, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData, delete, update

from storage.db import Database
from storage.models import Workspace

# An install link is good for ten minutes, like Slack's own authorize page.
STATE_EXPIRATION_SECONDS = 600

OAUTH_METADATA = MetaData()
BOTS = SQLAlchemyInstallationStore.build_bots_table(
    OAUTH_METADATA, SQLAlchemyInstallationStore.default_bots_table_name
)
INSTALLATIONS = SQLAlchemyInstallationStore.build_installations_table(
    OAUTH_METADATA, SQLAlchemyInstallationStore.default_installations_table_name
)
OAUTH_STATES = SQLAlchemyOAuthStateStore.build_oauth_states_table(
    OAUTH_METADATA, SQLAlchemyOAuthStateStore.default_table_name
)


class ResumingInstallationStore(SQLAlchemyInstallationStore):
    """slack-sdk's store, which also resumes a workspace the scheduler had suspended (its
    token was dead) as soon as it is installed again: what is still timely then goes out."""

    def save(self, installation: Installation) -> None:
        """Store the install, then clear the workspace's suspension."""
        super().save(installation)
        if installation.team_id:
            with self.engine.begin() as connection:
                connection.execute(
                    update(Workspace.__table__)  # type: ignore[attr-defined]
                    .where(Workspace.__table__.c.team_id == installation.team_id)  # type: ignore[attr-defined]
                    .values(suspended=None, probe_at=None)
                )


def installation_store(db: Database, *, client_id: str) -> SQLAlchemyInstallationStore:
    """The store Bolt saves installs to and reads each team's bot token from."""
    return ResumingInstallationStore(client_id=client_id, engine=db.engine)


def state_store(db: Database) -> SQLAlchemyOAuthStateStore:
    """The store for the one-time `state` of an install link (shared by every instance)."""
    return SQLAlchemyOAuthStateStore(expiration_seconds=STATE_EXPIRATION_SECONDS, engine=db.engine)


def delete_team_installation(db: Database, *, team_id: str, enterprise_id: str | None) -> int:
    """Forget a team's tokens (after an uninstall); returns how many rows went."""
    removed = 0
    with db.engine.begin() as connection:
        for table in (INSTALLATIONS, BOTS):
            columns = table.c
            enterprise = (
                columns.enterprise_id.is_(None)
                if enterprise_id is None
                else columns.enterprise_id == enterprise_id
            )
            result = connection.execute(delete(table).where(columns.team_id == team_id, enterprise))
            removed += result.rowcount or 0
    return removed


def installed_team_ids(db: Database) -> set[str]:
    """Teams with a stored bot token (for operators and tests)."""
    with db.engine.connect() as connection:
        rows = connection.execute(BOTS.select().where(BOTS.c.bot_token.is_not(None)))
        return {row.team_id for row in rows}
