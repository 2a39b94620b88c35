"""Block Kit limit checks, reported like Slack does: `[ERROR] ... [json-pointer:...]`."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

# Numbers from Slack's Block Kit reference; see /work/shared/slack/README.md.
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_TEXT = 3000
MAX_FALLBACK_TEXT = 40_000
MAX_FIELD_TEXT = 2000
MAX_FIELDS = 10
MAX_HEADER_TEXT = 150
MAX_MARKDOWN_TEXT = 12_000
MAX_ID = 255
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_URL = 3000
MAX_ACTIONS_ELEMENTS = 25
MAX_CONTEXT_ELEMENTS = 10
MAX_SELECT_OPTIONS = 100
MAX_OPTION_TEXT = 75
MAX_OPTION_VALUE = 150
MAX_PLACEHOLDER = 150
MAX_LABEL = 2000
MAX_VIEW_TITLE = 24
MAX_PRIVATE_METADATA = 3000
MAX_INPUT_LENGTH = 3000
MAX_VIEW_PAYLOAD = 250_000
# Slack's answer to a malformed slack_file id (slackapi/python-slack-sdk#1521).
SLACK_FILE_ID = re.compile(r"F[A-Z0-9]{8,}")

BLOCK_TYPES = frozenset(
    {
        "section",
        "header",
        "divider",
        "context",
        "actions",
        "input",
        "image",
        "rich_text",
        "markdown",
    }
)
# Block types Slack only accepts in one surface.
MESSAGE_ONLY_BLOCKS = frozenset({"markdown"})
VIEW_ONLY_BLOCKS = frozenset({"input"})

SELECT_WITH_OPTIONS = frozenset({"static_select", "multi_static_select"})
OTHER_SELECTS = frozenset(
    {
        "external_select",
        "multi_external_select",
        "users_select",
        "multi_users_select",
        "conversations_select",
        "multi_conversations_select",
        "channels_select",
        "multi_channels_select",
    }
)
TEXT_INPUTS = frozenset(
    {"plain_text_input", "email_text_input", "url_text_input", "number_input", "rich_text_input"}
)
OPTION_LISTS = {"checkboxes": 10, "radio_buttons": 10, "overflow": 5}
PICKERS = frozenset({"datepicker", "timepicker", "datetimepicker"})
ELEMENT_TYPES = (
    frozenset({"button", "workflow_button", "image"})
    | SELECT_WITH_OPTIONS
    | OTHER_SELECTS
    | TEXT_INPUTS
    | PICKERS
    | frozenset(OPTION_LISTS)
)


RICH_TEXT_CONTAINERS = frozenset(
    {"rich_text_section", "rich_text_list", "rich_text_preformatted", "rich_text_quote"}
)
# inline element type -> the field it cannot do without
RICH_TEXT_INLINE = {
    "text": "text",
    "emoji": "name",
    "link": "url",
    "user": "user_id",
    "channel": "channel_id",
    "usergroup": "usergroup_id",
    "broadcast": "range",
    "date": "format",
    "color": "value",
    "canvas": "file_id",
}


def _problem(message: str, pointer: str) -> str:
    return f"[ERROR] {message} [json-pointer:{pointer}]"


class _Checker:
    """Collects problems for one message or view; `surface` is "message", "modal" or "home"."""

    def __init__(self, surface: str) -> None:
        self.surface = surface
        self.problems: list[str] = []

    def add(self, message: str, pointer: str) -> None:
        self.problems.append(_problem(message, pointer))

    # -- primitives ---------------------------------------------------------------------------

    def string(
        self, value: Any, pointer: str, *, max_len: int, min_len: int = 0, required: bool = False
    ) -> None:
        if value is None:
            if required:
                self.add("missing required field", pointer)
            return
        if not isinstance(value, str):
            self.add("must be a string", pointer)
            return
        if len(value) > max_len:
            self.add(f"must be less than {max_len + 1} characters", pointer)
        elif len(value) < min_len:
            self.add(f"must be more than {min_len - 1} characters", pointer)

    def text_object(
        self,
        obj: Any,
        pointer: str,
        *,
        max_len: int = MAX_TEXT,
        plain_only: bool = False,
        required: bool = True,
    ) -> None:
        if obj is None:
            if required:
                self.add("missing required field", pointer)
            return
        if not isinstance(obj, dict):
            self.add("must be a text object", pointer)
            return
        kind = obj.get("type")
        if kind not in ("plain_text", "mrkdwn"):
            self.add("must be a valid enum value (plain_text, mrkdwn)", f"{pointer}/type")
        elif plain_only and kind != "plain_text":
            self.add("must be plain_text", f"{pointer}/type")
        self.string(obj.get("text"), f"{pointer}/text", max_len=max_len, min_len=1, required=True)

    def action_id(self, obj: dict[str, Any], pointer: str, seen: set[str] | None) -> None:
        action_id = obj.get("action_id")
        self.string(action_id, f"{pointer}/action_id", max_len=MAX_ID)
        if seen is not None and isinstance(action_id, str):
            if action_id in seen:
                self.add(f"duplicate action_id: {action_id}", f"{pointer}/action_id")
            seen.add(action_id)

    def confirm(self, obj: Any, pointer: str) -> None:
        if obj is None:
            return
        if not isinstance(obj, dict):
            self.add("must be a confirmation object", pointer)
            return
        self.text_object(obj.get("title"), f"{pointer}/title", max_len=100, plain_only=True)
        self.text_object(obj.get("text"), f"{pointer}/text", max_len=300)
        self.text_object(obj.get("confirm"), f"{pointer}/confirm", max_len=30, plain_only=True)
        self.text_object(obj.get("deny"), f"{pointer}/deny", max_len=30, plain_only=True)

    def option(self, obj: Any, pointer: str, *, plain_only: bool) -> None:
        if not isinstance(obj, dict):
            self.add("must be an option object", pointer)
            return
        self.text_object(
            obj.get("text"), f"{pointer}/text", max_len=MAX_OPTION_TEXT, plain_only=plain_only
        )
        self.string(obj.get("value"), f"{pointer}/value", max_len=MAX_OPTION_VALUE, required=True)
        self.text_object(
            obj.get("description"),
            f"{pointer}/description",
            max_len=MAX_OPTION_TEXT,
            plain_only=plain_only,
            required=False,
        )
        self.string(obj.get("url"), f"{pointer}/url", max_len=MAX_URL)

    def options(
        self, options: Any, pointer: str, *, max_items: int, plain_only: bool, min_items: int = 1
    ) -> None:
        if not isinstance(options, list):
            self.add("must be an array", pointer)
            return
        if len(options) > max_items:
            self.add(f"no more than {max_items} items allowed", pointer)
        elif len(options) < min_items:
            self.add(f"must provide at least {min_items} items", pointer)
        for i, option in enumerate(options):
            self.option(option, f"{pointer}/{i}", plain_only=plain_only)

    # -- elements -----------------------------------------------------------------------------

    def element(self, el: Any, pointer: str, seen_action_ids: set[str] | None) -> None:
        if not isinstance(el, dict):
            self.add("must be an object", pointer)
            return
        kind = el.get("type")
        if kind not in ELEMENT_TYPES:
            self.add(f"unsupported element type: {kind}", f"{pointer}/type")
            return
        if kind == "image":
            self.image_fields(el, pointer)
            return
        self.action_id(el, pointer, seen_action_ids)
        self.confirm(el.get("confirm"), f"{pointer}/confirm")
        if "placeholder" in el:
            self.text_object(
                el["placeholder"],
                f"{pointer}/placeholder",
                max_len=MAX_PLACEHOLDER,
                plain_only=True,
            )
        if kind in ("button", "workflow_button"):
            self.text_object(
                el.get("text"), f"{pointer}/text", max_len=MAX_BUTTON_TEXT, plain_only=True
            )
            self.string(el.get("value"), f"{pointer}/value", max_len=MAX_BUTTON_VALUE)
            self.string(el.get("url"), f"{pointer}/url", max_len=MAX_URL)
            style = el.get("style")
            if style is not None and style not in ("primary", "danger"):
                self.add("must be a valid enum value (primary, danger)", f"{pointer}/style")
        elif kind in SELECT_WITH_OPTIONS:
            self.select_options(el, pointer)
        elif kind in OPTION_LISTS:
            self.options(
                el.get("options"),
                f"{pointer}/options",
                max_items=OPTION_LISTS[kind],
                min_items=2 if kind == "overflow" else 1,
                plain_only=kind == "overflow",
            )
        elif kind == "plain_text_input":
            for key in ("min_length", "max_length"):
                value = el.get(key)
                if value is None:
                    continue
                low = 0 if key == "min_length" else 1
                if not isinstance(value, int) or not low <= value <= MAX_INPUT_LENGTH:
                    self.add(f"must be between {low} and {MAX_INPUT_LENGTH}", f"{pointer}/{key}")
            self.string(el.get("initial_value"), f"{pointer}/initial_value", max_len=MAX_TEXT)

    def select_options(self, el: dict[str, Any], pointer: str) -> None:
        if "option_groups" in el:
            groups = el["option_groups"]
            if not isinstance(groups, list) or len(groups) > MAX_SELECT_OPTIONS:
                self.add(
                    f"no more than {MAX_SELECT_OPTIONS} items allowed", f"{pointer}/option_groups"
                )
                return
            for i, group in enumerate(groups):
                group_ptr = f"{pointer}/option_groups/{i}"
                if not isinstance(group, dict):
                    self.add("must be an option group object", group_ptr)
                    continue
                self.text_object(
                    group.get("label"),
                    f"{group_ptr}/label",
                    max_len=MAX_OPTION_TEXT,
                    plain_only=True,
                )
                self.options(
                    group.get("options"),
                    f"{group_ptr}/options",
                    max_items=MAX_SELECT_OPTIONS,
                    plain_only=True,
                )
        else:
            self.options(
                el.get("options"),
                f"{pointer}/options",
                max_items=MAX_SELECT_OPTIONS,
                plain_only=True,
            )

    def image_fields(self, obj: dict[str, Any], pointer: str) -> None:
        # "You must provide either an image_url or slack_file"; a slack_file takes either a
        # url or an id, and "if both are provided then the payload will be rejected".
        # https://docs.slack.dev/reference/block-kit/blocks/image-block
        # https://docs.slack.dev/reference/block-kit/composition-objects/slack-file-object
        if "slack_file" not in obj:
            self.string(
                obj.get("image_url"), f"{pointer}/image_url", max_len=MAX_URL, required=True
            )
        elif "image_url" in obj:
            self.add("must provide either image_url or slack_file, not both", pointer)
        else:
            self.slack_file(obj["slack_file"], f"{pointer}/slack_file")
        self.string(
            obj.get("alt_text"), f"{pointer}/alt_text", max_len=MAX_LABEL, min_len=1, required=True
        )

    def slack_file(self, ref: Any, pointer: str) -> None:
        if not isinstance(ref, dict):
            self.add("must be an object", pointer)
            return
        if ("id" in ref) == ("url" in ref):
            self.add("must provide either id or url", pointer)
            return
        if "id" in ref:
            file_id = ref["id"]
            if not isinstance(file_id, str) or not SLACK_FILE_ID.fullmatch(file_id):
                self.add("input must match regex pattern: ^[F][A-Z0-9]{8,}$", f"{pointer}/id")
        else:
            self.string(ref["url"], f"{pointer}/url", max_len=MAX_URL, min_len=1)

    # -- blocks -------------------------------------------------------------------------------

    def blocks(self, blocks: Any, pointer: str, *, max_blocks: int) -> None:
        if not isinstance(blocks, list):
            self.add("must be an array", pointer)
            return
        if len(blocks) > max_blocks:
            self.add(f"no more than {max_blocks} items allowed", pointer)
        seen_block_ids: set[str] = set()
        for i, block in enumerate(blocks):
            self.block(block, f"{pointer}/{i}", seen_block_ids)

    def block(self, block: Any, pointer: str, seen_block_ids: set[str]) -> None:
        if not isinstance(block, dict):
            self.add("must be an object", pointer)
            return
        kind = block.get("type")
        in_view = self.surface != "message"
        if (
            kind not in BLOCK_TYPES
            or (in_view and kind in MESSAGE_ONLY_BLOCKS)
            or (not in_view and kind in VIEW_ONLY_BLOCKS)
        ):
            self.add(f"unsupported type: {kind}", f"{pointer}/type")
            return
        block_id = block.get("block_id")
        self.string(block_id, f"{pointer}/block_id", max_len=MAX_ID)
        if isinstance(block_id, str):
            if block_id in seen_block_ids:
                self.add(f"duplicate block_id: {block_id}", f"{pointer}/block_id")
            seen_block_ids.add(block_id)
        getattr(self, f"block_{kind}")(block, pointer)

    def block_section(self, block: dict[str, Any], pointer: str) -> None:
        if "text" not in block and "fields" not in block:
            self.add("must provide either text or fields", pointer)
        if "text" in block:
            self.text_object(block["text"], f"{pointer}/text")
        if "fields" in block:
            fields = block["fields"]
            if not isinstance(fields, list):
                self.add("must be an array", f"{pointer}/fields")
            else:
                if len(fields) > MAX_FIELDS:
                    self.add(f"no more than {MAX_FIELDS} items allowed", f"{pointer}/fields")
                for i, field in enumerate(fields):
                    self.text_object(field, f"{pointer}/fields/{i}", max_len=MAX_FIELD_TEXT)
        if "accessory" in block:
            self.element(block["accessory"], f"{pointer}/accessory", set())

    def block_header(self, block: dict[str, Any], pointer: str) -> None:
        self.text_object(
            block.get("text"), f"{pointer}/text", max_len=MAX_HEADER_TEXT, plain_only=True
        )

    def block_divider(self, block: dict[str, Any], pointer: str) -> None:
        pass

    def block_context(self, block: dict[str, Any], pointer: str) -> None:
        elements = block.get("elements")
        ptr = f"{pointer}/elements"
        if not isinstance(elements, list) or not elements:
            self.add("must provide at least 1 item", ptr)
            return
        if len(elements) > MAX_CONTEXT_ELEMENTS:
            self.add(f"no more than {MAX_CONTEXT_ELEMENTS} items allowed", ptr)
        for i, el in enumerate(elements):
            if isinstance(el, dict) and el.get("type") == "image":
                self.image_fields(el, f"{ptr}/{i}")
            else:
                self.text_object(el, f"{ptr}/{i}")

    def block_actions(self, block: dict[str, Any], pointer: str) -> None:
        elements = block.get("elements")
        ptr = f"{pointer}/elements"
        if not isinstance(elements, list) or not elements:
            self.add("must provide at least 1 item", ptr)
            return
        if len(elements) > MAX_ACTIONS_ELEMENTS:
            self.add(f"no more than {MAX_ACTIONS_ELEMENTS} items allowed", ptr)
        seen: set[str] = set()
        for i, el in enumerate(elements):
            self.element(el, f"{ptr}/{i}", seen)

    def block_input(self, block: dict[str, Any], pointer: str) -> None:
        self.text_object(block.get("label"), f"{pointer}/label", max_len=MAX_LABEL, plain_only=True)
        self.text_object(
            block.get("hint"), f"{pointer}/hint", max_len=MAX_LABEL, plain_only=True, required=False
        )
        if "element" not in block:
            self.add("missing required field", f"{pointer}/element")
        else:
            self.element(block["element"], f"{pointer}/element", set())

    def block_image(self, block: dict[str, Any], pointer: str) -> None:
        self.image_fields(block, pointer)
        self.text_object(
            block.get("title"),
            f"{pointer}/title",
            max_len=MAX_LABEL,
            plain_only=True,
            required=False,
        )

    def block_rich_text(self, block: dict[str, Any], pointer: str) -> None:
        # https://docs.slack.dev/reference/block-kit/blocks/rich-text-block: elements are
        # sections, lists (of sections), preformatted and quote blocks, each holding inline
        # elements; a `canvas` element needs the canvas's file_id
        # (https://docs.slack.dev/reference/block-kit/block-elements/canvas-element).
        elements = block.get("elements")
        if not isinstance(elements, list):
            self.add("missing required field", f"{pointer}/elements")
            return
        for i, element in enumerate(elements):
            at = f"{pointer}/elements/{i}"
            kind = element.get("type") if isinstance(element, dict) else None
            if kind not in RICH_TEXT_CONTAINERS:
                self.add("must be a valid rich text element type", f"{at}/type")
                continue
            if not isinstance(element.get("elements"), list):
                self.add("missing required field", f"{at}/elements")
                continue
            for j, inner in enumerate(element["elements"]):
                where = f"{at}/elements/{j}"
                if kind == "rich_text_list":
                    if not isinstance(inner, dict) or inner.get("type") != "rich_text_section":
                        self.add("must be a rich_text_section", f"{where}/type")
                    else:
                        self.rich_text_inline(inner.get("elements"), f"{where}/elements")
                else:
                    self.rich_text_inline([inner], where, single=True)

    def rich_text_inline(self, elements: Any, pointer: str, *, single: bool = False) -> None:
        """The inline elements of a rich text section (text, emoji, link, canvas, ...)."""
        if not isinstance(elements, list):
            self.add("missing required field", pointer)
            return
        for j, element in enumerate(elements):
            at = pointer if single else f"{pointer}/{j}"
            kind = element.get("type") if isinstance(element, dict) else None
            required = RICH_TEXT_INLINE.get(kind) if isinstance(kind, str) else None
            if required is None:
                self.add("must be a valid rich text element type", f"{at}/type")
                continue
            if not isinstance(element.get(required), str) or not element[required]:
                self.add("missing required field", f"{at}/{required}")

    def block_markdown(self, block: dict[str, Any], pointer: str) -> None:
        self.string(
            block.get("text"),
            f"{pointer}/text",
            max_len=MAX_MARKDOWN_TEXT,
            min_len=1,
            required=True,
        )


def canvas_refs(blocks: Any, pointer: str = "/blocks") -> Iterator[tuple[str, str]]:
    """(json pointer, file_id) of every rich text `canvas` element in `blocks`."""
    if not isinstance(blocks, list):
        return
    for i, block in enumerate(blocks):
        if not isinstance(block, dict) or block.get("type") != "rich_text":
            continue
        for j, element in enumerate(block.get("elements") or []):
            inner = element.get("elements") if isinstance(element, dict) else None
            sections = inner if element.get("type") == "rich_text_list" else [element]
            for k, section in enumerate(sections or []):
                if not isinstance(section, dict):
                    continue
                for m, item in enumerate(section.get("elements") or []):
                    if isinstance(item, dict) and item.get("type") == "canvas":
                        where = f"{pointer}/{i}/elements/{j}"
                        if element.get("type") == "rich_text_list":
                            where += f"/elements/{k}"
                        yield f"{where}/elements/{m}", str(item.get("file_id"))


def message_problems(text: str | None, blocks: list[Any] | None) -> list[str]:
    """Return Slack-style problems for a message's fallback text and blocks ([] when valid)."""
    checker = _Checker("message")
    if not text and not blocks:
        checker.add("message needs text or blocks (no_text)", "/text")
    if text is not None:
        if not isinstance(text, str):
            checker.add("must be a string", "/text")
        elif len(text) > MAX_FALLBACK_TEXT:
            checker.add(f"must be less than {MAX_FALLBACK_TEXT + 1} characters", "/text")
    if blocks is not None:
        checker.blocks(blocks, "/blocks", max_blocks=MAX_MESSAGE_BLOCKS)
    return checker.problems


