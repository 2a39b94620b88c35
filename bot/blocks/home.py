"""The App Home tab: the participant's dashboard."""

from __future__ import annotations

from bot.blocks import ids
from bot.blocks.common import Block, actions, button, context, divider, section
from bot.blocks.help import help_blocks
from bot.blocks.sharing import sharing_blocks
from bot.blocks.skills import skills_comparison
from bot.blocks.status import not_joined_blocks, status_blocks
from bot.kinds import counts_line
from bot.services.summary import Recap


def home_view(recap: Recap | None) -> Block:
    """Progress, deliverable, what was logged and the skills on top; the commands below."""
    blocks: list[Block] = []
    if recap is None:
        _, blocks = not_joined_blocks()
    else:
        _, status_part = status_blocks(recap.report)
        blocks.extend(b for b in status_part if b.get("type") != "actions")
        done = ":white_check_mark: done" if recap.deliverable_done else "not done yet"
        logged = counts_line(recap.total_counts)
        blocks.append(
            context(
                f"This phase's deliverable: {done}  ·  "
                f"{recap.deliverables_done} of {len(recap.report.program.phases)} done"
            )
        )
        blocks.append(section(f"*Logged so far:* {logged or 'nothing yet'}"))
        blocks.extend(skills_comparison(recap.skills))
        blocks.extend(sharing_blocks(recap.report.participant.share_progress))
        blocks.append(
            actions(
                "home_actions",
                button("Log a decision", ids.OPEN_JOURNAL, style="primary"),
                button("Rate my skills", ids.OPEN_SKILLS),
            )
        )
    _, help_part = help_blocks()
    return {"type": "home", "blocks": [*blocks, divider(), *help_part][:100]}
