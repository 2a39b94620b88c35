"""manifest.yml creates the app as is, and declares exactly what the code uses."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import jsonschema
import yaml

from bot.blocks import ids
from bot.config import BOT_SCOPES
from slack_emulator.scopes import METHOD_SCOPES

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = Path(__file__).parent / "fixtures" / "slack" / "manifest.schema.1.0.0.json"
CODE_DIRS = ("bot", "handlers")

# Every Web API call leaves through bot/outbound.py, named as Slack names it ("chat.update").
# files.completeUploadExternal is reached through slack_sdk's files_upload_v2, which first
# calls files.getUploadURLExternal.
IMPLIED_METHODS = {"files.completeUploadExternal": ("files.getUploadURLExternal",)}
# Event type -> the scope Slack requires to subscribe to it (None: none).
EVENT_SCOPES: dict[str, str | None] = {
    "app_home_opened": None,
    "user_change": "users:read",
    "app_uninstalled": None,
    "tokens_revoked": None,
    "message.im": "im:history",
}
# A manifest subscription -> the event type Bolt's `app.event` names (Slack sends
# `message.im` as a `message` event with channel_type "im").
EVENT_TYPES = {"message.im": "message"}
# Emulator and test helpers talk to Slack as Slack would: not the app's own calls.
EXCLUDED: tuple[str, ...] = ()


def _scopes(method: str) -> set[str]:
    """The scopes the app needs for one Web API method, per Slack's docs (the emulator's
    table). Where Slack accepts one scope per conversation type, the app needs the one of the
    conversations it uses: DMs (im) and the public team channel (channels)."""
    options = METHOD_SCOPES.get(method, ())
    if method == "conversations.open":
        return {"im:write"}
    if len(options) > 1:
        options = tuple(o for o in options if o.startswith(("im:", "channels:history")))
    return set(options)


def manifest() -> dict:
    return yaml.safe_load((ROOT / "manifest.yml").read_text())


def _source_files() -> list[Path]:
    files = []
    for folder in CODE_DIRS:
        for path in (ROOT / folder).rglob("*.py"):
            if not any(str(path.relative_to(ROOT)).startswith(e) for e in EXCLUDED):
                files.append(path)
    return files


def used_methods() -> set[str]:
    """Every Web API method the app calls: the first argument of each `.call("...")` and
    `._attempt("...")` in the code (the only ways out, see bot/outbound.py)."""
    found: set[str] = set()
    for path in _source_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("call", "_attempt")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
                and "." in node.args[0].value
            ):
                method = node.args[0].value
                found.update((method, *IMPLIED_METHODS.get(method, ())))
    return found


def test_nothing_calls_a_web_client_directly():
    """One way out: no module but bot/outbound.py calls a slack_sdk WebClient method."""
    offenders = []
    for path in _source_files():
        if path.name == "outbound.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                target = node.func.value
                name = target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")
                if name == "client" and "_" in node.func.attr:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def registrations(kind: str) -> set[str]:
    """Every `app.<kind>(<constant>)` registration (`app.event("user_change")`,
    `app.shortcut(ids.SAVE_MESSAGE_SHORTCUT)`), constants from bot/blocks/ids.py resolved."""
    found: set[str] = set()
    for path in _source_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == kind
                and node.args
            ):
                continue
            arg = node.args[0]
            if isinstance(arg, ast.Constant):
                found.add(arg.value)
            elif (
                isinstance(arg, ast.Attribute)
                and isinstance(arg.value, ast.Name)
                and arg.value.id == "ids"
            ):
                found.add(getattr(ids, arg.attr))
    return found


def used_events() -> set[str]:
    """Every `app.event("...")` registration."""
    return registrations("event")


def subscribed_events() -> set[str]:
    """The manifest's bot events, as the event types the app registers for."""
    events = manifest()["settings"]["event_subscriptions"]["bot_events"]
    return {EVENT_TYPES.get(e, e) for e in events}


def test_the_install_url_asks_for_exactly_the_manifests_scopes():
    assert list(BOT_SCOPES) == manifest()["oauth_config"]["scopes"]["bot"]


def test_manifest_is_valid_against_slacks_schema():
    schema = json.loads(SCHEMA.read_text())
    jsonschema.validate(manifest(), schema)


def test_the_slash_command_is_declared():
    commands = [c["command"] for c in manifest()["features"]["slash_commands"]]
    assert commands == [ids.COMMAND]


def test_every_web_api_method_used_is_known_and_its_scope_declared():
    scopes = set(manifest()["oauth_config"]["scopes"]["bot"])
    methods = used_methods()
    assert {"views.open", "chat.postMessage", "users.info"} <= methods  # the scan works
    missing = {m: _scopes(m) - scopes for m in methods if _scopes(m) - scopes}
    assert not missing, f"manifest.yml lacks scopes for {missing}"


def test_every_event_handled_is_subscribed_and_nothing_else():
    settings = manifest()["settings"]
    assert subscribed_events() == used_events()
    assert settings["interactivity"]["is_enabled"] is True


def test_no_scope_is_declared_that_the_code_does_not_need():
    scopes = set(manifest()["oauth_config"]["scopes"]["bot"])
    needed = {"commands"}.union(*(_scopes(m) for m in used_methods()))
    events = manifest()["settings"]["event_subscriptions"]["bot_events"]
    needed |= {EVENT_SCOPES[e] for e in events} - {None}
    assert scopes == needed


def test_home_tab_is_enabled_because_the_app_publishes_it():
    home = manifest()["features"]["app_home"]
    assert home["home_tab_enabled"] is ("views.publish" in used_methods())
    assert home["messages_tab_enabled"] is True  # prompts arrive as DMs
    # Members write to the app there (message.im), so the tab must take their messages.
    assert home["messages_tab_read_only_enabled"] is ("message" not in used_events())


def test_every_shortcut_handled_is_declared_and_nothing_else():
    declared = {s["callback_id"] for s in manifest()["features"]["shortcuts"]}
    assert declared == registrations("shortcut") == {ids.SAVE_MESSAGE_SHORTCUT}
    for shortcut in manifest()["features"]["shortcuts"]:
        assert shortcut["type"] == "message"  # used on a message: it carries the message
