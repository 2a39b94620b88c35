"""Database tables. Every row is scoped by the Slack team (workspace) it belongs to."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Column, Index, Text, UniqueConstraint, false, text
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime

# "Plan this at the next pass": the earliest time there is.
PLAN_NOW = datetime(1970, 1, 1, tzinfo=UTC)
# next_due_at of an enrollment nothing will wake (paused with no return date): never read
# by the planner's range scan.
NOT_DUE = datetime(9999, 1, 1, tzinfo=UTC)
# The statuses of a queue item not yet done with (storage/due_items.py names each one).
OPEN_STATUSES = ("pending", "claimed", "sending", "uncertain")
# The same, as SQL with the values written out: a partial index is only used for a query
# whose condition the planner can match against the index's own at planning time, which
# bound parameters do not allow (SQLite, and PostgreSQL's generic plans).
OPEN_SQL = "status IN ({})".format(", ".join(f"'{s}'" for s in OPEN_STATUSES))


# Marks a column other than `user_id` that holds someone's user id (who created a cohort,
# who named an admin): `forget` blanks it, so the row stays but no longer names them.
NAMES_A_PERSON: dict[str, Any] = {"names_person": True}


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
    # When the next weekly digest is planned (NULL: plan it at the next pass).
    next_digest_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True, index=True)
    )
    # The workspace's sending lane: one instance at a time sends for a workspace, so its rate
    # budget is kept however many instances run; a 429 pauses it (for every instance).
    lane_owner: str | None = Field(default=None, max_length=64)
    lane_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    paused_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    # Set when Slack says the workspace's token is dead (uninstalled, revoked, missing a
    # scope): nothing is sent for it until a reinstall or a successful probe at probe_at.
    suspended: str | None = Field(default=None, max_length=64)
    # (Indexed: a pass asks for the first probe due without reading every workspace.)
    probe_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True, index=True)
    )
    # When the workspace's admins were sent the set-up checklist (single-token first start):
    # set once, by the instance that planned those greetings.
    welcomed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class Participant(SQLModel, table=True):
    """A person enrolled in a program in one workspace (one enrollment per person)."""

    __table_args__ = (
        UniqueConstraint("team_id", "user_id", name="uq_participant_team_user"),
        # The scheduler reads only the enrollments whose next item is due: (status, time).
        Index("ix_participant_status_next_due", "status", "next_due_at"),
    )

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
    # When the scheduler next has to look at this enrollment (its next prompt, nudge, recap
    # or completion); PLAN_NOW after anything changes it (join, resume, a new time zone...).
    next_due_at: datetime = Field(
        default=PLAN_NOW,
        sa_column=Column(UTCDateTime(), nullable=False, server_default="1970-01-01 00:00:00"),
    )
    # The D… id of the app's DM with this person, once a message there told us: recovery
    # reads that conversation without asking Slack to open it.
    dm_channel_id: str | None = Field(default=None, max_length=32)
    # The member's own prompt weekday (0 = Monday) and hour; None: the workspace's.
    prompt_weekday: int | None = None
    prompt_hour: int | None = None
    # Away until this local date: paused until then, and resumed by the scheduler that day.
    away_until: date | None = None
    # The member chose to let the coach see their name in the digest's "needs attention"
    # lists (off by default: counts only).
    share_progress: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )
    # The cohort this enrollment belongs to (None: joined on their own).
    cohort_id: int | None = Field(default=None, index=True)


class Entry(SQLModel, table=True):
    """One thing a participant logged: a journal decision or a piece of evidence. Private."""

    __table_args__ = (
        # Replays are recognised per author: another member's request never matches.
        UniqueConstraint("team_id", "user_id", "client_key", name="uq_entry_team_user_client_key"),
        Index("ix_entry_team_user_created", "team_id", "user_id", "created_at"),
        # The digest's counts over a few weeks (who logged, under which week's prompt, of
        # which kind): covered by the index, so a window costs its entries, never their rows
        # (bench/digest.py: 20 ms -> about 1 ms at 1,000,000 entries for the counts by kind).
        # It also serves what (team_id, created_at, kind) did, dropped in migration 0015.
        Index(
            "ix_entry_team_created_user",
            *("team_id", "created_at", "user_id", "program_week", "kind"),
        ),
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
    # Marked done although its definition was not met: what was missing then (kind -> how
    # many more entries); None when nothing was.
    missing: dict[str, int] | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class ChecklistTick(SQLModel, table=True):
    """One activity of a phase's checklist that a participant ticked (a row per tick, so
    two quick clicks on different boxes never overwrite each other)."""

    __tablename__ = "checklist_tick"
    __table_args__ = (
        UniqueConstraint(
            "team_id", "user_id", "program_id", "phase_key", "item", name="uq_checklist_tick"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    user_id: str = Field(max_length=32)
    program_id: str = Field(max_length=64)
    phase_key: str = Field(max_length=64)
    item: int  # the activity's index in the phase's list
    ticked_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


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


class PortfolioCanvas(SQLModel, table=True):
    """The Slack canvas a member's portfolio lives in, so regenerating edits it in place."""

    __table_args__ = (UniqueConstraint("team_id", "user_id", name="uq_portfolio_canvas"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    user_id: str = Field(max_length=32)
    canvas_id: str = Field(max_length=32)
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class MemberPicture(SQLModel, table=True):
    """A member's uploaded progress picture and the hash of what it shows, so the Home tab
    reuses the Slack file while nothing in it changed (Home is published on every open)."""

    __table_args__ = (UniqueConstraint("team_id", "user_id", "kind", name="uq_member_picture"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    user_id: str = Field(max_length=32)
    kind: str = Field(max_length=16)  # "home"
    content_hash: str = Field(max_length=64)
    file_id: str = Field(max_length=32)
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class WorkspaceAdmin(SQLModel, table=True):
    """Someone an admin named as a bot admin, on top of Slack's workspace admins and owners."""

    __table_args__ = (UniqueConstraint("team_id", "user_id", name="uq_workspace_admin"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32, index=True)
    user_id: str = Field(max_length=32)
    added_by: str = Field(max_length=32, sa_column_kwargs={"info": NAMES_A_PERSON})
    added_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class DueItem(SQLModel, table=True):
    """One scheduled message of any kind (prompt, nudge, recap, completion, digest, ship
    follow-up, decision revisit, snooze), claimed, sent, recorded and recovered the same way.

    The unique key makes it exactly-once across threads, restarts and instances: it is
    planned once, and claimed by one owner at a time. `ready_at` is when it may next be tried:
    its due time, a retry's back-off, or (while claimed) the end of its owner's lease.
    """

    __tablename__ = "due_item"
    __table_args__ = (
        UniqueConstraint("team_id", "user_id", "kind", "period", name="uq_due_item_key"),
        # A pass reads only open items, by workspace and ready time: the index holds only
        # those, so its size follows the work in flight, never the history of sent items
        # (and SQLite, which cannot know that few rows are open, has nothing else to scan).
        Index(
            "ix_due_item_open",
            "team_id",
            "ready_at",
            sqlite_where=text(OPEN_SQL),
            postgresql_where=text(OPEN_SQL),
        ),
        # ... and by ready time across workspaces: "which workspaces have work ready" reads
        # the ready part only, not the open items planned for the coming weeks.
        Index(
            "ix_due_item_open_ready",
            "ready_at",
            "team_id",
            sqlite_where=text(OPEN_SQL),
            postgresql_where=text(OPEN_SQL),
        ),
        # (team_id, user_id) lookups use the unique key's leading columns (migration 0015).
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    user_id: str = Field(default="", max_length=32)  # "" for a workspace's digest
    kind: str = Field(max_length=16)
    period: str = Field(max_length=64)  # e.g. "e1764000000:week-3", "2026-W48", "entry-12"
    status: str = Field(max_length=16)  # pending | claimed | uncertain | sent | skipped | ...
    due_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # After this it is too late to matter: skipped rather than sent (None: never).
    expires_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    ready_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    attempts: int = 0
    claimed_by: str | None = Field(default=None, max_length=64)
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    channel: str | None = Field(default=None, max_length=32)
    message_ts: str | None = Field(default=None, max_length=32)
    error: str | None = Field(default=None, max_length=255)
    # What the kind needs to render it (an entry id, a snoozed message); never entry text.
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Cohort(SQLModel, table=True):
    """A program an admin started for a group on one Monday, with its own channel (where its
    intro and weekly digest are posted)."""

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32, index=True)
    name: str = Field(max_length=80)
    program_id: str = Field(max_length=64)
    start_date: date  # the Monday of the cohort's week 1
    channel_id: str = Field(max_length=32)
    # Who created it; "" once they asked to be forgotten (the cohort stays, unnamed).
    created_by: str = Field(max_length=32, sa_column_kwargs={"info": NAMES_A_PERSON})
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
