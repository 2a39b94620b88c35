"""a member's own rhythm, checklists that remember, honest mark-done

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 02:00:00.000000

Participants may choose their own prompt weekday and hour (NULL: the workspace's) and be
away until a date (paused until then, resumed by the scheduler). A phase's checklist
remembers which activities were ticked. A deliverable marked done while its definition was
not met records what was missing. Paused enrollments leave the planner's range (next_due_at
far ahead) until they resume or their away date comes.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import storage.types

NOT_DUE = datetime(9999, 1, 1, tzinfo=UTC)  # written out: storage/models.py may change

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("participant") as batch:
        batch.add_column(sa.Column("prompt_weekday", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("prompt_hour", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("away_until", sa.Date(), nullable=True))
    participant = sa.table(
        "participant",
        sa.column("status", sa.String()),
        sa.column("next_due_at", storage.types.UTCDateTime()),
    )
    op.execute(
        participant.update()
        .where(participant.c.status == "paused")
        .values(next_due_at=sa.bindparam("never", NOT_DUE, type_=storage.types.UTCDateTime()))
    )
    with op.batch_alter_table("deliverabledone") as batch:
        batch.add_column(sa.Column("missing", sa.JSON(), nullable=True))
    op.create_table(
        "checklist_tick",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("program_id", sa.String(length=64), nullable=False),
        sa.Column("phase_key", sa.String(length=64), nullable=False),
        sa.Column("item", sa.Integer(), nullable=False),
        sa.Column("ticked_at", storage.types.UTCDateTime(), nullable=False),
        sa.UniqueConstraint(
            "team_id", "user_id", "program_id", "phase_key", "item", name="uq_checklist_tick"
        ),
    )


def downgrade() -> None:
    op.drop_table("checklist_tick")
    with op.batch_alter_table("deliverabledone") as batch:
        batch.drop_column("missing")
    with op.batch_alter_table("participant") as batch:
        batch.drop_column("away_until")
        batch.drop_column("prompt_hour")
        batch.drop_column("prompt_weekday")
