"""Evidence forms (one builder for every kind), confirmations with coaching, the entries list."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from bot.blocks import ids
from bot.blocks.common import (
    Block,
    actions,
    button,
    checkbox_input,
    confirm_dialog,
    context,
    header,
    modal,
    option,
    section,
    select_input,
    text_input,
)
from bot.coaching import Suggestion
from bot.evidence import LOGGABLE, SPECS, FieldSpec, KindSpec
from bot.kinds import ENTRY_KINDS, a_kind
from bot.scoring import Score, format_score
from bot.services.evidence import EvidenceOutcome
from bot.text import safe_text
from storage.models import Entry

PREVIEW_CHARS = 500
LIST_PREVIEW_CHARS = 200


def field_ids(spec_field: FieldSpec, part: int = 1) -> tuple[str, str]:
    """(block_id, action_id) of one form field (of its `part`-th input when it is split)."""
    suffix = "" if part == 1 else f"{PART_SEPARATOR}{part}"
    return f"{ids.EVIDENCE_BLOCK_PREFIX}{spec_field.key}{suffix}", spec_field.key


# A text longer than an input allows (a quick log can hold 40,000 characters; Slack's inputs
# 3,000) is edited in several inputs, block ids ev_<key>, ev_<key>__2, ...: cutting it to
# fit would lose what the member wrote the moment they saved.
PART_SEPARATOR = "__"


def split_for_inputs(text: str, limit: int) -> tuple[list[str], list[str]]:
    """(parts, separators): parts of at most `limit` characters, cut at a space or line break
    where there is one (the character cut at is kept in `separators`, part i to part i+1),
    so that joining them back gives `text` exactly."""
    parts: list[str] = []
    separators: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = max(window.rfind("\n"), window.rfind(" "))
        if cut <= 0:  # one long word: cut it, with nothing between the parts
            parts.append(rest[:limit])
            separators.append("")
            rest = rest[limit:]
        else:
            parts.append(rest[:cut])
            separators.append(rest[cut])
            rest = rest[cut + 1 :]
    parts.append(rest)
    return parts, separators


def form_blocks(
    spec: KindSpec, values: Mapping[str, Any] | None = None
) -> tuple[list[Block], dict[str, list[str]]]:
    """The input blocks of a kind's form, prefilled from `values` when editing, and the
    separators of every field split across several inputs (key -> separators)."""
    values = values or {}
    blocks: list[Block] = [context(safe_text(spec.intro, 2000))]
    splits: dict[str, list[str]] = {}
    for f in spec.fields:
        current = values.get(f.key)
        opts = [option(label, value) for value, label in f.options]
        if f.type == "select":
            initial = current if isinstance(current, str) else None
            blocks.append(
                select_input(field_ids(f), f.label, opts, initial=initial, optional=f.optional)
            )
        elif f.type == "checkbox":
            blocks.append(checkbox_input(field_ids(f), f.label, opts, checked=bool(current)))
        else:
            text = current if isinstance(current, str) else ""
            parts, separators = split_for_inputs(text, f.max_length)
            if len(parts) > 1:
                splits[f.key] = separators
            for n, part in enumerate(parts, start=1):
                label = f.label if len(parts) == 1 else f"{f.label} (part {n} of {len(parts)})"
                blocks.append(
                    text_input(
                        field_ids(f, n),
                        label,
                        multiline=f.type == "multiline",
                        optional=f.optional or n > 1,
                        placeholder=f.placeholder if n == 1 else None,
                        hint=f.hint if n == len(parts) else None,
                        max_length=f.max_length,
                        initial=part or None,
                    )
                )
    return blocks, splits


def evidence_modal(
    kind: str,
    *,
    channel_id: str | None,
    values: Mapping[str, Any] | None = None,
    entry_id: int | None = None,
) -> Block:
    """The form for one evidence kind; with `entry_id` it edits that entry."""
    spec = SPECS[kind]
    blocks, splits = form_blocks(spec, values)
    metadata: dict[str, Any] = {"kind": kind, "channel": channel_id}
    if entry_id is not None:
        metadata["entry_id"] = entry_id
    if splits:
        metadata["splits"] = splits
    callback = ids.SHIP_VIEW if kind == "ship" else ids.EVIDENCE_VIEW
    submit = "Post" if kind == "ship" and entry_id is None else "Save"
    return modal(callback, spec.title, blocks, submit=submit, private_metadata=json.dumps(metadata))


def log_evidence_select() -> Block:
    """A static select of the kinds; choosing one opens its form."""
    element = {
        "type": "static_select",
        "action_id": ids.LOG_EVIDENCE_SELECT,
        "placeholder": {"type": "plain_text", "text": "Log evidence…"},
        "options": [option(ENTRY_KINDS[k], k) for k in LOGGABLE],
    }
    return actions(ids.LOG_EVIDENCE_BLOCK, element)


def form_offer(kind: str) -> tuple[str, list[Block]]:
    """Answer to a kind word typed alone in the DM: its form, a click away."""
    label = ENTRY_KINDS[kind]
    text = f"Want to fill in {a_kind(kind)}? The form asks for each part."
    return text, [
        section(text),
        actions(
            "open_kind_form",
            button(f"Open the {label.lower()} form", ids.OPEN_KIND_FORM, value=kind),
        ),
        context("Or just type it here, e.g. `problem: exports time out for big accounts`."),
    ]


def saved_message_blocks(
    outcome: EvidenceOutcome, permalink: str | None
) -> tuple[str, list[Block]]:
    """Confirmation of a Slack message saved with the shortcut: the entry with its kind menu,
    and the link back to the message."""
    text, blocks = outcome_blocks(outcome, quick=True)
    source = (
        f"<{permalink}|The original message> is linked from your entry."
        if permalink
        else "Slack didn't give me a link to the original message; its text is saved."
    )
    blocks.insert(1, context(f":link: {source}"))
    return text, blocks


def nothing_to_save() -> tuple[str, list[Block]]:
    """The message shortcut on a message with no text (a file, an image)."""
    return notice("That message has no text I can save. Describe it in a DM to me instead.")


def typed_too_long(length: int, limit: int) -> tuple[str, list[Block]]:
    """Answer to a DM or saved message longer than an entry holds (nothing was stored)."""
    text = (
        f":warning: That was {length:,} characters; an entry holds at most {limit:,}, so "
        "nothing was saved. Split it in two, or use the full form."
    )
    return text, [section(text), log_evidence_select()]


def feedback_blocks(suggestions: Sequence[Suggestion], scores: Sequence[Score]) -> list[Block]:
    """Scores and coaching shown under a confirmation (user words only in escaped quotes)."""
    blocks: list[Block] = []
    if scores:
        blocks.append(section("*Score:* " + "  ·  ".join(format_score(s) for s in scores)))
    advice = [s for s in suggestions if not s.praise]
    if advice:
        lines = "\n".join(f"• {s.message}" for s in advice)
        blocks.append(section(f":bulb: *To make it stronger* (it's saved either way):\n{lines}"))
    for s in suggestions:
        if s.praise:
            blocks.append(section(praise_text(s)))
    return blocks


def praise_text(suggestion: Suggestion) -> str:
    """The praise for an entry that meets every rule, quoting (escaped) what each rule found."""
    lines = [f":star: *{suggestion.message}*"]
    for label, words in suggestion.quoted:
        if words:
            lines.append(f"• {label.capitalize()}: _{safe_text(words, 200)}_")
    return "\n".join(lines)


def logged_blocks(
    *,
    kind: str,
    text: str,
    week: int | None,
    enrolled: bool,
    created: bool,
    suggestions: Sequence[Suggestion] = (),
    scores: Sequence[Score] = (),
    verb: str | None = None,
    entry_id: int | None = None,
) -> tuple[str, list[Block]]:
    """Confirmation of a stored entry: what was saved, the score, the coaching, and either
    more kinds to log or, for a one-line entry (`entry_id`), its kind menu, full form and
    Delete."""
    verb = verb or ("Saved" if created else "Already saved")
    when = f" (week {week})" if week else ""
    preview = safe_text(" ".join(text.split()), PREVIEW_CHARS)
    blocks: list[Block] = [
        section(f":white_check_mark: {verb} as {a_kind(kind)}{when}:\n>{preview}")
    ]
    blocks.extend(feedback_blocks(suggestions, scores))
    notes = [":lock: Only you can see this."]
    if len(text) > PREVIEW_CHARS:
        notes.append(f"All {len(text):,} characters are stored.")
    blocks.append(context(*notes))
    if not enrolled:
        blocks.append(
            section("You haven't joined a program yet: `/transition join` to get weekly prompts.")
        )
    blocks.append(
        log_evidence_select() if entry_id is None else quick_entry_actions(entry_id, kind)
    )
    return f"{verb} as {a_kind(kind)}", blocks


def quick_entry_actions(entry_id: int, kind: str) -> Block:
    """Under a one-line entry: file it as another kind, open its full form, or delete it."""
    options = [option(ENTRY_KINDS[k], f"{entry_id}:{k}") for k in LOGGABLE]
    menu = {
        "type": "static_select",
        "action_id": ids.ENTRY_KIND,
        "placeholder": {"type": "plain_text", "text": "Change kind…"},
        "options": options,
        "initial_option": options[LOGGABLE.index(kind)],
    }
    value = str(entry_id)
    return actions(
        f"{ids.QUICK_ENTRY_BLOCK}{entry_id}",
        menu,
        button("Open full form", ids.ENTRY_EDIT, value=value),
        delete_button(value),
    )


def delete_button(value: str) -> Block:
    """Delete an entry, after Slack's own confirmation dialog."""
    return {
        **button("Delete", ids.ENTRY_DELETE, value=value, style="danger"),
        "confirm": confirm_dialog(
            "Delete this entry?",
            "It is removed from your journal, your export and your portfolio for good.",
            confirm="Delete",
        ),
    }


