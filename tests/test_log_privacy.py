"""Operators read the logs; participants' entries and Slack credentials must never be there."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from storage.db import Database
from storage.models import DeliverableDone
from tests.conftest import SIGNING_SECRET
from tests.handlers.test_join import join_values
from tests.handlers.test_log import enroll, journal_values

SECRET_DECISION = "Zebra-quartz: we quietly dropped the Acme discount"
SECRET_DETAIL = "Okapi-lantern data from the churn export"


def test_commands_log_one_line_each_without_tokens_secrets_or_entry_text(slack, log_watcher):
    logging.getLogger().setLevel(logging.DEBUG)  # even at the most verbose level
    enroll(slack)
    slack.command(f"log {SECRET_DECISION}", channel_id="C1")
    slack.command("log", channel_id="C1")
    view = slack.opened_view()
    slack.sender.view_submission(
        view, journal_values(SECRET_DECISION, data=SECRET_DETAIL), user_id="U1"
    )
    slack.emulator.wait_for("chat.postEphemeral")
    slack.command("status", channel_id="C1")
    slack.command("join", user_id="U2", channel_id="C1")
    join_view = slack.opened_view()
    slack.sender.view_submission(join_view, join_values(), user_id="U2")
    slack.emulator.wait_for("chat.postMessage")
    assert log_watcher.wait_for("view_submission join_submit team=T1 user=U2")

    lines = log_watcher.messages()
    # The one line per request is there, with team, user and latency...
    assert any(
        line.startswith("command /transition log team=T1 user=U1 acked_in=") for line in lines
    )
    assert any(line.startswith("command /transition status team=T1 user=U1") for line in lines)
    # ...and nothing private anywhere.
    for line in lines:
        assert "xoxb-" not in line
        assert SIGNING_SECRET not in line
        for private in ("Zebra-quartz", "Okapi-lantern", "Acme discount"):
            assert private not in line, line


def test_a_failed_statement_does_not_carry_its_values_into_the_error(database_url):
    db = Database(database_url)

    def done(evidence: str) -> DeliverableDone:
        return DeliverableDone(
            team_id="T1",
            user_id="U1",
            program_id="product-engineer",
            phase_key="observe",
            evidence=evidence,
            done_at=datetime(2026, 11, 23, tzinfo=UTC),
        )

    with db.session() as session:
        session.add(done("first"))
    with pytest.raises(IntegrityError) as error, db.session() as session:
        session.add(done(SECRET_DETAIL))
        session.flush()
    db.dispose()
    assert SECRET_DETAIL not in str(error.value)
    assert "hidden due to hide_parameters" in str(error.value)


# Planted in what a member typed, in the response_url and in the request's token field.
TYPED = "Narwhal-ledger"
HOOK = "Axolotl-hook"
TOKEN = "Pangolin-token"


class Everything(logging.Handler):
    """Every record any logger writes, formatted the way a log file would show it."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        # The emulator is the test's stand-in for Slack, not part of the app.
        if not record.name.startswith("slack_emulator"):
            self.lines.append(self.format(record))


@pytest.fixture
def debug_log():
    """The root logger at DEBUG, set before the app is built (as LOG_LEVEL=DEBUG does)."""
    handler = Everything()
    root, uvicorn = logging.getLogger(), logging.getLogger("uvicorn")
    previous = root.level
    root.setLevel(logging.DEBUG)
    root.addHandler(handler)
    uvicorn.addHandler(handler)  # uvicorn's records do not propagate to the root
    yield handler
    root.removeHandler(handler)
    uvicorn.removeHandler(handler)
    root.setLevel(previous)


def planted_fields(slack, text: str) -> dict[str, str]:
    fields = slack.sender.command_fields(text, user_id="U1", channel_id="C1")
    fields["response_url"] = f"{slack.emulator.root_url}/respond/T1/{HOOK}"
    fields["token"] = TOKEN
    return fields


def planted_payload(kind: str | None, **extra):
    payload = {
        "type": kind,
        "user": {"id": "U1", "team_id": "T1"},
        "team": {"id": "T1"},
        "token": TOKEN,
        "trigger_id": "1.T1.trigger",
        "response_url": f"http://127.0.0.1:9/{HOOK}",
        "actions": [{"action_id": "open_journal", "value": TYPED}],
        **extra,
    }
    return {k: v for k, v in payload.items() if v is not None}


