"""A member's own progress picture for their Home tab: drawn and uploaded only when what it
shows changed.

Home is published on every app_home_opened, so the picture is remembered per member as
(content hash, Slack file id): an open with the same phases, week and skills ratings
reuses the uploaded file; only a change draws and uploads a new one. Drawing takes a
second or more (in a child process), so Home is published first without the new picture,
then again with it.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass

from bot.outbound import Outbound, SlackFailure
from bot.pictures import ProgressInput, progress_alt_text, progress_picture_apart
from bot.services import Services
from bot.services.summary import Recap
from bot.skills import SKILLS
from storage import pictures

logger = logging.getLogger(__name__)

HOME = "home"


@dataclass(frozen=True)
class Shown:
    """An uploaded picture, ready for an image block; `fresh` when uploaded just now."""

    file_id: str
    alt_text: str
    title: str
    fresh: bool


def progress_of(recap: Recap) -> ProgressInput:
    """What the member's picture shows, from their recap."""
    report = recap.report
    return ProgressInput.of(report.program, week=report.week, ratings=recap.skills, labels=SKILLS)


def known_picture(
    services: Services, *, team_id: str, user_id: str, recap: Recap
) -> tuple[Shown | None, ProgressInput | None]:
    """(the remembered picture, None) while what it shows is unchanged; else (None, what a
    new picture must show). Reads one row and draws nothing: fast enough for every open."""
    data = progress_of(recap)
    with services.db.session() as session:
        known = pictures.get_picture(session, team_id=team_id, user_id=user_id, kind=HOME)
    if known is not None and known.content_hash == data.content_hash():
        return Shown(known.file_id, progress_alt_text(data), "Your progress", fresh=False), None
    return None, data


def new_picture(
    slack: Outbound, services: Services, *, team_id: str, user_id: str, data: ProgressInput
) -> Shown | None:
    """Draw and upload the member's picture, remember it (and delete the file it replaces).
    None when it cannot be drawn or uploaded: Home goes without it."""
    try:
        picture = progress_picture_apart(data)
        if picture is None:
            return None
        file_id = slack.upload_picture(picture)
    except SlackFailure:  # logged by Outbound
        return None
    except Exception:  # a drawing bug must not cost the Home tab
        logger.exception("drawing the Home picture failed team=%s", team_id)
        return None
    with services.db.session() as session:
        known = pictures.get_picture(session, team_id=team_id, user_id=user_id, kind=HOME)
        old = known.file_id if known is not None else None
        pictures.save_picture(
            session, team_id=team_id, user_id=user_id, kind=HOME,
            content_hash=data.content_hash(), file_id=file_id, now=services.clock.now(),
        )  # fmt: skip
    if old is not None and old != file_id:  # the old picture shows nothing current any more
        with contextlib.suppress(SlackFailure):
            slack.call("files.delete", file=old)
    return Shown(file_id, picture.alt_text, picture.title, fresh=True)


def refused(services: Services, *, team_id: str, user_id: str, shown: Shown) -> None:
    """Slack refused the Home view with this picture: a remembered file that no longer works
    (deleted, say) is forgotten, so the next open uploads a new one."""
    if shown.fresh:  # still being processed by Slack: the next open will show it
        return
    with services.db.session() as session:
        pictures.drop_picture(session, team_id=team_id, user_id=user_id, kind=HOME)


def delete_files(slack: Outbound, services: Services, *, team_id: str, user_id: str) -> None:
    """Delete the member's uploaded pictures from Slack (before their rows are forgotten);
    a file Slack will not delete is left, the rows go anyway."""
    with services.db.session() as session:
        found = pictures.file_ids(session, team_id=team_id, user_id=user_id)
    for file_id in found:
        with contextlib.suppress(SlackFailure):
            slack.call("files.delete", file=file_id)
