"""The scheduler harness: the emulator, a fresh database, a MovableClock and a tick helper."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from bot.app import scheduler_client
from bot.clock import MovableClock
from bot.config import Settings
from bot.outbound import Outbound
from bot.scheduling.due import Policy
from bot.scheduling.pipeline import EVENT_TYPE, RunnerConfig, TickReport, run_due_work
from bot.services import Services
from slack_emulator import SlackEmulator, message_problems
from slack_emulator.state import RecordedCall
from storage import participants, workspaces
from storage.db import Database
from storage.models import DueItem, Participant, Workspace

TEAM = "T1"


def config(**overrides: Any) -> RunnerConfig:
    """Fast settings for tests: no workspace rate cap unless a test sets one."""
    values: dict[str, Any] = {"workers": 4, "per_workspace_rate": 0.0, "policy": Policy()}
    values.update(overrides)
    return RunnerConfig(**values)


@dataclass
class Sched:
    """Everything a scheduler test touches."""

    emulator: SlackEmulator
    token: str
    services: Services
    clock: MovableClock
    database_url: str
    programs: Any
    tokens: dict[str, str] = field(default_factory=dict)

    def client(self, team_id: str = TEAM) -> Outbound:
        """The way out to Slack like production's (retry policy included) for one team."""
        token = self.tokens.get(team_id, self.token)
        client = scheduler_client(Settings(bot_token=token, slack_api_url=self.emulator.base_url))
        return Outbound(client, team_id=team_id)

    def client_for_team(self) -> Any:
        """client_for_team for run_due_work: one client per team, built once."""
        clients: dict[str, Outbound] = {}

        def get(team_id: str) -> Outbound:
            if team_id not in clients:
                clients[team_id] = self.client(team_id)
            return clients[team_id]

        return get

    def enroll(
        self,
        user_id: str,
        *,
        tz: str = "Europe/Berlin",
        start: date = date(2026, 11, 23),
        program: str = "product-engineer",
        team: str = TEAM,
        joined_at: datetime | None = None,
        background: str = "backend",
    ) -> Participant:
        """Enroll a member (added to the emulator if new) directly in the database."""
        with self.emulator._state.lock:
            known = self.emulator._state.team_user(team, user_id) is not None
        if not known:
            self.emulator.add_user(team, user_id, tz=tz)
        joined = joined_at or datetime.combine(start, datetime.min.time(), tzinfo=UTC) - timedelta(
            days=3
        )
        with self.services.db.session() as session:
            workspaces.ensure_workspace(session, team_id=team, now=joined)
            participant, _ = participants.enroll(
                session,
                team_id=team,
                user_id=user_id,
                program_id=program,
                background=background,
                start_date=start,
                timezone=tz,
                now=joined,
            )
        return participant

    def enroll_many(
        self, n: int, *, tz: str = "Europe/Berlin", start: date = date(2026, 11, 23)
    ) -> list[str]:
        """Enroll `n` members (UX0000…) in one transaction; returns their ids."""
        users = [f"UX{i:04d}" for i in range(n)]
        joined = datetime.combine(start, datetime.min.time(), tzinfo=UTC) - timedelta(days=3)
        for user in users:
            self.emulator.add_user(TEAM, user, tz=tz)
        with self.services.db.session() as session:
            workspaces.ensure_workspace(session, team_id=TEAM, now=joined)
            for user in users:
                participants.enroll(
                    session,
                    team_id=TEAM,
                    user_id=user,
                    program_id="product-engineer",
                    background="backend",
                    start_date=start,
                    timezone=tz,
                    now=joined,
                )
        return users

    def set_workspace(self, team: str = TEAM, **values: Any) -> None:
        """Change a workspace's settings (team channel, prompt weekday and hour)."""
        with self.services.db.session() as session:
            workspaces.update_settings(session, team_id=team, now=self.clock.now(), **values)
            participants.replan_team(session, team_id=team)

    def tick(self, at: datetime | None = None, **overrides: Any) -> TickReport:
        """Move the clock to `at` (if given) and run one pass."""
        if at is not None:
            self.clock.set(at)
        return run_due_work(
            self.services, self.client_for_team(), self.clock.now(), config=config(**overrides)
        )

    def posts(self, channel: str | None = None) -> list[RecordedCall]:
        """Successful chat.postMessage calls (to one user id or channel)."""
        return [
            c
            for c in self.emulator.calls_to("chat.postMessage", ok_only=True)
            if channel is None or c.params.get("channel") == channel
        ]

    def prompts(self, user_id: str) -> list[RecordedCall]:
        """Weekly prompts (and other scheduled DMs) posted to a user, checked for Block Kit."""
        found = self.posts(user_id)
        for call in found:
            assert call.params["metadata"]["event_type"] == EVENT_TYPE
            assert message_problems(call.params.get("text"), call.params.get("blocks")) == []
        return found

    def deliveries(self, kind: str | None = None, user_id: str | None = None) -> list[DueItem]:
        """Queue items, oldest first (optionally of one kind, for one person)."""
        query = select(DueItem).order_by(col(DueItem.id))
        if kind is not None:
            query = query.where(DueItem.kind == kind)
        if user_id is not None:
            query = query.where(DueItem.user_id == user_id)
        with self.services.db.session() as session:
            return list(session.exec(query).all())

    def participant(self, user_id: str, team: str = TEAM) -> Participant:
        """The participant row as stored now."""
        with self.services.db.session() as session:
            found = participants.get_participant(session, team_id=team, user_id=user_id)
            assert found is not None
            return found

    def workspace(self, team: str = TEAM) -> Workspace:
        """The workspace row."""
        with self.services.db.session() as session:
            found = session.get(Workspace, team)
            assert found is not None
            return found


def header_text(call: RecordedCall) -> str:
    """The header block's text of a posted message."""
    return next(b["text"]["text"] for b in call.params["blocks"] if b["type"] == "header")


def all_text(call: RecordedCall) -> str:
    """Every text of a posted message, for 'contains' checks."""
    parts = [str(call.params.get("text", ""))]
    for block in call.params.get("blocks", []):
        if isinstance(block.get("text"), dict):
            parts.append(block["text"]["text"])
        for element in block.get("elements", []):
            if isinstance(element.get("text"), str):
                parts.append(element["text"])
    return "\n".join(parts)


@pytest.fixture
def sched(
    emulator_and_token: tuple[SlackEmulator, str],
    database_url: str,
    clock: MovableClock,
    programs: Any,
) -> Iterator[Sched]:
    """A scheduler harness over the emulator and a fresh database."""
    emulator, token = emulator_and_token
    services = Services(db=Database(database_url), programs=programs, clock=clock)
    yield Sched(emulator, token, services, clock, database_url, programs)
    services.db.dispose()
