"""Image blocks for uploaded pictures (the digest chart, a member's progress picture).

Slack's facts this relies on:
- An image block shows a Slack-hosted file through `slack_file` (`{"id": "F…"}` or
  `{"url": …}`, never both); the file "must be an image" (png, jpg, jpeg or gif) and "the
  user posting these blocks must have access to this file". `alt_text` is required, plain
  text, at most 2000 characters; `title` (plain_text) at most 2000. Image blocks work in
  messages, modals and Home tabs.
  https://docs.slack.dev/reference/block-kit/blocks/image-block
  https://docs.slack.dev/reference/block-kit/composition-objects/slack-file-object
- A file uploaded without a channel stays private to the uploader (here: the app, which is
  also what posts the blocks). https://docs.slack.dev/reference/methods/files.completeUploadExternal
- Uploads are processed asynchronously: right after completeUploadExternal a block naming
  the file may be refused (`invalid_blocks`, "invalid slack file") for a moment
  (slackapi/python-slack-sdk#1521, slackapi/java-slack-sdk#1349). Callers retry once, then
  send the message without the picture.
"""

from __future__ import annotations

from bot.blocks.common import Block, plain
from bot.pictures import MAX_BLOCK_ALT

IMAGE_BLOCK_ID = "picture"


def image_block(file_id: str, *, alt_text: str, title: str) -> Block:
    """An image block showing an uploaded file."""
    return {
        "type": "image",
        "block_id": IMAGE_BLOCK_ID,
        "slack_file": {"id": file_id},
        "alt_text": alt_text[:MAX_BLOCK_ALT],
        "title": plain(title[:200]),
    }


def with_image(blocks: list[Block], at: int, image: Block) -> list[Block]:
    """`blocks` with `image` inserted at position `at` (a copy; the text version stays)."""
    return [*blocks[:at], image, *blocks[at:]]


def without_image(blocks: list[Block]) -> list[Block]:
    """`blocks` without the picture's image block."""
    return [b for b in blocks if b.get("block_id") != IMAGE_BLOCK_ID]
