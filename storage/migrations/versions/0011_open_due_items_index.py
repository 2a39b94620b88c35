"""indexes of the open queue items only

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 10:00:00.000000

`ix_due_item_status_ready` (status, ready_at) held every item ever sent. SQLite's planner
cannot tell from its statistics that few of them are open, so it scanned the whole table
through another index to find the workspaces with work ready (300 ms at 100,000 sent
items, every pass). Partial indexes of the open items are as small as the work in flight:
by (team_id, ready_at) for a workspace's claims, by (ready_at, team_id) for what is ready
now across workspaces (the open items planned for later, check-ins weeks ahead, are not
read by a pass). And workspaces by probe_at, so a pass finds the next suspended workspace
to probe without reading the others.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# Written out rather than imported: a migration must not change when the models do.
OPEN_SQL = "status IN ('pending', 'claimed', 'sending', 'uncertain')"


def upgrade() -> None:
    with op.batch_alter_table("workspace", schema=None) as batch_op:
        batch_op.create_index("ix_workspace_probe_at", ["probe_at"], unique=False)
    with op.batch_alter_table("due_item", schema=None) as batch_op:
        batch_op.drop_index("ix_due_item_status_ready")
        batch_op.create_index(
            "ix_due_item_open",
            ["team_id", "ready_at"],
            unique=False,
            sqlite_where=sa.text(OPEN_SQL),
            postgresql_where=sa.text(OPEN_SQL),
        )
        batch_op.create_index(
            "ix_due_item_open_ready",
            ["ready_at", "team_id"],
            unique=False,
            sqlite_where=sa.text(OPEN_SQL),
            postgresql_where=sa.text(OPEN_SQL),
        )


def downgrade() -> None:
    with op.batch_alter_table("due_item", schema=None) as batch_op:
        batch_op.drop_index("ix_due_item_open_ready")
        batch_op.drop_index("ix_due_item_open")
        batch_op.create_index("ix_due_item_status_ready", ["status", "ready_at"], unique=False)
    with op.batch_alter_table("workspace", schema=None) as batch_op:
        batch_op.drop_index("ix_workspace_probe_at")
