"""the coach's view: sharing progress with the coach, cohorts

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 01:30:00.000000

`participant.share_progress` (off by default): only members who turned it on are named in
the digest's "needs attention" lists; everyone else is a count. An index covering the
digest's per-member counts over recent weeks (team, time, author, program week, kind).
`cohort`: a program started for a group on one Monday, with its own channel;
`participant.cohort_id` (NULL: joined on their own).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("share_progress", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cohort_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_participant_cohort_id", ["cohort_id"])
    op.create_table(
        "cohort",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("program_id", sa.String(length=64), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(), nullable=False),
    )
    op.create_index("ix_cohort_team_id", "cohort", ["team_id"])
    op.create_index(
        "ix_entry_team_created_user",
        "entry",
        ["team_id", "created_at", "user_id", "program_week", "kind"],
    )


def downgrade() -> None:
    op.drop_index("ix_cohort_team_id", table_name="cohort")
    op.drop_table("cohort")
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.drop_index("ix_participant_cohort_id")
        batch_op.drop_column("cohort_id")
    op.drop_index("ix_entry_team_created_user", table_name="entry")
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.drop_column("share_progress")
