"""`/transition portfolio`: your evidence written up in your private canvas (a Markdown file
where the workspace has no canvases), gaps named; `portfolio share @name` lets people read it."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.blocks.personal_data import export_failed, portfolio_summary
from bot.blocks.portfolio import SHARE_USAGE, canvas_ready, share_problem, shared
from bot.outbound import Outbound, SlackFailure
from bot.services.portfolio import compile_portfolio
from bot.services.portfolio_canvas import MAX_SHARE, ShareError, deliver, share
from handlers.listener import Answer, Incoming

# Slack escapes a mention typed in a slash command as <@U123|name> (the |name is optional).
MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


def run(req: Incoming, args: str) -> Answer:
    """Compile (fast), answer with the summary, then fill the canvas or upload the file."""
    words = args.split()
    if words and words[0].lower() == "share":
        return _share(req, " ".join(words[1:]))
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

    def publish(slack: Outbound) -> None:
        try:
            delivered = deliver(
                slack,
                req.services,
                team_id=req.team_id,
                user_id=req.user_id,
                portfolio=portfolio,
            )
        except SlackFailure:
            _tell(req, *export_failed())(slack)
            return
        if delivered.canvas_id is not None:
            created = delivered.how == "canvas_created"
            _tell(req, *canvas_ready(delivered.canvas_id, created=created))(slack)

    return Answer.reply(*portfolio_summary(portfolio.strong, states), then=publish)


def _share(req: Incoming, rest: str) -> Answer:
    people = list(dict.fromkeys(MENTION.findall(rest)))
    if not people or len(people) > MAX_SHARE:
        return Answer.reply(*share_problem(SHARE_USAGE))

    def grant(slack: Outbound) -> None:
        try:
            share(slack, req.services, team_id=req.team_id, user_id=req.user_id, people=people)
        except ShareError as problem:
            _tell(req, *share_problem(str(problem)))(slack)
            return
        except SlackFailure:
            _tell(req, *share_problem("Slack didn't let me share it just now; try again."))(slack)
            return
        _tell(req, *shared(people))(slack)

    return Answer.later(grant)


def _tell(req: Incoming, text: str, blocks: list) -> Callable[[Outbound], None]:
    def send(slack: Outbound) -> None:
        slack.reply_privately(
            user_id=req.user_id, channel_id=req.channel_id, text=text, blocks=blocks
        )

    return send
