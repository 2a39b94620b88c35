"""`/transition forget`: ask first; the buttons in handlers/actions/forget.py do the rest."""

from __future__ import annotations

from bot.blocks.personal_data import forget_confirmation
from handlers.listener import Answer, Incoming


def run(req: Incoming, args: str) -> Answer:
    """Answer with the confirmation question (nothing is deleted yet)."""
    return Answer.reply(*forget_confirmation())
