"""drop two indexes that others already cover

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 05:00:00.000000

Every logged entry and every queued item writes each of its table's indexes. Two of them
answer nothing another index does not:
- ix_entry_team_created_kind (team_id, created_at, kind): ix_entry_team_created_user
  (team_id, created_at, user_id, program_week, kind) has the same leading columns and
  holds kind too, so the digest's counts by kind stay index-only scans;
- ix_due_item_team_user (team_id, user_id): the leading columns of the unique key
  uq_due_item_key (team_id, user_id, kind, period), which serves the same lookups.
"""

from __future__ import annotations

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_entry_team_created_kind", table_name="entry")
    op.drop_index("ix_due_item_team_user", table_name="due_item")


def downgrade() -> None:
    op.create_index("ix_due_item_team_user", "due_item", ["team_id", "user_id"], unique=False)
    op.create_index(
        "ix_entry_team_created_kind", "entry", ["team_id", "created_at", "kind"], unique=False
    )
