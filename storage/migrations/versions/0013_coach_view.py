"""the coach's view: members may share their progress with the coach

Revision ID: 0013
Revises: 0010
Create Date: 2026-12-02 01:30:00.000000

`participant.share_progress` (off by default): only members who turned it on are named in
the digest's "needs attention" lists; everyone else is a count. An index covering the
digest's per-member counts over recent weeks (team, time, author, program week, kind).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("share_progress", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_index(
        "ix_entry_team_created_user",
        "entry",
        ["team_id", "created_at", "user_id", "program_week", "kind"],
    )


def downgrade() -> None:
    op.drop_index("ix_entry_team_created_user", table_name="entry")
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.drop_column("share_progress")
