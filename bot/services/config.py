"""Workspace settings admins change with `/transition config`, and who counts as an admin."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.services import Services
from storage import participants, workspaces

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def slack_admin(user: dict[str, Any]) -> bool:
    """A Slack user object's admin rights (users.info, users.list, user_change): a workspace
    admin or owner."""
    return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))


def parse_weekday(word: str) -> int | None:
    """0 for "mon", "Monday"…; None for anything shorter than three letters or unknown."""
    word = word.lower()
    matches = [i for i, name in enumerate(WEEKDAYS) if name.startswith(word[:3])]
    return (
        matches[0] if len(word) >= 3 and matches and WEEKDAYS[matches[0]].startswith(word) else None
    )


def parse_hour(word: str) -> int | None:
    """An hour of the day from "9", "09" or "09:00"; None otherwise."""
    word = word.removesuffix(":00")
    return int(word) if word.isdigit() and 0 <= int(word) <= 23 else None


@dataclass(frozen=True)
class WorkspaceSettings:
    """What `/transition config` shows."""

    team_channel_id: str | None
    prompt_weekday: int
    prompt_hour: int
    revisit_days: int
    admins: list[str]


def current(services: Services, *, team_id: str) -> WorkspaceSettings:
    """The team's settings (defaults when the bot hasn't stored any yet)."""
    with services.db.session() as session:
        workspace = workspaces.ensure_workspace(session, team_id=team_id, now=services.clock.now())
        admins = workspaces.named_admins(session, team_id=team_id)
        return WorkspaceSettings(
            team_channel_id=workspace.team_channel_id,
            prompt_weekday=workspace.prompt_weekday,
            prompt_hour=workspace.prompt_hour,
            revisit_days=workspace.revisit_days,
            admins=admins,
        )


def update(services: Services, *, team_id: str, **values: object) -> None:
    """Change some settings of one team; a new prompt day or hour re-plans its enrollments."""
    with services.db.session() as session:
        workspaces.update_settings(session, team_id=team_id, now=services.clock.now(), **values)
        if {"prompt_weekday", "prompt_hour"}.intersection(values):
            participants.replan_team(session, team_id=team_id)


def is_named_admin(services: Services, *, team_id: str, user_id: str) -> bool:
    """True when an admin named `user_id` a bot admin in `team_id`."""
    with services.db.session() as session:
        return user_id in workspaces.named_admins(session, team_id=team_id)


def add_admin(services: Services, *, team_id: str, user_id: str, added_by: str) -> bool:
    """Name a bot admin; False when already one."""
    with services.db.session() as session:
        workspaces.ensure_workspace(session, team_id=team_id, now=services.clock.now())
        return workspaces.add_admin(
            session, team_id=team_id, user_id=user_id, added_by=added_by, now=services.clock.now()
        )


def remove_admin(services: Services, *, team_id: str, user_id: str) -> bool:
    """Take someone off the named admins."""
    with services.db.session() as session:
        return workspaces.remove_admin(session, team_id=team_id, user_id=user_id)