def outcome_blocks(outcome: EvidenceOutcome, *, quick: bool = False) -> tuple[str, list[Block]]:
    """The confirmation of a logged entry, with its coaching and scores (`quick`: logged
    from one line, so it carries the kind menu). Said of the entry as stored: a replay's is
    the first one's, whatever kind the repeat asked for."""
    logged = outcome.logged
    return logged_blocks(
        entry_id=logged.stored.id if quick else None,
        kind=logged.stored.kind,
        text=logged.stored.text,
        week=logged.stored.program_week,
        enrolled=logged.enrolled,
        created=logged.created,
        suggestions=outcome.suggestions,
        scores=outcome.scores,
    )


def entry_line(entry: Entry) -> str:
    """An entry in a list: kind, week, date (in the reader's zone) and the start of it."""
    label = ENTRY_KINDS.get(entry.kind, entry.kind)
    week = f", week {entry.program_week}" if entry.program_week else ""
    stamp = int(entry.created_at.timestamp())
    when = f"<!date^{stamp}^{{date_short}}|{entry.created_at:%Y-%m-%d}>"
    preview = safe_text(" ".join(entry.text.split()), LIST_PREVIEW_CHARS)
    return f"*{label}*{week} · {when}\n{preview}"


def entries_blocks(entries: Sequence[Entry]) -> tuple[str, list[Block]]:
    """Your last entries, each with Edit and Delete (only you see this)."""
    if not entries:
        text = "You haven't logged anything yet. Try `/transition log &lt;what was decided&gt;`."
        return text, [section(text)]
    blocks: list[Block] = [header("Your latest entries"), context(":lock: Only you can see this.")]
    for entry in entries:
        blocks.append(section(entry_line(entry)))
        value = str(entry.id)
        blocks.append(
            actions(
                f"entry_{entry.id}",
                button("Edit", ids.ENTRY_EDIT, value=value),
                delete_button(value),
            )
        )
    return f"Your latest {len(entries)} entries", blocks


def notice(text: str) -> tuple[str, list[Block]]:
    """A one-line private notice in our own words (no user text)."""
    return text, [section(text)]
