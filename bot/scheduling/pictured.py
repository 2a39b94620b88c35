"""Posting a message that carries a picture (a digest's chart, a completion's summary): the
picture drawn and uploaded first, then the message with its image block, and the text version
alone whenever the picture cannot be had. The pipeline and `/transition summary team` post
this way, so a chart never costs the message and a message is never posted twice."""

from __future__ import annotations

import logging
import time
from typing import Any

from bot.blocks.common import Block
from bot.blocks.pictures import image_block, with_image
from bot.outbound import Outbound, Posted, SlackFailure
from bot.scheduling.kinds import Message
from bot.slack_http import Encoded

logger = logging.getLogger(__name__)

# Slack processes an upload asynchronously: a block naming the file may be refused for a
# moment after files.completeUploadExternal (invalid_blocks). One more try after this long.
PICTURE_SETTLE_SECONDS = 1.0


def drawn(slack: Outbound, message: Message, what: str) -> list[Block] | None:
    """The message's blocks with its picture drawn, uploaded and shown; None when it has
    none or it could not be drawn or uploaded (the message then goes text-only)."""
    draw = message.picture
    if draw is None:
        return None
    try:
        picture = draw()
        if picture is None:
            return None
        file_id = slack.upload_picture(picture)
    except SlackFailure:  # logged by Outbound
        return None
    except Exception:  # a drawing bug must not cost the message
        logger.exception("drawing the picture of %s failed", what)
        return None
    image = image_block(file_id, alt_text=picture.alt_text, title=picture.title)
    return with_image(message.blocks, message.picture_at, image)


def post(
    slack: Outbound,
    message: Message,
    pictured: list[Block] | None,
    *,
    what: str,
    plain: list[Block] | Encoded | None = None,
    **extra: Any,
) -> Posted:
    """chat.postMessage `message`, with its picture (`pictured`, from `drawn`) when there is
    one: refused as invalid_blocks, it is tried once more after PICTURE_SETTLE_SECONDS, then
    the text version alone (`plain`, else the message's own blocks) goes. A refusal means
    nothing was posted, so this never posts twice."""
    tries = [pictured, pictured] if pictured is not None else []
    for i, blocks in enumerate(tries):
        if i:
            time.sleep(PICTURE_SETTLE_SECONDS)
        try:
            return slack.post(message.channel, message.text, blocks, **extra)
        except SlackFailure as failure:
            if failure.error != "invalid_blocks":
                raise
    if pictured is not None:
        logger.warning("%s went without its picture: Slack refused the image block", what)
    return slack.post(message.channel, message.text, plain or message.blocks, **extra)
