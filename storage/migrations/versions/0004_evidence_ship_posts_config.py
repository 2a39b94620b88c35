"""evidence, ship posts, follow-up claims and workspace admins

Revision ID: 0004
Revises: 0007
Create Date: 2026-11-23 18:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import storage.types

revision = "0004"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workspaceadmin",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("added_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("added_at", storage.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "user_id", name="uq_workspace_admin"),
    )
    op.create_index(op.f("ix_workspaceadmin_team_id"), "workspaceadmin", ["team_id"], unique=False)
    with op.batch_alter_table("workspace") as batch:
        batch.add_column(
            sa.Column("revisit_days", sa.Integer(), nullable=False, server_default="28")
        )
    with op.batch_alter_table("entry") as batch:
        batch.add_column(
            sa.Column("post_channel_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True)
        )
        batch.add_column(
            sa.Column("post_ts", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True)
        )
        batch.add_column(sa.Column("followup_sent_at", storage.types.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("revisit_sent_at", storage.types.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("entry") as batch:
        batch.drop_column("revisit_sent_at")
        batch.drop_column("followup_sent_at")
        batch.drop_column("post_ts")
        batch.drop_column("post_channel_id")
    with op.batch_alter_table("workspace") as batch:
        batch.drop_column("revisit_days")
    op.drop_index(op.f("ix_workspaceadmin_team_id"), table_name="workspaceadmin")
    op.drop_table("workspaceadmin")
