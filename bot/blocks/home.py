"""The App Home tab: the participant's dashboard."""

from __future__ import annotations

from bot.blocks import ids
from bot.blocks.common import Block, actions, button, context, divider, header, section
from bot.blocks.evidence import entry_line
from bot.blocks.help import DM_TIP
from bot.blocks.pictures import image_block
from bot.blocks.rhythm import rhythm_blocks
from bot.blocks.sharing import sharing_blocks
from bot.blocks.skills import skills_comparison
from bot.blocks.status import not_joined_blocks, status_blocks
from bot.kinds import counts_line
from bot.services.home import HomeData
from bot.services.member_picture import Shown

COMPACT_HELP = (
    "`/transition help` lists every command. The ones you'll use most: `/transition log "
    "&lt;text&gt;`, `/transition ship`, `/transition status`, `/transition portfolio`."
)


def home_view(data: HomeData, picture: Shown | None = None) -> Block:
    """Progress, deliverable and skills on top (with the member's progress picture when
    there is one); the latest entries with Edit; the member's rhythm; a short pointer to
    help (the full list is one command away)."""
    blocks: list[Block] = []
    recap = data.recap
    if recap is None:
        _, blocks = not_joined_blocks()
    else:
        _, status_part = status_blocks(recap.report)
        blocks.extend(b for b in status_part if b.get("type") != "actions")
        if picture is not None:
            blocks.append(
                image_block(picture.file_id, alt_text=picture.alt_text, title=picture.title)
            )
        done = ":white_check_mark: done" if recap.deliverable_done else "not done yet"
        logged = counts_line(recap.total_counts)
        if recap.report.participant.status != "left":  # no phase is running for them
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
    if data.recent:
        blocks += [divider(), header("Your latest entries")]
        for entry in data.recent:
            blocks.append(
                section(
                    entry_line(entry),
                    block_id=f"home_entry_{entry.id}",
                    accessory=button("Edit", ids.ENTRY_EDIT, value=str(entry.id)),
                )
            )
        blocks.append(context("`/transition entries` shows the last ten, to edit or delete."))
    if data.rhythm is not None:
        blocks += [divider(), *rhythm_blocks(data.rhythm, today=data.today)]
    blocks += [divider(), context(COMPACT_HELP), context(DM_TIP)]
    return {"type": "home", "blocks": blocks[:100]}
