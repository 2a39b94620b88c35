"""Fuzzing (issue #8): whatever arrives, the app answers without an unhandled error, and nothing
it sends, to the user or to Slack's Web API, is something Slack would reject.

Cases go through the real Bolt app with `app.dispatch` (signature check included) instead of
HTTP, so a run can afford thousands of them; the Web API calls still go to the emulator.
"""

from __future__ import annotations

import copy
import json
import logging
import re
import time
import tomllib
import urllib.parse
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_bolt import App, BoltResponse
from sqlmodel import select

from bot import edge
from bot.app import create_app
from bot.blocks.deliverables import deliverable_modal
from bot.blocks.prompt import PromptRef
from bot.clock import MovableClock
from bot.config import Settings
from bot.evidence import SPECS
from bot.programs import BUILTIN_DIR, Program, ProgramFileError, load_program_file
from bot.services import Services
from bot.services.enrollment import join
from slack_emulator import SlackEmulator, message_problems
from slack_emulator.slack_requests import SlackSender, signature, typed
from storage.db import Database
from storage.models import DeliverableDone, Entry, Participant, SkillRating
from tests.conftest import SIGNING_SECRET, TEAM
from tests.reliability.ledger import LEDGER


def fuzz(examples: int) -> settings:
    """Hypothesis settings for `examples` cases that each drive a live app."""
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


SUBCOMMANDS = [
    "log",
    "log problem",
    "log decision",
    "log ship",
    "config",
    "config channel",
    "preview",
    "status",
    "summary",
    "entries",
    "pause",
    "resume",
    "leave",
    "skills",
    "portfolio",
    "export",
    "forget",
    "ship",
    "join",
    "join product-engineer",
    "help",
]
MARKUP = [
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<@U1|x>",
    "<@U2>",
    "<#C1>",
    "<#C1|transition>",
    "<#C404|nope>",
    "<http://evil.example|click>",
    "<!date^1^{date}|x>",
    "<!subteam^S1|@team>",
    "&amp;",
    "&lt;",
    "&gt;",
    "*bold*",
    "`code`",
    "```",
    "\n",
    "\t",
    "\x00",
    "\x1b[31m",
    "\u202e",
    "🚀",
    "👩🏽‍💻",
    "ß",
    "2026-02-30",
    "-1",
    "1e309",
    "NaN",
]
ALPHABET = st.characters(codec="utf-8", exclude_categories=["Cs"]) | st.sampled_from("<>&|@#!^")
piece = st.one_of(st.sampled_from(MARKUP), st.text(ALPHABET, max_size=25))
junk = st.one_of(
    st.lists(piece, max_size=10).map("".join),
    # Past Slack's limits: built by repetition, cheap to generate.
    st.tuples(st.sampled_from([*MARKUP, "x", "é", "🚀 "]), st.integers(500, 3000)).map(
        lambda t: (t[0] * t[1])[:12_000]
    ),
)
command_text = st.one_of(
    st.tuples(st.sampled_from(SUBCOMMANDS), st.sampled_from(["", " ", "  ", "\n"]), junk).map(
        "".join
    ),
    junk,
    # As Slack really sends it: the &, < and > the user typed arrive escaped.
    st.tuples(st.sampled_from(SUBCOMMANDS), junk).map(lambda t: f"{t[0]} {typed(t[1])}"),
)

# Markup the bot writes itself: mentions of the user it answers (U1, or the admin U3), Slack's
# localised dates, and the channel the bot is in (C1). Any other `<` in rendered text came from
# input.
OWN_TOKENS = re.compile(r"<@U[13]>|<#C1>|<!date\^\d+\^\{[a-z_]+\}(?:\^[^|>]*)?\|[^<>]*>")
FORBIDDEN = ("<!channel>", "<!here>", "<!everyone>", "<@", "<#", "<http")
# Lookups of ids a user typed may fail: that is the app asking, not sending anything malformed.
LOOKUP_ERRORS = {"channel_not_found", "user_not_found", "not_in_channel"}


