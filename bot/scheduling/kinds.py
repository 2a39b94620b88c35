"""The one registry of scheduled-message kinds: for each, who renders it.

The pipeline (bot/scheduling/pipeline.py) claims, sends, records and recovers every kind
the same way; only the message differs, and each kind's message is rendered by the service
that owns the subject. A renderer gets a batch of claimed items at once, so it can read
what it needs in a few queries and share renderings between people who get the same one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.blocks.common import Block
from bot.pictures import Picture
from bot.scheduling.due import (
    COMPLETION,
    DIGEST,
    FOLLOWUP,
    MILESTONE,
    NUDGE,
    PROMPT,
    RECAP,
    REVISIT,
    SNOOZE,
    WELCOME,
)
from bot.services import Services
from storage.due_items import Claimed


@dataclass(frozen=True)
class Message:
    """A rendered scheduled message and where it goes (a user id posts to their DM).

    `picture`, when set, draws an image to upload and show at block `picture_at`, beside
    the text version; it is drawn when the message is sent (outside the rendering
    transaction), and a picture that cannot be drawn or uploaded is left out: the message
    goes without it."""

    channel: str
    text: str
    blocks: list[Block]
    picture: Callable[[], Picture | None] | None = None
    picture_at: int = 1


# item id -> its message, or None when there is nothing to say any more (dropped)
Renderer = Callable[[Services, Session, list[Claimed], datetime], dict[int, Message | None]]


def renderers() -> dict[str, Renderer]:
    """kind -> the service function that renders it (imported here, not at module load, so
    the services can import the scheduling constants without a cycle)."""
    from bot.services import (
        checkins,
        digest,
        milestones,
        prompt_state,
        snooze,
        summary,
        welcome,
    )

    return {
        PROMPT: prompt_state.render_prompts,
        NUDGE: prompt_state.render_nudges,
        COMPLETION: prompt_state.render_completions,
        RECAP: summary.render_recaps,
        DIGEST: digest.render_digests,
        SNOOZE: snooze.render_snoozes,
        FOLLOWUP: checkins.render_checkins,
        REVISIT: checkins.render_checkins,
        MILESTONE: milestones.render_milestones,
        WELCOME: welcome.render_welcomes,
    }
