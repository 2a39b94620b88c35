"""one pipeline for every scheduled message

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 00:30:00.000000

Prompts, nudges, recaps, completions and digests (the `delivery` table), ship follow-ups and
decision revisits (claims on `entry`) and snoozes (`prompt_snooze`) become rows of one
`due_item` table. Enrollments and workspaces learn when they next need the scheduler
(`next_due_at`, `next_digest_at`), and workspaces get a sending lane, a pause for 429s and
a suspension for dead tokens. Existing rows are carried over.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import storage.types

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

PLAN_NOW = "1970-01-01 00:00:00"
FOLLOWUP_AFTER = timedelta(days=7)
REVISIT_GRACE = timedelta(days=14)


def _aware(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def upgrade() -> None:
    op.create_table(
        "due_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("period", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("due_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("expires_at", storage.types.UTCDateTime(), nullable=True),
        sa.Column("ready_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("sent_at", storage.types.UTCDateTime(), nullable=True),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("message_ts", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "user_id", "kind", "period", name="uq_due_item_key"),
    )
    with op.batch_alter_table("due_item", schema=None) as batch_op:
        batch_op.create_index("ix_due_item_status_ready", ["status", "ready_at"], unique=False)
        batch_op.create_index("ix_due_item_team_user", ["team_id", "user_id"], unique=False)
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "next_due_at",
                storage.types.UTCDateTime(),
                nullable=False,
                server_default=PLAN_NOW,
            )
        )
        batch_op.add_column(
            sa.Column("dm_channel_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True)
        )
        batch_op.create_index(
            "ix_participant_status_next_due", ["status", "next_due_at"], unique=False
        )
    with op.batch_alter_table("workspace", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_digest_at", storage.types.UTCDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("lane_owner", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.add_column(sa.Column("lane_until", storage.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("paused_until", storage.types.UTCDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("suspended", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.add_column(sa.Column("probe_at", storage.types.UTCDateTime(), nullable=True))
        batch_op.create_index("ix_workspace_next_digest_at", ["next_digest_at"], unique=False)

    _carry_over()

    op.drop_table("delivery")
    op.drop_table("promptsnooze")
    with op.batch_alter_table("entry", schema=None) as batch_op:
        batch_op.drop_column("followup_sent_at")
        batch_op.drop_column("revisit_sent_at")


def _carry_over() -> None:
    """Move the old tables' rows into due_item, keeping what was sent sent."""
    bind = op.get_bind()
    now = datetime.now(UTC)
    meta = sa.MetaData()
    due = sa.Table("due_item", meta, autoload_with=bind)
    rows: list[dict[str, Any]] = []

    def item(**values: Any) -> None:
        values.setdefault("expires_at", None)
        values.setdefault("attempts", 0)
        values.setdefault("payload", {})
        values.setdefault("created_at", now)
        for key in ("claimed_by", "sent_at", "channel", "message_ts", "error"):
            values.setdefault(key, None)
        for key in ("due_at", "ready_at", "expires_at", "sent_at", "created_at"):
            aware = _aware(values[key])
            values[key] = aware.astimezone(UTC).replace(tzinfo=None) if aware else None
        rows.append(values)

    for d in bind.execute(sa.text("SELECT * FROM delivery")).mappings():
        status = d["status"]
        if status == "failed":
            status = "failed" if d["attempts"] >= 5 else "pending"
        elif status == "claimed":  # its owner may have sent it: looked for before a resend
            status = "sending"
        at = _aware(d["claimed_at"]) or now
        item(
            team_id=d["team_id"],
            user_id=d["user_id"],
            kind=d["kind"],
            period=d["period"],
            status=status,
            due_at=at,
            ready_at=at,
            attempts=d["attempts"],
            claimed_by=d["claimed_by"],
            sent_at=d["sent_at"],
            channel=d["channel"],
            message_ts=d["message_ts"],
            error=d["error"],
        )
    days = {
        w["team_id"]: w["revisit_days"]
        for w in bind.execute(sa.text("SELECT team_id, revisit_days FROM workspace")).mappings()
    }
    entries = bind.execute(
        sa.text(
            "SELECT id, team_id, user_id, kind, created_at, post_ts, followup_sent_at, "
            "revisit_sent_at FROM entry WHERE kind IN ('ship', 'decision')"
        )
    ).mappings()
    for e in entries:
        created = _aware(e["created_at"]) or now
        if e["kind"] == "ship":
            if e["post_ts"] is None:
                continue
            sent_at, due_at, expires = e["followup_sent_at"], created + FOLLOWUP_AFTER, None
            kind = "followup"
        else:
            sent_at, kind = e["revisit_sent_at"], "revisit"
            due_at = created + timedelta(days=days.get(e["team_id"], 28))
            expires = due_at + REVISIT_GRACE
        item(
            team_id=e["team_id"],
            user_id=e["user_id"],
            kind=kind,
            period=f"entry-{e['id']}",
            status="sent" if sent_at is not None else "pending",
            due_at=due_at,
            ready_at=due_at,
            expires_at=expires,
            sent_at=sent_at,
            payload={"entry_id": e["id"]},
        )
    for s in bind.execute(sa.text("SELECT * FROM promptsnooze")).mappings():
        post_at = _aware(s["post_at"]) or now
        item(
            team_id=s["team_id"],
            user_id=s["user_id"],
            kind="snooze",
            period=f"{s['channel_id']}:{s['message_ts']}",
            # Handed to Slack's own scheduler already, or never confirmed: the pipeline sends.
            status="sent" if s["scheduled_message_id"] else "pending",
            due_at=post_at,
            ready_at=post_at,
            expires_at=post_at + timedelta(days=1),
            payload={
                "program_id": s["program_id"],
                "week": s["week"],
                "channel": s["channel_id"],
                "ts": s["message_ts"],
            },
        )
    if rows:
        bind.execute(due.insert(), rows)


def downgrade() -> None:
    with op.batch_alter_table("entry", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("followup_sent_at", storage.types.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("revisit_sent_at", storage.types.UTCDateTime(), nullable=True)
        )
    op.create_table(
        "promptsnooze",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("channel_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("message_ts", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("program_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("week", sa.Integer(), nullable=False),
        sa.Column("post_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column(
            "scheduled_message_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True
        ),
        sa.Column("created_at", storage.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "channel_id", "message_ts", name="uq_prompt_snooze_message"),
    )
    op.create_table(
        "delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("period", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("claimed_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("claimed_at", storage.types.UTCDateTime(), nullable=True),
        sa.Column("sent_at", storage.types.UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("message_ts", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "user_id", "kind", "period", name="uq_delivery_key"),
    )
    with op.batch_alter_table("workspace", schema=None) as batch_op:
        batch_op.drop_index("ix_workspace_next_digest_at")
        for column in (
            "probe_at",
            "suspended",
            "paused_until",
            "lane_until",
            "lane_owner",
            "next_digest_at",
        ):
            batch_op.drop_column(column)
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.drop_index("ix_participant_status_next_due")
        batch_op.drop_column("dm_channel_id")
        batch_op.drop_column("next_due_at")
    op.drop_table("due_item")
