"""The App Home tab."""

from __future__ import annotations

from bot.blocks.common import Block, divider
from bot.blocks.help import help_blocks
from bot.blocks.status import not_joined_blocks, status_blocks
from bot.services.status import StatusReport


def home_view(report: StatusReport | None) -> Block:
    """The Home tab view: status on top, the command list below."""
    _, status_part = status_blocks(report) if report else not_joined_blocks()
    _, help_part = help_blocks()
    return {"type": "home", "blocks": [*status_part, divider(), *help_part][:100]}
