"""`/transition entries`: your last ten entries with Edit and Delete, shown only to you."""

from __future__ import annotations

from bot.blocks.evidence import entries_blocks
from bot.services.evidence import recent_entries
from handlers.listener import Answer, Incoming


def run(req: Incoming, args: str) -> Answer:
    """Answer with the list (ephemeral: the ack's default)."""
    found = recent_entries(req.services, team_id=req.team_id, user_id=req.user_id)
    return Answer.reply(*entries_blocks(found))
