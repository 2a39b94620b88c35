"""entry idempotency key scoped to its author

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 22:40:00.000000

A replayed interaction is recognised by (team, user, client key): keyed by team alone, a
trigger id reused by two members returned one member's private entry to the other.
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("entry", schema=None) as batch_op:
        batch_op.drop_constraint("uq_entry_team_client_key", type_="unique")
        batch_op.create_unique_constraint(
            "uq_entry_team_user_client_key", ["team_id", "user_id", "client_key"]
        )


def downgrade() -> None:
    with op.batch_alter_table("entry", schema=None) as batch_op:
        batch_op.drop_constraint("uq_entry_team_user_client_key", type_="unique")
        batch_op.create_unique_constraint("uq_entry_team_client_key", ["team_id", "client_key"])
