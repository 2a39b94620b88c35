"""Small Block Kit builders shared by every surface. Text passed in must already be safe."""

from __future__ import annotations

from typing import Any

from bot.text import escape_mrkdwn

Block = dict[str, Any]

SECTION_TEXT_LIMIT = 3000
# A long list (a phase's criteria, a horizon) is cut at this, with a count of the rest.
_MAX_SECTIONS_PER_LIST = 4
_MAX_LIST_ITEMS = 40
PLAIN_LIMIT = 150


def mrkdwn(text: str) -> dict[str, Any]:
    """A mrkdwn text object (already escaped text)."""
    return {"type": "mrkdwn", "text": text}


def plain(text: str, *, emoji: bool = True) -> dict[str, Any]:
    """A plain_text object."""
    return {"type": "plain_text", "text": text, "emoji": emoji}


def section(text: str, **extra: Any) -> Block:
    """A section with mrkdwn text."""
    return {"type": "section", "text": mrkdwn(text[:SECTION_TEXT_LIMIT]), **extra}


def header(text: str) -> Block:
    """A header block (plain text, at most 150 characters)."""
    return {"type": "header", "text": plain(text[:PLAIN_LIMIT])}


def context(*texts: str) -> Block:
    """A context line made of mrkdwn pieces."""
    return {"type": "context", "elements": [mrkdwn(t) for t in texts[:10]]}


def divider() -> Block:
    """A divider."""
    return {"type": "divider"}


def button(text: str, action_id: str, *, value: str = "", style: str | None = None) -> Block:
    """A button element."""
    element: Block = {"type": "button", "text": plain(text[:75]), "action_id": action_id}
    if value:
        element["value"] = value
    if style:
        element["style"] = style
    return element


def actions(block_id: str, *elements: Block) -> Block:
    """An actions block."""
    return {"type": "actions", "block_id": block_id, "elements": list(elements)}


def option(text: str, value: str) -> dict[str, Any]:
    """An option for a static select or radio buttons."""
    return {"text": plain(text[:75]), "value": value}


def text_input(
    ids: tuple[str, str],
    label: str,
    *,
    multiline: bool = False,
    optional: bool = False,
    placeholder: str | None = None,
    max_length: int = 3000,
    hint: str | None = None,
    initial: str | None = None,
) -> Block:
    """An input block wrapping a plain-text input (optionally prefilled)."""
    block_id, action_id = ids
    element: Block = {
        "type": "plain_text_input",
        "action_id": action_id,
        "multiline": multiline,
        "max_length": max_length,
    }
    if placeholder:
        element["placeholder"] = plain(placeholder)
    if initial:
        element["initial_value"] = initial[:max_length]
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label),
        "optional": optional,
        "element": element,
    }
    if hint:
        block["hint"] = plain(hint)
    return block


def modal(
    callback_id: str,
    title: str,
    blocks: list[Block],
    *,
    submit: str | None = "Save",
    private_metadata: str = "",
) -> Block:
    """A modal view."""
    view: Block = {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(title[:24]),
        "close": plain("Cancel"),
        "blocks": blocks,
        "private_metadata": private_metadata,
    }
    if submit:
        view["submit"] = plain(submit[:24])
    return view


def progress_bar(done: int, total: int, width: int = 12) -> str:
    """A bar like ▰▰▰▱▱▱ showing `done` of `total`."""
    total = max(total, 1)
    filled = round(width * min(max(done, 0), total) / total)
    return "▰" * filled + "▱" * (width - filled)


def slack_date(ts: int, fmt: str, fallback: str) -> str:
    """A time Slack shows in each reader's own zone: `<!date^{ts}^{fmt}|{fallback}>`.

    The fallback is what clients that cannot format dates show; it is escaped so it cannot
    close the token early.
    """
    return f"<!date^{int(ts)}^{fmt}|{escape_mrkdwn(fallback)}>"


def select_input(
    ids: tuple[str, str],
    label: str,
    options: list[dict[str, Any]],
    *,
    initial: str | None = None,
    optional: bool = False,
) -> Block:
    """An input block wrapping a static select."""
    block_id, action_id = ids
    element: Block = {
        "type": "static_select",
        "action_id": action_id,
        "placeholder": plain("Choose…"),
        "options": options,
    }
    chosen = [o for o in options if o["value"] == initial]
    if chosen:
        element["initial_option"] = chosen[0]
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain(label),
        "optional": optional,
        "element": element,
    }


def checkbox_input(
    ids: tuple[str, str], label: str, options: list[dict[str, Any]], *, checked: bool = False
) -> Block:
    """An optional input block with checkboxes (checked=True ticks them all)."""
    block_id, action_id = ids
    element: Block = {"type": "checkboxes", "action_id": action_id, "options": options}
    if checked:
        element["initial_options"] = options
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain(label),
        "optional": True,
        "element": element,
    }


def confirm_dialog(title: str, text: str, *, confirm: str, deny: str = "Keep it") -> Block:
    """A confirmation dialog for a destructive button (plain text only)."""
    return {
        "title": plain(title[:100]),
        "text": plain(text[:300]),
        "confirm": plain(confirm[:30]),
        "deny": plain(deny[:30]),
        "style": "danger",
    }


def list_sections(title: str, lines: list[str]) -> list[Block]:
    """`title` then the lines, packed into as few sections as Slack's text limit allows."""
    shown = lines[:_MAX_LIST_ITEMS]
    sections: list[str] = []
    current = title
    for line in shown:
        if len(current) + 1 + len(line) > SECTION_TEXT_LIMIT:
            sections.append(current)
            current = line
        else:
            current += "\n" + line
    sections.append(current)
    hidden = len(lines) - len(shown)
    if len(sections) > _MAX_SECTIONS_PER_LIST:
        hidden += sum(s.count("\n") + 1 for s in sections[_MAX_SECTIONS_PER_LIST:])
        sections = sections[:_MAX_SECTIONS_PER_LIST]
    blocks = [section(text) for text in sections]
    if hidden > 0:
        blocks.append(context(f"…and {hidden} more."))
    return blocks
