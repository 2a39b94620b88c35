"""`/transition export`: all of your data, as a JSON file in your DM."""

from __future__ import annotations

from bot.blocks.personal_data import export_comment, export_failed, export_started
from bot.outbound import Outbound, SlackFailure
from bot.services.personal_data import export_user
from handlers.listener import Answer, Incoming


def run(req: Incoming, args: str) -> Answer:
    """Acknowledge at once, then build and upload the file (uploads can be slow)."""

    def upload(slack: Outbound) -> None:
        export = export_user(req.services, team_id=req.team_id, user_id=req.user_id)
        try:
            slack.upload(
                user=req.user_id,
                content=export.content,
                filename=export.filename,
                title="Your Transition Coach data",
                comment=export_comment(export.row_count),
            )
        except SlackFailure:
            text, blocks = export_failed()
            slack.reply_privately(
                user_id=req.user_id, channel_id=req.channel_id, text=text, blocks=blocks
            )

    return Answer.reply(*export_started(), then=upload)