def view_problems(view: dict[str, Any]) -> list[str]:
    """Return Slack-style problems for a modal or Home tab view ([] when valid)."""
    if not isinstance(view, dict):
        return [_problem("must be an object", "/view")]
    kind = view.get("type")
    if kind not in ("modal", "home"):
        return [_problem("must be a valid enum value (modal, home)", "/type")]
    checker = _Checker(kind)
    if len(json.dumps(view)) > MAX_VIEW_PAYLOAD:
        checker.add(f"view payload must be at most {MAX_VIEW_PAYLOAD} bytes", "")
    if kind == "modal":
        checker.text_object(view.get("title"), "/title", max_len=MAX_VIEW_TITLE, plain_only=True)
        for key in ("submit", "close"):
            checker.text_object(
                view.get(key), f"/{key}", max_len=MAX_VIEW_TITLE, plain_only=True, required=False
            )
        blocks = view.get("blocks")
        # Slack refuses a modal with inputs but no submit button: nothing could submit them.
        has_input = isinstance(blocks, list) and any(
            isinstance(b, dict) and b.get("type") == "input" for b in blocks
        )
        if has_input and view.get("submit") is None:
            checker.add("submit is required when an input block is present", "/submit")
    checker.string(view.get("private_metadata"), "/private_metadata", max_len=MAX_PRIVATE_METADATA)
    checker.string(view.get("callback_id"), "/callback_id", max_len=MAX_ID)
    checker.string(view.get("external_id"), "/external_id", max_len=MAX_ID)
    checker.blocks(view.get("blocks"), "/blocks", max_blocks=MAX_VIEW_BLOCKS)
    return checker.problems


def slack_file_refs(blocks: Any, pointer: str = "/blocks") -> Iterator[tuple[str, dict[str, Any]]]:
    """(json pointer, slack_file object) of every image that names a Slack file: image
    blocks, section accessories and context elements."""
    if not isinstance(blocks, list):
        return
    for i, block in enumerate(blocks):
        if not isinstance(block, dict):
            continue
        at = f"{pointer}/{i}"
        images: list[tuple[str, Any]] = []
        if block.get("type") == "image":
            images.append((at, block))
        accessory = block.get("accessory")
        if isinstance(accessory, dict) and accessory.get("type") == "image":
            images.append((f"{at}/accessory", accessory))
        if block.get("type") == "context" and isinstance(block.get("elements"), list):
            images += [
                (f"{at}/elements/{j}", el)
                for j, el in enumerate(block["elements"])
                if isinstance(el, dict) and el.get("type") == "image"
            ]
        for where, image in images:
            ref = image.get("slack_file")
            if isinstance(ref, dict):
                yield f"{where}/slack_file", ref