class ErrorLog(logging.Handler):
    """Every ERROR (or worse) record, from any thread."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class Rig:
    """The app (dispatched to directly), the emulator behind it, and the case bookkeeping."""

    def __init__(
        self,
        app: App,
        emulator: SlackEmulator,
        services: Services,
        sender: SlackSender,
        errors: ErrorLog,
    ) -> None:
        self.app, self.emulator = app, emulator
        self.services, self.sender, self.errors = services, sender, errors
        self.views: dict[str, dict[str, Any]] = {}

    def __repr__(self) -> str:
        return "Rig()"  # short: hypothesis prints it with every failing case

    def dispatch(self, body: str, content_type: str) -> BoltResponse:
        """Sign `body` as Slack does and hand it to Bolt as the HTTP edge does (bot/edge.py
        parses it; Bolt verifies the signature); wait for the listener to finish."""
        ts = str(int(time.time()))
        headers = {
            "content-type": content_type,
            "x-slack-request-timestamp": ts,
            "x-slack-signature": signature(SIGNING_SECRET, ts, body),
        }
        request = edge.bolt_request(body, edge.parse(body, content_type), headers=headers, query="")
        response = self.app.dispatch(request)
        # Wait until everything the listener queued after its ack has finished.
        assert self.app.after_ack.settle(timeout=30)  # type: ignore[attr-defined]
        return response

    def command(self, text: str, user_id: str = "U1") -> BoltResponse:
        fields = self.sender.command_fields(text, user_id=user_id, channel_id="C1")
        return self.dispatch(urllib.parse.urlencode(fields), "application/x-www-form-urlencoded")

    def submit(self, view: dict[str, Any], values: dict[str, Any]) -> BoltResponse:
        submitted = dict(view)
        submitted["state"] = {"values": values}
        payload = {
            "type": "view_submission",
            "team": {"id": TEAM, "domain": "acme"},
            "user": {"id": "U1", "username": "u1", "name": "u1", "team_id": TEAM},
            "api_app_id": "A0TRANSITION",
            "token": "verification-token-unused",
            "trigger_id": self.emulator.issue_trigger(TEAM, "U1"),
            "view": submitted,
            "response_urls": [],
            "is_enterprise_install": False,
        }
        body = urllib.parse.urlencode({"payload": json.dumps(payload)})
        return self.dispatch(body, "application/x-www-form-urlencoded")

    def opened_view(self, text: str) -> dict[str, Any]:
        """Send `/transition <text>` and return the modal it opened, as Slack holds it."""
        before = len(self.emulator.calls_to("views.open"))
        response = self.command(text)
        assert response.status == 200
        opened = self.emulator.calls_to("views.open")
        assert len(opened) == before + 1 and opened[-1].ok, text
        # The join modal is updated with the time zone right after opening: take Slack's copy.
        return self.emulator.open_views[opened[-1].response["view"]["id"]]

    def start_case(self) -> tuple[int, int]:
        LEDGER.add("fuzz cases.run")
        return len(self.emulator.calls), len(self.errors.records)

    def end_case(self, mark: tuple[int, int], *, context: str) -> None:
        """Nothing logged at ERROR, and Slack accepted every Web API call of the case."""
        calls_from, errors_from = mark
        logged = self.errors.records[errors_from:]
        assert not logged, (context[:300], [r.getMessage() for r in logged])
        for call in self.emulator.calls[calls_from:]:
            assert call.ok or call.error in LOOKUP_ERRORS, (
                context[:300],
                call.method,
                call.error,
                call.response.get("response_metadata"),
            )
        LEDGER.add("fuzz cases.handled")


@pytest.fixture
def rig(
    emulator_and_token: tuple[SlackEmulator, str],
    database_url: str,
    clock: MovableClock,
    programs: Any,
) -> Iterator[Rig]:
    """The app built as the `slack` fixture builds it, minus the HTTP server."""
    emulator, token = emulator_and_token
    settings_ = Settings(
        bot_token=token,
        signing_secret=SIGNING_SECRET,
        database_url=database_url,
        slack_api_url=emulator.base_url,
    )
    services = Services(db=Database(database_url), programs=programs, clock=clock)
    app = create_app(settings_, services=services)
    # Some commands come from a workspace admin, so admin-only subcommands (preview, config)
    # are fuzzed past their permission check too.
    emulator.add_user(TEAM, "U3", name="ada", is_admin=True)
    errors = ErrorLog()
    logging.getLogger().addHandler(errors)
    sender = SlackSender(
        "http://unused.invalid",
        SIGNING_SECRET,
        team_id=TEAM,
        emulator=emulator,
    )
    yield Rig(app, emulator, services, sender, errors)
    logging.getLogger().removeHandler(errors)
    app.after_ack.shutdown()
    services.db.dispose()


def strings(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in strings(v)]
    return []


def assert_rendered_safely(text: str | None, blocks: list[Any] | None, context: str) -> None:
    assert message_problems(text, blocks) == [], context[:300]
    for s in [text or "", *strings(blocks or [])]:
        stripped = OWN_TOKENS.sub("", s)
        assert "<" not in stripped, (context[:200], s[:300])
        for markup in FORBIDDEN:
            assert markup not in stripped, (context[:200], s[:300])


def assert_command_answer(response: BoltResponse, context: str) -> None:
    assert response.status == 200, (context[:300], response.status, response.body[:300])
    if not response.body:
        return  # a modal opened (or the answer comes later): the empty ack
    answer = json.loads(response.body)
    assert isinstance(answer, dict)
    if answer.get("text") or answer.get("blocks"):
        assert_rendered_safely(answer.get("text"), answer.get("blocks"), context)


# -- 1. command text ----------------------------------------------------------------------------


@fuzz(800)
@given(text=command_text, user=st.sampled_from(["U1", "U3"]))
def test_any_command_text_gets_a_clean_answer(rig: Rig, text: str, user: str) -> None:
    mark = rig.start_case()
    assert_command_answer(rig.command(text, user_id=user), text)
    rig.end_case(mark, context=text)


# -- 2. modal values ----------------------------------------------------------------------------

# Values outside what a modal offers: unknown options, impossible dates, wrong shapes.
BAD_OPTIONS = ["", "nope", "../etc", "product-engineer ", "PRODUCT-ENGINEER", "<!here>", "🚀"]
BAD_DATES = [
    "",
    "2026-02-30",
    "2026-13-01",
    "0000-01-01",
    "9999-12-31",
    "1900-01-01",
    "2026-11-23T00:00",
    "tomorrow",
    "<!here>",
]


def element_values(view: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(block_id, action_id, element) of every input in a view."""
    found = []
    for block in view["blocks"]:
        if block.get("type") == "input":
            element = block["element"]
            found.append((block["block_id"], element["action_id"], element))
    return found


