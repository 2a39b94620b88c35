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

# Web API methods the code calls on a WebClient (named as slack_sdk names them) that are
# not one Web API method each: files_upload_v2 is getUploadURLExternal + completeUploadExternal.
COMPOSITE_METHODS = {
    "files_upload_v2": ("files.getUploadURLExternal", "files.completeUploadExternal")
}
# Event type -> the scope Slack requires to subscribe to it (None: none).
EVENT_SCOPES: dict[str, str | None] = {
    "app_home_opened": None,
    "user_change": "users:read",
    "app_uninstalled": None,
    "tokens_revoked": None,
}
# Emulator and test helpers talk to Slack as Slack would: not the app's own calls.
EXCLUDED: tuple[str, ...] = ()


def web_api_methods(client_method: str) -> tuple[str, ...]:
    """`chat_postMessage` -> ("chat.postMessage",), as slack_sdk maps its method names."""
    if client_method in COMPOSITE_METHODS:
        return COMPOSITE_METHODS[client_method]
    family, _, name = client_method.partition("_")
    return (f"{family}.{name.replace('_', '.')}",)


def _scopes(client_method: str) -> set[str]:
    """The scopes the app needs for one WebClient method, per Slack's docs (the emulator's
    table). Where Slack accepts one scope per conversation type, the app needs the one of the
    conversations it uses: DMs (im) and the public team channel (channels)."""
    needed: set[str] = set()
    for method in web_api_methods(client_method):
        options = METHOD_SCOPES.get(method, ())
        if len(options) > 1:
            options = tuple(o for o in options if o.startswith(("im:", "channels:history")))
            if method == "conversations.open":
                options = ("im:write",)
        needed.update(options)
    return needed


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
    """Every `<something>.<method>(` on a WebClient-looking name in the app's code."""
    found: set[str] = set()
    for path in _source_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                target = node.func.value
                name = target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")
                if name == "client" and "_" in node.func.attr:
                    found.add(node.func.attr)
    return found


def used_events() -> set[str]:
    """Every `app.event("...")` registration."""
    found: set[str] = set()
    for path in _source_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "event"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.add(node.args[0].value)
    return found


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
    assert {"views_open", "chat_postMessage", "users_info"} <= methods  # the scan works
    missing = {m: _scopes(m) - scopes for m in methods if _scopes(m) - scopes}
    assert not missing, f"manifest.yml lacks scopes for {missing}"


def test_every_event_handled_is_subscribed_and_nothing_else():
    settings = manifest()["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == used_events()
    assert settings["interactivity"]["is_enabled"] is True


def test_no_scope_is_declared_that_the_code_does_not_need():
    scopes = set(manifest()["oauth_config"]["scopes"]["bot"])
    needed = {"commands"}.union(*(_scopes(m) for m in used_methods()))
    needed |= {EVENT_SCOPES[e] for e in used_events()} - {None}
    assert scopes == needed


def test_home_tab_is_enabled_because_the_app_publishes_it():
    home = manifest()["features"]["app_home"]
    assert home["home_tab_enabled"] is ("views_publish" in used_methods())
    assert home["messages_tab_enabled"] is True  # prompts arrive as DMs
