"""The emulator's file uploads and image blocks are at least as strict as Slack.

Sources: files.getUploadURLExternal (`length`, `alt_txt` up to 1000: alt_txt_too_large),
files.completeUploadExternal (no channel: the file stays private), the image block and the
Slack file object (an image, png/jpg/jpeg/gif, that the poster can access; id or url, not
both; alt_text required, at most 2000):
https://docs.slack.dev/reference/methods/files.getUploadURLExternal
https://docs.slack.dev/reference/methods/files.completeUploadExternal
https://docs.slack.dev/reference/block-kit/blocks/image-block
https://docs.slack.dev/reference/block-kit/composition-objects/slack-file-object
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from slack_emulator import SlackEmulator
from slack_emulator.scopes import EVERY_SCOPE

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40  # the signature is what the emulator sniffs


@pytest.fixture
def emu() -> Iterator[SlackEmulator]:
    with SlackEmulator(bot_scopes=EVERY_SCOPE) as emulator:
        emulator.add_workspace("T1", name="Acme", domain="acme")
        emulator.add_workspace("T2", name="Other", domain="other")
        emulator.add_user("T1", "U1", name="alex")
        emulator.add_channel("T1", "C1", name="transition")
        yield emulator


@pytest.fixture
def client(emu: SlackEmulator) -> WebClient:
    return WebClient(token=emu.token("T1"), base_url=emu.base_url)


def error_of(call: object) -> dict:
    with pytest.raises(SlackApiError) as info:
        call()  # type: ignore[operator]
    return dict(info.value.response.data)


def upload(client: WebClient, content: bytes = PNG, name: str = "chart.png") -> str:
    """An upload without a channel (private to the app); its file id."""
    done = client.files_upload_v2(content=content, filename=name, title="Chart", alt_txt="3, 4")
    return str(done["files"][0]["id"])


def image(file_ref: dict, alt: str | None = "Counts: 3 then 4") -> dict:
    block: dict = {"type": "image", "slack_file": file_ref}
    if alt is not None:
        block["alt_text"] = alt
    return block


def test_alt_txt_is_limited_to_1000_characters(client):
    assert (
        error_of(
            lambda: client.files_getUploadURLExternal(
                filename="a.png", length=10, alt_txt="x" * 1001
            )
        )["error"]
        == "alt_txt_too_large"
    )
    assert client.files_getUploadURLExternal(filename="a.png", length=10, alt_txt="x" * 1000)["ok"]


def test_a_zero_length_is_a_missing_argument(client):
    assert (
        error_of(lambda: client.files_getUploadURLExternal(filename="a.png", length=0))["error"]
        == "missing_argument"
    )


def test_uploaded_bytes_must_match_the_announced_length(emu, client):
    url = client.files_getUploadURLExternal(filename="a.png", length=len(PNG) + 1)
    assert requests.post(url["upload_url"], data=PNG, timeout=5).status_code == 400
    # Nothing was stored, so completing the upload fails too.
    assert (
        error_of(lambda: client.files_completeUploadExternal(files=[{"id": url["file_id"]}]))[
            "error"
        ]
        == "file_not_found"
    )


def test_completing_a_file_never_uploaded_fails(client):
    url = client.files_getUploadURLExternal(filename="a.png", length=len(PNG))
    assert (
        error_of(lambda: client.files_completeUploadExternal(files=[{"id": url["file_id"]}]))[
            "error"
        ]
        == "file_not_found"
    )


def test_an_upload_without_a_channel_is_private_and_shows_in_an_image_block(emu, client):
    file_id = upload(client)
    assert emu.files[file_id]["channel_id"] is None and emu.messages("C1") == []
    client.chat_postMessage(channel="C1", text="digest", blocks=[image({"id": file_id})])
    [message] = emu.messages("C1")
    assert message["blocks"][0]["slack_file"] == {"id": file_id}
    assert emu.image("T1", file_id) == ("image/png", PNG)
    # ... in a Home tab too, and by its url_private.
    client.views_publish(user_id="U1", view={"type": "home", "blocks": [image({"id": file_id})]})


def test_image_blocks_naming_a_missing_foreign_or_non_image_file_are_refused(emu, client):
    mine = upload(client)
    text_file = upload(client, b"week,count\n1,3\n", "counts.csv")
    theirs = upload(WebClient(token=emu.token("T2"), base_url=emu.base_url))
    unfinished = client.files_getUploadURLExternal(filename="b.png", length=len(PNG))["file_id"]
    for ref in ({"id": "F00009999"}, {"id": theirs}, {"id": text_file}, {"id": unfinished}):
        answer = error_of(
            lambda ref=ref: client.chat_postMessage(channel="C1", text="x", blocks=[image(ref)])
        )
        assert answer["error"] == "invalid_blocks"
        assert "invalid slack file [json-pointer:/blocks/0/slack_file]" in str(answer)
        home = {"type": "home", "blocks": [image(ref)]}
        assert (
            error_of(lambda home=home: client.views_publish(user_id="U1", view=home))["error"]
            == "invalid_arguments"
        )
    assert emu.messages("C1") == []
    client.chat_postMessage(channel="C1", text="x", blocks=[image({"id": mine})])


def test_slack_file_shape_and_alt_text_are_checked(client):
    mine = upload(client)
    bad = [
        image({"id": mine}, alt=None),  # alt_text is required
        image({"id": mine}, alt=""),
        image({"id": mine}, alt="x" * 2001),
        image({"id": mine, "url": "https://files.slack.com/x.png"}),  # both
        image({}),  # neither
        image({"id": "F123"}),  # not an id Slack would accept
        {**image({"id": mine}), "image_url": "https://example.com/a.png"},
    ]
    for block in bad:
        assert (
            error_of(
                lambda block=block: client.chat_postMessage(channel="C1", text="x", blocks=[block])
            )["error"]
            == "invalid_blocks"
        )
    assert client.chat_postMessage(channel="C1", text="x", blocks=[image({"id": mine}, "x" * 2000)])


def test_url_private_is_served_only_with_the_workspace_token(emu, client):
    file_id = upload(client)
    url = f"{emu.root_url}/files-pri/T1-{file_id}/chart.png"
    assert requests.get(url, timeout=5).status_code == 403
    other = {"Authorization": f"Bearer {emu.token('T2')}"}
    assert requests.get(url, headers=other, timeout=5).status_code == 403
    mine = requests.get(url, headers={"Authorization": f"Bearer {emu.token('T1')}"}, timeout=5)
    assert mine.status_code == 200 and mine.content == PNG
    assert mine.headers["Content-Type"] == "image/png"
    # A slack_file may name the file by that url as well.
    client.chat_postMessage(channel="C1", text="x", blocks=[image({"url": url})])


def canvas_link(file_id: object) -> dict:
    return {
        "type": "rich_text",
        "elements": [
            {
                "type": "rich_text_section",
                "elements": [
                    {"type": "text", "text": "Open "},
                    {"type": "canvas", "file_id": file_id},
                ],
            }
        ],
    }


def test_a_rich_text_canvas_element_must_name_a_canvas_of_this_workspace(emu, client):
    # https://docs.slack.dev/reference/block-kit/block-elements/canvas-element
    mine = client.canvases_create(title="Mine")["canvas_id"]
    theirs = WebClient(token=emu.token("T2"), base_url=emu.base_url).canvases_create(title="x")
    for file_id in ("F00009999", theirs["canvas_id"]):
        answer = error_of(
            lambda f=file_id: client.chat_postMessage(
                channel="C1", text="x", blocks=[canvas_link(f)]
            )
        )
        assert answer["error"] == "invalid_blocks"
        assert "invalid canvas [json-pointer:/blocks/0/elements/0/elements/1]" in str(answer)
    client.chat_postMessage(channel="C1", text="x", blocks=[canvas_link(mine)])
    assert len(emu.messages("C1")) == 1


def test_rich_text_elements_are_checked_like_slack(client):
    bad = [
        {"type": "rich_text", "elements": [{"type": "paragraph", "elements": []}]},
        {"type": "rich_text", "elements": [{"type": "rich_text_section"}]},
        canvas_link(None),
        {
            "type": "rich_text",
            "elements": [{"type": "rich_text_section", "elements": [{"type": "sparkle"}]}],
        },
        {
            "type": "rich_text",
            "elements": [
                {"type": "rich_text_list", "style": "bullet", "elements": [{"type": "text"}]}
            ],
        },
    ]
    for block in bad:
        answer = error_of(
            lambda b=block: client.chat_postMessage(channel="C1", text="x", blocks=[b])
        )
        assert answer["error"] == "invalid_blocks", block