def options_of(element: dict[str, Any]) -> list[dict[str, Any]]:
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options.extend(group.get("options") or [])
    return options


@st.composite
def state_for(draw: st.DrawFn, view: dict[str, Any]) -> dict[str, Any]:
    """A view's state.values as Slack might send it, and some Slack never would."""
    values: dict[str, Any] = {}
    for block_id, action_id, element in element_values(view):
        if draw(st.integers(0, 9)) == 0:
            continue  # left out entirely
        kind = element["type"]
        if kind == "plain_text_input":
            value: dict[str, Any] = {"type": kind, "value": draw(st.one_of(junk, st.none()))}
        elif kind in ("static_select", "radio_buttons"):
            option = draw(
                st.one_of(
                    st.sampled_from(options_of(element) or [{"value": "x"}]),
                    st.sampled_from(BAD_OPTIONS).map(
                        lambda v: {"value": v, "text": {"type": "plain_text", "text": v or "-"}}
                    ),
                    st.none(),
                )
            )
            value = {"type": kind, "selected_option": option}
        elif kind == "datepicker":
            valid = st.dates(date(1990, 1, 1), date(2035, 12, 31)).map(date.isoformat)
            picked = draw(st.one_of(valid, st.sampled_from(BAD_DATES), st.none()))
            value = {"type": kind, "selected_date": picked}
        elif kind == "checkboxes":
            chosen = draw(st.lists(st.sampled_from(options_of(element)), unique_by=str))
            value = {"type": kind, "selected_options": chosen}
        elif kind == "number_input":
            value = {"type": kind, "value": draw(st.sampled_from([*MARKUP, "3", "0", "5", "6"]))}
        else:
            raise AssertionError(f"no strategy for {kind} inputs")
        values[block_id] = {action_id: value}
    return values


MODAL_COMMANDS = [
    "log",
    *(
        f"log {spec.keywords[0]}"
        for spec in SPECS.values()
        if spec.keywords and spec.kind != "ship"
    ),
    "ship",
    "join",
    "join product-engineer",
    "skills",
]


def mark_done_view(rig: Rig) -> dict[str, Any]:
    """The mark-done modal of U1's current phase, as the prompt's button opens it."""
    join(
        rig.services,
        team_id=TEAM,
        user_id="U1",
        program_id="product-engineer",
        background="backend",
        start_date=date(2026, 11, 9),
        timezone="Europe/Berlin",
    )
    program = rig.services.programs["product-engineer"]
    phase = program.phases[0]
    ref = PromptRef(program.id, phase.key, phase.first_week)
    return deliverable_modal(
        phase, existing_evidence=None, metadata={"ref": ref.value, "channel": "C1", "ts": None}
    )


def check_submission(rig: Rig, view: dict[str, Any], values: dict[str, Any], ctx: str) -> None:
    mark = rig.start_case()
    response = rig.submit(view, values)
    assert response.status == 200, (ctx, response.status, response.body[:300])
    if response.body:
        answer = json.loads(response.body)
        assert answer.get("response_action") == "errors", (ctx, answer)
        block_ids = {b.get("block_id") for b in view["blocks"]}
        assert answer["errors"] and set(answer["errors"]) <= block_ids, (ctx, answer)
        assert all(isinstance(m, str) and len(m) > 0 for m in answer["errors"].values())
    else:
        assert stored(rig, ctx, view["id"]), (ctx, values)
    rig.end_case(mark, context=f"{ctx} {values}")


