"""a workspace remembers that its admins were greeted

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 04:40:00.000000

With a single bot token (no OAuth redirect naming an installer), the first start greets the
workspace's admins with the set-up checklist. `welcomed_at` is set by the one instance that
plans those greetings (a compare-and-set in the same transaction), so restarts, reinstalls
and instances starting together never greet again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("workspace") as batch:
        batch.add_column(sa.Column("welcomed_at", storage.types.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("workspace") as batch:
        batch.drop_column("welcomed_at")
