"""Where the portfolio is read: the member's private Slack canvas, or a Markdown file.

The canvas is created once (owned by the member, private until they share it) and edited in
place afterwards, so its link stays the same. Where Slack has no canvases for the workspace
(free plans, canvases turned off, an install from before the app asked for `canvases:write`)
the portfolio goes to the member's DM as a Markdown file instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.outbound import Outbound, SlackFailure
from bot.services import Services
from bot.services.portfolio import Portfolio
from storage import canvases

CANVAS_TITLE = "Transition portfolio"
# Slack's answers that mean "no canvas here", not "try again": the Markdown file is the way.
NO_CANVASES = frozenset(
    {
        "free_teams_cannot_create_standalone_canvases",
        "canvas_disabled_user_team",
        "team_tier_cannot_create_channel_canvases",
        "missing_scope",
        "not_allowed_token_type",
        "restricted_action",
    }
)

Delivery = Literal["canvas_created", "canvas_updated", "file"]


@dataclass(frozen=True)
class Delivered:
    """How the portfolio reached the member, and the canvas when there is one."""

    how: Delivery
    canvas_id: str | None = None


def deliver(
    slack: Outbound, services: Services, *, team_id: str, user_id: str, portfolio: Portfolio
) -> Delivered:
    """Put the portfolio in the member's canvas (created or edited in place), or upload the
    Markdown file when the workspace has no canvases; SlackFailure for anything else."""
    with services.db.session() as session:
        existing = canvases.get_canvas_id(session, team_id=team_id, user_id=user_id)
    try:
        if existing is not None:
            try:
                slack.replace_canvas(existing, portfolio.markdown)
                return Delivered("canvas_updated", existing)
            except SlackFailure as failure:
                if failure.error != "canvas_not_found":  # deleted by the member: start anew
                    raise
        canvas_id = slack.create_canvas(title=CANVAS_TITLE, markdown=portfolio.markdown)
        # Kept at once: a portfolio compiled again while this one is still being shared
        # edits this canvas instead of making a second.
        with services.db.session() as session:
            canvases.save_canvas_id(
                session,
                team_id=team_id,
                user_id=user_id,
                canvas_id=canvas_id,
                now=services.clock.now(),
            )
        # The app creates it; the member owns it. Nobody else has access until they share it.
        slack.share_canvas(canvas_id, users=[user_id], level="owner")
    except SlackFailure as failure:
        if failure.error not in NO_CANVASES:
            raise
        upload_file(slack, user_id=user_id, portfolio=portfolio)
        return Delivered("file")
    return Delivered("canvas_created", canvas_id)


def upload_file(slack: Outbound, *, user_id: str, portfolio: Portfolio) -> None:
    """The portfolio as a Markdown file in the member's DM."""
    slack.upload(
        user=user_id,
        content=portfolio.markdown.encode(),
        filename=portfolio.filename,
        title="Your transition portfolio",
        comment="Your transition portfolio, compiled from everything you logged.",
    )


MAX_SHARE = 20  # canvases.access.set takes 1 to 20 users at a time


class ShareError(ValueError):
    """The canvas cannot be shared; the message is for the member."""


def share(
    slack: Outbound, services: Services, *, team_id: str, user_id: str, people: list[str]
) -> str:
    """Let `people` read the member's canvas; returns the canvas id, ShareError if none."""
    with services.db.session() as session:
        canvas_id = canvases.get_canvas_id(session, team_id=team_id, user_id=user_id)
    if canvas_id is None:
        raise ShareError("There is no portfolio canvas yet: run `/transition portfolio` first.")
    try:
        slack.share_canvas(canvas_id, users=people, level="read")
    except SlackFailure as failure:
        if failure.error == "canvas_not_found":
            raise ShareError(
                "Your portfolio canvas is gone: run `/transition portfolio` to make a new one."
            ) from None
        if failure.error == "user_not_found":
            raise ShareError("I couldn't find one of those people in this workspace.") from None
        raise
    return canvas_id