def stored(rig: Rig, opener: str, view_id: str) -> bool:
    """Whether the row an accepted submission of `opener`'s modal promises exists."""
    if opener.startswith("join"):
        query = select(Participant).where(Participant.user_id == "U1")
    elif opener == "skills":
        query = select(SkillRating).where(SkillRating.user_id == "U1")
    elif opener == "mark done":
        query = select(DeliverableDone).where(DeliverableDone.user_id == "U1")
    else:
        query = select(Entry).where(Entry.client_key == f"view:{view_id}")
    with rig.services.db.session() as session:
        return session.exec(query).first() is not None


@fuzz(60)
@pytest.mark.parametrize("opener", [*MODAL_COMMANDS, "mark done"])
@given(data=st.data())
def test_any_modal_values_are_stored_or_answered_with_field_errors(
    rig: Rig, opener: str, data: st.DataObject
) -> None:
    if opener not in rig.views:  # opened once per test; each case submits a fresh copy
        rig.views[opener] = (
            mark_done_view(rig) if opener == "mark done" else rig.opened_view(opener)
        )
    view = {**rig.views[opener], "id": f"V{time.monotonic_ns()}"}
    assert element_values(view), opener
    values = data.draw(state_for(view))
    check_submission(rig, view, values, opener)


# -- 3. program files ---------------------------------------------------------------------------

VALID = tomllib.loads((BUILTIN_DIR / "product-engineer.toml").read_text())
ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False),
    st.text(ALPHABET, max_size=30),
    st.just("x" * 20_000),
    st.lists(st.integers(-3, 30), max_size=4),
    st.dictionaries(st.text(max_size=8), st.integers(), max_size=3),
    st.sampled_from(["frontend", "backend", "data", "nope", "", "BACKEND"]),
)


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key/index path inside a parsed document."""
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found.extend(paths(value, (*prefix, key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(paths(value, (*prefix, index)))
    return found


def parent_of(doc: Any, path: tuple[Any, ...]) -> Any:
    for step in path[:-1]:
        doc = doc[step]
    return doc


@st.composite
def mutated_program(draw: st.DrawFn) -> Any:
    """The built-in program with a few things broken: keys gone, types changed, extras added."""
    doc = copy.deepcopy(VALID)
    for _ in range(draw(st.integers(1, 4))):
        targets = paths(doc)
        if not targets or not isinstance(doc, dict):
            break
        path = draw(st.sampled_from(targets))
        parent = parent_of(doc, path)
        action = draw(
            st.sampled_from(["delete", "replace", "insert", "week", "duplicate", "whole"])
        )
        if action == "delete":
            del parent[path[-1]]
        elif action == "replace":
            parent[path[-1]] = draw(ODD_VALUES)
        elif action == "insert" and isinstance(parent, dict):
            parent[draw(st.text(ALPHABET, min_size=1, max_size=12))] = draw(ODD_VALUES)
        elif action == "week":
            phases = doc.get("phases")
            if isinstance(phases, list) and phases and isinstance(phases[0], dict):
                phase = draw(st.sampled_from(phases))
                if isinstance(phase, dict):
                    key = draw(st.sampled_from(["first_week", "last_week"]))
                    phase[key] = draw(st.integers(-5, 40))
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[path[-1]]))
        elif action == "whole":
            doc = draw(st.one_of(ODD_VALUES, st.just(doc)))
    return doc


def write_document(tmp: Path, doc: Any, n: int) -> Path:
    """The document as YAML (a TOML writer is not a dependency; YAML holds any shape)."""
    path = tmp / f"fuzzed-{n}.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))
    return path


@fuzz(120)
@given(doc=mutated_program())
def test_any_program_file_loads_or_is_refused_by_name(tmp_path: Path, doc: Any) -> None:
    LEDGER.add("fuzz cases.run")
    path = write_document(tmp_path, doc, LEDGER.get("fuzz cases.run"))
    try:
        program = load_program_file(path)
    except ProgramFileError as error:
        assert path.name in str(error), str(error)[:300]
    else:
        assert isinstance(program, Program)
    LEDGER.add("fuzz cases.handled")


def test_the_rendered_check_itself_catches_raw_markup() -> None:
    """Guard against a vacuous property: markup the user typed does trip the check."""
    with pytest.raises(AssertionError):
        assert_rendered_safely(
            "x", [{"type": "section", "text": {"type": "mrkdwn", "text": "<!here>"}}], ""
        )
    assert_rendered_safely("<!date^1^{date_short}|2026-11-23> <@U1>", None, "")
