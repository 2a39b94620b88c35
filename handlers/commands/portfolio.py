"""`/transition portfolio`: your evidence compiled into a Markdown file, gaps named."""

from __future__ import annotations

from bot.blocks.personal_data import export_failed, portfolio_summary
from bot.outbound import Outbound, SlackFailure
from bot.services.portfolio import compile_portfolio
from handlers.listener import Answer, Incoming


def run(req: Incoming, args: str) -> Answer:
    """Compile (fast), answer with the summary, then upload the file to the user's DM."""
    portfolio = compile_portfolio(
        req.services,
        team_id=req.team_id,
        user_id=req.user_id,
        name=str(req.body.get("user_name") or req.user_id),
    )
    states = [
        (a.title, "strong" if a.complete else "in progress" if a.entries else "missing", a.gaps)
        for a in portfolio.artifacts
    ]

    def upload(slack: Outbound) -> None:
        try:
            slack.upload(
                user=req.user_id,
                content=portfolio.markdown.encode(),
                filename=portfolio.filename,
                title="Your transition portfolio",
                comment="Your transition portfolio, compiled from everything you logged.",
            )
        except SlackFailure:
            text, blocks = export_failed()
            slack.reply_privately(
                user_id=req.user_id, channel_id=req.channel_id, text=text, blocks=blocks
            )

    return Answer.reply(*portfolio_summary(portfolio.strong, states), then=upload)
