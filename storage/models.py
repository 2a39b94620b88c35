"""Database tables. Every row is scoped by the Slack team (workspace) it belongs to."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class Workspace(SQLModel, table=True):
    """One Slack workspace that uses the bot, with its admin settings."""

    team_id: str = Field(primary_key=True, max_length=32)
    name: str | None = Field(default=None, max_length=255)
    team_channel_id: str | None = Field(default=None, max_length=32)
    prompt_weekday: int = 0  # 0 = Monday, as in datetime.weekday()
    prompt_hour: int = 9
    # Days after a decision-journal entry before its author is asked how it turned out.
    revisit_days: int = 28
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Participant(SQLModel, table=True):
    """A person enrolled in a program in one workspace (one enrollment per person)."""

    __table_args__ = (UniqueConstraint("team_id", "user_id", name="uq_participant_team_user"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32, index=True)
    user_id: str = Field(max_length=32)
    program_id: str = Field(max_length=64)
    background: str = Field(max_length=32)
    start_date: date  # the Monday of program week 1, in the participant's own time zone
    timezone: str = Field(max_length=64)
    status: str = Field(default="active", max_length=16)  # active | paused | left | inactive
    paused_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    joined_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Entry(SQLModel, table=True):
    """One thing a participant logged: a journal decision or a piece of evidence. Private."""

    __table_args__ = (
        # Replays are recognised per author: another member's request never matches.
        UniqueConstraint("team_id", "user_id", "client_key", name="uq_entry_team_user_client_key"),
        Index("ix_entry_team_user_created", "team_id", "user_id", "created_at"),
        # The weekly team digest counts a workspace's entries of the last 7 days by kind:
        # with kind in the index that is a range scan over one week, never touching the
        # rows (bench/digest.py: 20 ms -> about 1 ms at 1,000,000 entries).
        Index("ix_entry_team_created_kind", "team_id", "created_at", "kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    user_id: str = Field(max_length=32)
    kind: str = Field(max_length=32)
    program_week: int | None = None  # None when logged outside an enrollment
    text: str = Field(sa_column=Column(Text, nullable=False))
    fields: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # Identifies the Slack interaction that created the entry (trigger or view id), so a
    # replayed request or a double-submitted modal stores the entry once.
    client_key: str | None = Field(default=None, max_length=128)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # Where a ship post was published (team channel, or the author's DM as a fallback).
    post_channel_id: str | None = Field(default=None, max_length=32)
    post_ts: str | None = Field(default=None, max_length=32)
    # Claims for the scheduled follow-ups: set (atomically, once) before the DM is sent.
    followup_sent_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    revisit_sent_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )


class DeliverableDone(SQLModel, table=True):
    """A participant marked a phase's deliverable done, with the evidence they gave."""

    __table_args__ = (
        UniqueConstraint(
            "team_id", "user_id", "program_id", "phase_key", name="uq_deliverable_done"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    user_id: str = Field(max_length=32)
    program_id: str = Field(max_length=64)
    phase_key: str = Field(max_length=64)
    evidence: str = Field(sa_column=Column(Text, nullable=False))
    done_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class SkillRating(SQLModel, table=True):
    """A participant's 1-5 self-rating of one skill, at the start or at the end of a program."""

    __table_args__ = (
        UniqueConstraint("team_id", "user_id", "moment", "skill", name="uq_skill_rating"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    user_id: str = Field(max_length=32)
    moment: str = Field(max_length=8)  # start | end
    skill: str = Field(max_length=32)
    score: int
    rated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class PromptSnooze(SQLModel, table=True):
    """A weekly prompt message the participant snoozed: one per message, so a double click
    schedules the re-send once."""

    __table_args__ = (
        UniqueConstraint("team_id", "channel_id", "message_ts", name="uq_prompt_snooze_message"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    user_id: str = Field(max_length=32)
    channel_id: str = Field(max_length=32)
    message_ts: str = Field(max_length=32)
    program_id: str = Field(max_length=64)
    week: int
    post_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # Set once Slack accepted chat.scheduleMessage; None while the claim is in flight.
    scheduled_message_id: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class WorkspaceAdmin(SQLModel, table=True):
    """Someone an admin named as a bot admin, on top of Slack's workspace admins and owners."""

    __table_args__ = (UniqueConstraint("team_id", "user_id", name="uq_workspace_admin"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32, index=True)
    user_id: str = Field(max_length=32)
    added_by: str = Field(max_length=32)
    added_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Delivery(SQLModel, table=True):
    """One scheduled message (prompt, nudge, digest, completion): claimed, then sent, once.

    The unique key is what makes a delivery exactly-once across threads, restarts and
    instances: whoever INSERTs the row first owns the send.
    """

    __table_args__ = (
        UniqueConstraint("team_id", "user_id", "kind", "period", name="uq_delivery_key"),
        Index("ix_delivery_team_claimed", "team_id", "claimed_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    user_id: str = Field(default="", max_length=32)  # "" for a workspace's digest
    kind: str = Field(max_length=16)  # prompt | nudge | digest | completion
    period: str = Field(max_length=64)  # e.g. "e1764000000:week-3" or "2026-W48"
    status: str = Field(max_length=16)  # claimed | sent | skipped | failed
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    attempts: int = 0
    error: str | None = Field(default=None, max_length=255)
    channel: str | None = Field(default=None, max_length=32)
    message_ts: str | None = Field(default=None, max_length=32)
