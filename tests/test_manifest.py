"""manifest.yml creates the app as is, and declares exactly what the code uses."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import jsonschema
import yaml

from bot.blocks import ids

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = Path(__file__).parent / "fixtures" / "slack" / "manifest.schema.1.0.0.json"
CODE_DIRS = ("bot", "handlers")

# Web API method (as called on slack_sdk's WebClient) -> the bot scopes it needs (None: none;
# a tuple where one method reads several kinds of conversation).
METHOD_SCOPES: dict[str, str | tuple[str, ...] | None] = {
    "auth_test": None,
    "chat_postMessage": "chat:write",
    "chat_postEphemeral": "chat:write",
    "chat_update": "chat:write",
    "chat_delete": "chat:write",
    "chat_scheduleMessage": "chat:write",
    "chat_getPermalink": None,
    "conversations_open": "im:write",
    # DMs (recovering a prompt's delivery) and the team channel (recovering a digest's).
    "conversations_history": ("im:history", "channels:history"),
    "users_info": "users:read",
    "team_info": "team:read",
    "views_open": None,
    "views_update": None,
    "views_push": None,
    "views_publish": None,
    "files_getUploadURLExternal": "files:write",
    "files_completeUploadExternal": "files:write",
    "files_upload_v2": "files:write",
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


def _scopes(method: str) -> set[str]:
    value = METHOD_SCOPES[method]
    if value is None:
        return set()
    return {value} if isinstance(value, str) else set(value)


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
    unknown = methods - METHOD_SCOPES.keys()
    assert not unknown, f"add these methods and their scopes to METHOD_SCOPES: {unknown}"
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