def oversize(slack, fields: dict[str, str]):
    """POST a signed form too large for the app, the way a forger would: the whole length
    announced, the first 32 kB sent (the typed text among them), then the answer read. The
    app refuses on the announced length and closes; a client still writing megabytes then
    may meet a reset that drops the 413 before it is read (seen once in CI)."""
    import socket
    import time
    import urllib.parse

    from slack_emulator.slack_requests import SlackHTTPResponse, signature

    body = urllib.parse.urlencode(fields).encode()
    ts = str(int(time.time()))
    url = urllib.parse.urlsplit(slack.url)
    head = (
        f"POST {url.path} HTTP/1.1\r\nHost: {url.netloc}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\nX-Slack-Request-Timestamp: {ts}\r\n"
        f"X-Slack-Signature: {signature(SIGNING_SECRET, ts, body.decode())}\r\n\r\n"
    ).encode()
    with socket.create_connection((url.hostname, url.port), timeout=10) as connection:
        connection.sendall(head + body[: 32 * 1024])
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    status_line, _, rest = answer.partition(b"\r\n")
    header_text, _, text = rest.partition(b"\r\n\r\n")
    headers = dict(
        line.split(": ", 1) for line in header_text.decode().split("\r\n") if ": " in line
    )
    return SlackHTTPResponse(int(status_line.split()[1]), headers, text.decode(), 0)


# debug_log comes first: pytest builds fixtures in this order, so the root logger is at DEBUG
# before `slack` builds the app, as it is when LOG_LEVEL=DEBUG.
def test_no_refusal_path_logs_bodies_typed_text_response_urls_or_tokens(debug_log, slack):
    import json
    import time
    import urllib.parse

    from slack_emulator.slack_requests import signature

    form = "application/x-www-form-urlencoded"
    sender = slack.sender
    command = planted_fields(slack, f"log {TYPED} we chose the annual plan")
    answers = {
        "bad signature": sender.post_form(command, secret="not-the-secret"),
        "stale timestamp": sender.post_form(command, timestamp=str(int(time.time()) - 400)),
        "malformed payload": sender.post_form({"payload": f'{{"type": "block_actions", {TYPED}'}),
        "oversize body": oversize(slack, {**command, "text": f"log {TYPED} " + "y" * 3_000_000}),
        "non-object JSON": sender.post_form({"payload": json.dumps([TYPED, HOOK, TOKEN])}),
        "unknown payload type": sender.interaction(planted_payload("mystery_type")),
        "no payload type": sender.interaction(planted_payload(None)),
        "dialog submission": sender.interaction(
            planted_payload("dialog_submission", submission={"text": TYPED})
        ),
        "block suggestion": sender.interaction(planted_payload("block_suggestion", value=TYPED)),
        "unhandled event": sender.event({"type": "message", "text": TYPED, "user": "U1"}),
        "unknown first word": sender.post_form(planted_fields(slack, f"{TYPED} please")),
        "valid command": sender.post_form(command),
    }
    # The same bad-signature request, but with a body Bolt has to decode to check.
    body = urllib.parse.urlencode(command)
    ts = str(int(time.time()))
    answers["wrong secret, raw"] = sender.post(
        body,
        form,
        sign=False,
        timestamp=ts,
        headers={"X-Slack-Signature": signature("x", ts, body)},
    )
    assert answers["valid command"].status == 200
    assert "Saved" in answers["valid command"].json()["text"]
    assert answers["bad signature"].status == 401
    assert answers["stale timestamp"].status == 401
    assert answers["oversize body"].status == 413
    slack.emulator.wait_for("chat.postEphemeral", count=0)
    time.sleep(0.5)  # listener threads finish their log lines

    lines = debug_log.lines
    assert any("refused" in line for line in lines)  # the refusals are logged...
    planted = (TYPED, TYPED.lower(), HOOK, TOKEN, "yyyyyyyy", "xoxb-")
    leaks = [line[:300] for line in lines if any(p in line for p in planted)]
    assert leaks == [], "\n".join(leaks)  # ...without anything from the bodies


def test_bolts_own_signature_refusal_logs_no_body(debug_log):
    """What reaches Bolt has passed the edge's check; should one age past the 5-minute
    window on the way, Bolt's refusal line still carries no body."""
    from slack_bolt import BoltRequest, BoltResponse
    from slack_bolt.middleware.request_verification import RequestVerification

    from bot.app import quiet_slack_libraries

    quiet_slack_libraries()
    body = f"token={TOKEN}&text={TYPED}&response_url=http%3A%2F%2F127.0.0.1%2F{HOOK}"
    request = BoltRequest(
        body=body,
        headers={"x-slack-request-timestamp": "1", "x-slack-signature": "v0=00"},
    )
    verification = RequestVerification(SIGNING_SECRET, base_logger=logging.getLogger("slack_bolt"))
    response = verification.process(req=request, resp=BoltResponse(status=200), next=lambda: None)
    assert response.status == 401
    assert any("Invalid request signature" in line for line in debug_log.lines)
    assert not [line for line in debug_log.lines if TYPED in line or HOOK in line or TOKEN in line]
