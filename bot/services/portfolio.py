"""Compiling a participant's portfolio from their entries."""

from __future__ import annotations

from dataclasses import dataclass

from bot.narrative import render_portfolio
from bot.portfolio import Artifact, build_artifacts
from bot.positioning import manager_brief, story_bank
from bot.progress import local_date
from bot.services import Services
from storage import entries, participants


@dataclass(frozen=True)
class Portfolio:
    """The compiled portfolio: its artifacts and the Markdown file."""

    artifacts: list[Artifact]
    filename: str
    markdown: str

    @property
    def strong(self) -> int:
        """How many artifacts have material and no gap."""
        return sum(a.complete for a in self.artifacts)


def compile_portfolio(services: Services, *, team_id: str, user_id: str, name: str) -> Portfolio:
    """Every entry of the participant, grouped into the portfolio artifacts, gaps named."""
    now = services.clock.now()
    with services.db.session() as session:
        rows = entries.list_entries(session, team_id=team_id, user_id=user_id)
        participant = participants.get_participant(session, team_id=team_id, user_id=user_id)
    program = services.programs.get(participant.program_id) if participant else None
    artifacts = build_artifacts(rows, program_id=program.id if program else None)
    markdown = render_portfolio(
        name=name,
        program_title=program.title if program else None,
        artifacts=artifacts,
        generated=now,
        timezone=participant.timezone if participant else None,
        stories=story_bank(rows),
        brief=manager_brief(
            rows,
            [a.title for a in artifacts if a.complete],
            weeks=program.weeks if program else None,
        ),
    )
    today = local_date(now, participant.timezone if participant else None)
    return Portfolio(artifacts, f"transition-portfolio-{today:%Y-%m-%d}.md", markdown)
