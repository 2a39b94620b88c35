"""Publishing the App Home tab, on open and after anything that changes it."""

from __future__ import annotations

import contextlib

from bot.blocks.admin import admin_home_blocks
from bot.blocks.common import Block
from bot.blocks.home import home_view
from bot.outbound import Outbound, SlackFailure
from bot.services import Services
from bot.services.cohorts import list_cohorts
from bot.services.config import current
from bot.services.home import home_data
from bot.services.member_picture import Shown, known_picture, new_picture, refused
from handlers.authz import is_admin


def publish_home(slack: Outbound, services: Services, *, team_id: str, user_id: str) -> None:
    """Render and publish `user_id`'s Home tab; a failure is logged (by Outbound), not raised."""
    data = home_data(services, team_id=team_id, user_id=user_id)
    shown, to_draw = (
        known_picture(services, team_id=team_id, user_id=user_id, recap=data.recap)
        if data.recap is not None
        else (None, None)
    )
    admin = (
        admin_home(services, team_id=team_id)
        if is_admin(slack, services, team_id=team_id, user_id=user_id, recent=True)
        else None
    )

    def view_with(picture: Shown | None) -> Block:
        view = home_view(data, picture=picture)
        return with_admin_section(view, admin) if admin is not None else view

    def publish(picture: Shown | None) -> None:
        try:
            slack.publish_home(user_id, view_with(picture))
        except SlackFailure as failure:
            # A picture Slack will not show (still processing, or deleted) never costs Home.
            if picture is None or failure.kind != "refused":
                return
            refused(services, team_id=team_id, user_id=user_id, shown=picture)
            with contextlib.suppress(SlackFailure):
                slack.publish_home(user_id, view_with(None))

    publish(shown)
    if to_draw is not None:
        fresh = new_picture(slack, services, team_id=team_id, user_id=user_id, data=to_draw)
        if fresh is not None:
            publish(fresh)


def admin_home(services: Services, *, team_id: str) -> list[Block]:
    """Settings (with their menus) and cohorts with their counts, for an admin's Home."""
    return admin_home_blocks(
        current(services, team_id=team_id), list_cohorts(services, team_id=team_id)
    )


def with_admin_section(view: Block, admin: list[Block]) -> Block:
    """The Home view with the admin's section on top (within Slack's 100 blocks)."""
    return {**view, "blocks": [*admin, *view["blocks"]][:100]}
