"""The completion message's "Get my portfolio": the same as `/transition portfolio`."""

from __future__ import annotations

from bot.outbound import Outbound
from handlers.commands import portfolio
from handlers.listener import Answer, Incoming


def open_portfolio(req: Incoming) -> Answer:
    """Run the command; what it would have acknowledged with is shown privately instead (a
    button's acknowledgement shows nothing), then its own follow-up runs."""
    answer = portfolio.run(req, "")
    text = answer.ack.get("text")
    blocks = answer.ack.get("blocks")

    def then(slack: Outbound) -> None:
        if isinstance(text, str) and isinstance(blocks, list):
            slack.reply_privately(
                user_id=req.user_id, channel_id=req.channel_id, text=text, blocks=blocks
            )
        if answer.then is not None:
            answer.then(slack)

    return Answer.later(then)
