"""Requests that are signed but not shaped like Slack's: each gets a 4xx (or a 200 when it is
Slack-shaped but nothing we listen to), never a 500, never a traceback, nothing written."""

from __future__ import annotations

import json
import logging
import threading
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest

from tests.reliability.ledger import LEDGER
from tests.reliability.test_attacks import rows_written

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


class Records(logging.Handler):
    """Every record from every logger (uvicorn's do not propagate to the root)."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self._lock = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        with self._lock:
            self.records.append(record)

    def tracebacks(self) -> list[str]:
        """Records that carry an exception (what prints a traceback)."""
        with self._lock:
            return [f"{r.name}: {r.getMessage()}" for r in self.records if r.exc_info]


@pytest.fixture
def records() -> Iterator[Records]:
    handler = Records()
    loggers = [logging.getLogger(), logging.getLogger("uvicorn")]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler
    for logger in loggers:
        logger.removeHandler(handler)


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


def block_action(slack, **changes: Any) -> dict[str, Any]:
    """A block_actions payload as Slack sends it, with some fields replaced."""
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": "U1", "team_id": "T1", "name": "u1", "username": "u1"},
        "team": {"id": "T1", "domain": "acme"},
        "api_app_id": "A0TRANSITION",
        "token": "verification-token-unused",
        "trigger_id": "1.T1.trigger",
        "response_url": "http://127.0.0.1:9/respond/T1/1",
        "container": {"type": "message", "message_ts": "1.1", "channel_id": "D1"},
        "channel": {"id": "D1", "name": "directmessage"},
        "actions": [{"action_id": "open_journal", "block_id": "b", "type": "button"}],
    }
    payload.update(changes)
    return payload


def view_submission(**changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": "view_submission",
        "team": {"id": "T1", "domain": "acme"},
        "user": {"id": "U1", "team_id": "T1"},
        "api_app_id": "A0TRANSITION",
        "trigger_id": "2.T1.trigger",
        "view": {"id": "V1", "callback_id": "journal_submit", "state": {"values": {}}},
    }
    payload.update(changes)
    return payload


def event_envelope(**changes: Any) -> dict[str, Any]:
    envelope: dict[str, Any] = {
        "token": "verification-token-unused",
        "team_id": "T1",
        "api_app_id": "A0TRANSITION",
        "type": "event_callback",
        "event_id": "Ev1",
        "event_time": 1,
        "event": {"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"},
    }
    envelope.update(changes)
    return envelope


def interactivity(raw_payload: str):
    return lambda slack: slack.sender.post_form({"payload": raw_payload})


def payload_of(build):
    return lambda slack: slack.sender.interaction(build(slack))


def events_body(raw: str):
    return lambda slack: slack.sender.post(raw, JSON)


# name -> (send, the statuses that are right for it)
NOT_OBJECTS = {
    "payload is an array": (interactivity("[1, 2]"), {400}),
    "payload is a string": (interactivity('"block_actions"'), {400}),
    "payload is a number": (interactivity("42"), {400}),
    "payload is null": (interactivity("null"), {400}),
    "payload nests 20,000 levels": (interactivity(deep(20_000)), {400}),
    "payload object nests 20,000 levels": (
        interactivity('{"type": "block_actions", "x": ' + deep(20_000) + "}"),
        {400},
    ),
    "event body is an array": (events_body("[]"), {400}),
    "event body is a string": (events_body('"event_callback"'), {400}),
    "event body is null": (events_body("null"), {400}),
    "event body nests 20,000 levels": (events_body(deep(20_000)), {400}),
    "event is not an object": (events_body(json.dumps(event_envelope(event="x"))), {400}),
    "event is an array": (events_body(json.dumps(event_envelope(event=[1]))), {400}),
    "event user_change user is a string": (
        events_body(json.dumps(event_envelope(event={"type": "user_change", "user": "U1"}))),
        {400},
    ),
    "event authorizations is a number": (
        events_body(json.dumps(event_envelope(authorizations=3))),
        {400},
    ),
    "event enterprise is a number": (
        events_body(json.dumps(event_envelope(enterprise=7, team_id=None))),
        {400},
    ),
    "view is not an object": (payload_of(lambda s: view_submission(view="V1")), {400}),
    "view is an array": (payload_of(lambda s: view_submission(view=[])), {400}),
    "view state is a list": (
        payload_of(lambda s: view_submission(view={"callback_id": "journal_submit", "state": []})),
        {400},
    ),
    "view state values hold a string": (
        payload_of(
            lambda s: view_submission(
                view={"callback_id": "journal_submit", "state": {"values": {"b": "x"}}}
            )
        ),
        {400},
    ),
    "view_submission user is a string": (payload_of(lambda s: view_submission(user="U1")), {400}),
    "view_submission user is a number": (payload_of(lambda s: view_submission(user=5)), {400}),
    "view_submission team is a list": (payload_of(lambda s: view_submission(team=["T1"])), {400}),
    "view_submission team is a number": (payload_of(lambda s: view_submission(team=5)), {400}),
    "block_actions actions is a string": (
        payload_of(lambda s: block_action(s, actions="open_journal")),
        {400},
    ),
    "block_actions actions holds a string": (
        payload_of(lambda s: block_action(s, actions=["open_journal"])),
        {400},
    ),
    "block_actions action_id is a number": (
        payload_of(lambda s: block_action(s, actions=[{"action_id": 5}])),
        {400},
    ),
    "block_actions actions is empty": (payload_of(lambda s: block_action(s, actions=[])), {400}),
    "block_actions channel is a number": (
        payload_of(lambda s: block_action(s, channel=9)),
        {400},
    ),
    "block_actions user is a list": (payload_of(lambda s: block_action(s, user=[])), {400}),
    "block_actions trigger_id is missing": (
        payload_of(lambda s: {k: v for k, v in block_action(s).items() if k != "trigger_id"}),
        {400},
    ),
    "response_urls is a number": (
        payload_of(lambda s: view_submission(response_urls=3)),
        {400},
    ),
}


def check_refused(slack, records: Records, send, statuses: set[int]) -> None:
    calls_before = len(slack.emulator.calls)
    LEDGER.add("malformed.sent")
    response = send(slack)
    assert response.status in statuses, (response.status, response.body[:200])
    assert records.tracebacks() == []
    assert rows_written(slack) == 0
    assert len(slack.emulator.calls) == calls_before
    LEDGER.add("malformed.refused")


@pytest.mark.parametrize("name", list(NOT_OBJECTS))
def test_signed_json_of_the_wrong_shape_is_refused_without_a_traceback(slack, records, name):
    send, statuses = NOT_OBJECTS[name]
    check_refused(slack, records, send, statuses)
    # The app still serves the next request.
    assert slack.command("help").status == 200


def entries_text(slack) -> list[str]:
    from sqlmodel import select

    from storage.models import Entry

    with slack.services.db.session() as session:
        return [entry.text for entry in session.exec(select(Entry)).all()]


def test_a_command_mentioning_the_word_payload_is_stored(slack):
    """Bolt's own parser takes any form containing "payload" for interactivity and drops
    the command; the edge hands Bolt its own parse instead."""
    response = slack.command("log the payload size doubled after the change", channel_id="C1")
    assert response.status == 200
    assert "Saved" in response.json()["text"]
    assert entries_text(slack) == ["the payload size doubled after the change"]


def test_a_command_from_a_channel_named_payloads_is_stored(slack):
    fields = slack.sender.command_fields("log from the payloads channel", user_id="U1")
    fields["channel_name"] = "payloads"
    assert slack.sender.post_form(fields).status == 200
    assert entries_text(slack) == ["from the payloads channel"]


# -- bodies over the cap ---------------------------------------------------------------------

TEN_MB = 10 * 1024 * 1024


def raw_post(slack, head: dict[str, str], chunks: Iterator[bytes] | list[bytes]):
    """POST over a bare socket: the headers, then `chunks` as they come, never the rest.

    Returns the status the app answered and how long after the last chunk it took."""
    import socket
    import time
    import urllib.parse

    url = urllib.parse.urlsplit(slack.url)
    lines = [f"POST {url.path} HTTP/1.1", f"Host: {url.hostname}:{url.port}"]
    lines += [f"{name}: {value}" for name, value in head.items()]
    with socket.create_connection((url.hostname, url.port), timeout=5) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        for chunk in chunks:
            sock.sendall(chunk)
        sent = time.perf_counter()
        answer = b""
        while b"\r\n" not in answer:
            data = sock.recv(4096)  # a timeout here means the server waits for the rest
            if not data:
                break
            answer += data
        return int(answer.split(b" ", 2)[1]), time.perf_counter() - sent


def signed_head(slack, body: bytes, **extra: str) -> dict[str, str]:
    import time

    from slack_emulator.slack_requests import signature
    from tests.conftest import SIGNING_SECRET

    ts = str(int(time.time()))
    return {
        "Content-Type": FORM,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature(SIGNING_SECRET, ts, body.decode()),
        **extra,
    }


MARKER = "Quokka-cipher"


def huge_command(slack, size: int) -> bytes:
    fields = slack.sender.command_fields("log " + MARKER, user_id="U1")
    body = urllib.parse.urlencode(fields) + "&padding=" + "x" * size + MARKER
    return body.encode()


def chunks_past_the_cap(body: bytes) -> Iterator[bytes]:
    """`body` framed as chunks, a little over the 2 MiB cap of it, then nothing: the app must
    answer without the rest, and nothing is written after it can have refused."""
    piece = 64 * 1024
    for start in range(0, 2 * 1024 * 1024 + piece, piece):
        yield b"%x\r\n%s\r\n" % (piece, body[start : start + piece])


def test_a_body_announced_over_the_cap_is_refused_before_it_arrives(slack, records):
    body = huge_command(slack, TEN_MB)
    head = signed_head(slack, body, **{"Content-Length": str(len(body))})
    LEDGER.add("malformed.sent")
    status, waited = raw_post(slack, head, [body[: 64 * 1024]])  # 64 KiB of 10 MiB
    assert status == 413
    assert waited < 2
    assert records.tracebacks() == []
    assert rows_written(slack) == 0
    assert slack.command("help").status == 200
    LEDGER.add("malformed.refused")


def test_a_chunked_body_is_cut_off_at_the_cap(slack, records):
    body = huge_command(slack, TEN_MB)
    head = signed_head(slack, body, **{"Transfer-Encoding": "chunked"})
    LEDGER.add("malformed.sent")
    status, waited = raw_post(slack, head, chunks_past_the_cap(body))
    assert status == 413
    assert waited < 2
    assert records.tracebacks() == []
    assert rows_written(slack) == 0
    assert slack.command("help").status == 200
    LEDGER.add("malformed.refused")


def test_an_oversize_body_leaves_nothing_of_itself_in_the_log(slack, records):
    body = huge_command(slack, 3 * 1024 * 1024)
    LEDGER.add("malformed.sent")
    # Sent as a forger would, once with its length announced (the first 32 kB written) and
    # once chunked (no length: refused once past the cap), and never a byte written after
    # the app can have refused: a client still writing when the app answers 413 and closes
    # meets a reset that can drop the answer (requests writing all 3 MB did, once in CI).
    announced = signed_head(slack, body, **{"Content-Length": str(len(body))})
    whole, _ = raw_post(slack, announced, [body[: 32 * 1024]])
    chunked_head = signed_head(slack, body, **{"Transfer-Encoding": "chunked"})
    chunked, _ = raw_post(slack, chunked_head, chunks_past_the_cap(body))
    assert whole == chunked == 413
    logged = [r.getMessage() for r in records.records]
    assert any("413" in line for line in logged)
    assert not any(MARKER in line or "xxxxxxxx" in line for line in logged)
    assert rows_written(slack) == 0
    LEDGER.add("malformed.refused")


# -- headers and bodies that are not Slack's -------------------------------------------------


def post_with(slack, headers: dict[str, str], body: str = "command=%2Ftransition"):
    """POST `body` with exactly these Slack headers (nothing signed for us)."""
    return slack.sender.post(
        body,
        FORM,
        sign=False,
        timestamp=headers.pop("X-Slack-Request-Timestamp", ""),
        headers=headers,
    )


def test_a_timestamp_of_unicode_digits_is_refused(slack, records):
    check_refused(
        slack,
        records,
        lambda s: post_with(s, {"X-Slack-Request-Timestamp": "¹²³", "X-Slack-Signature": "v0=0"}),
        {401},
    )


def test_a_timestamp_of_5000_digits_is_refused(slack, records):
    check_refused(
        slack,
        records,
        lambda s: post_with(
            s, {"X-Slack-Request-Timestamp": "9" * 5000, "X-Slack-Signature": "v0=0"}
        ),
        {401},
    )


def test_a_signature_that_is_not_ascii_is_refused(slack, records):
    import time

    check_refused(
        slack,
        records,
        lambda s: post_with(
            s, {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=é"}
        ),
        {401},
    )


def method(name: str):
    def send(slack):
        import requests

        response = requests.request(name, slack.url, data=b"command=%2Ftransition", timeout=5)
        return type("Answer", (), {"status": response.status_code, "body": response.text})

    return send


def signed(body: bytes | str, content_type: str | None):
    """POST exactly `body`, signed, with this Content-Type (None: no Content-Type)."""

    def send(slack):
        import requests

        raw = body.encode() if isinstance(body, str) else body
        head = signed_head(slack, raw if raw.isascii() else b"")
        if not raw.isascii():  # sign the bytes themselves, as Slack would
            import hashlib
            import hmac

            from tests.conftest import SIGNING_SECRET

            base = b"v0:" + head["X-Slack-Request-Timestamp"].encode() + b":" + raw
            digest = hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()
            head["X-Slack-Signature"] = "v0=" + digest
        if content_type is None:
            del head["Content-Type"]
        else:
            head["Content-Type"] = content_type
        response = requests.post(slack.url, data=raw, headers=head, timeout=5)
        return type("Answer", (), {"status": response.status_code, "body": response.text})

    return send


def form_payload(payload: dict[str, Any]) -> str:
    return urllib.parse.urlencode({"payload": json.dumps(payload)})


NOT_SLACKS = {
    "GET": (method("GET"), {405}),
    "PUT": (method("PUT"), {405}),
    "DELETE": (method("DELETE"), {405}),
    "content type text/plain": (signed("command=%2Ftransition&text=help", "text/plain"), {415}),
    "content type multipart": (
        signed("command=%2Ftransition&text=help", "multipart/form-data; boundary=x"),
        {415},
    ),
    "no content type": (signed("command=%2Ftransition&text=help", None), {415}),
    "JSON sent as a form": (signed(json.dumps(event_envelope()), FORM), {400}),
    "a form sent as JSON": (signed("command=%2Ftransition&text=help", JSON), {400}),
    "body is not UTF-8": (signed(b"command=%2Ftransition&text=\xff\xfe", FORM), {400}),
    "percent-escapes are not UTF-8": (signed("command=%2Ftransition&text=%FF%FE", FORM), {400}),
    "empty form body": (signed("", FORM), {400}),
    "empty JSON body": (signed("", JSON), {400}),
    "form without command or payload": (signed("text=log+hello&user_id=U1", FORM), {400}),
    "form with 10,000 fields": (signed("&".join(f"f{i}=1" for i in range(10_000)), FORM), {400}),
    "command without user_id": (
        signed("command=%2Ftransition&text=help&team_id=T1&trigger_id=1.T1", FORM),
        {400},
    ),
    "payload type unknown": (
        signed(form_payload({"type": "mystery", "user": {"id": "U1"}}), FORM),
        {400},
    ),
    "payload type missing": (signed(form_payload({"user": {"id": "U1"}}), FORM), {400}),
    "payload type is a number": (signed(form_payload({"type": 3}), FORM), {400}),
    "events body type unknown": (signed(json.dumps({"type": "mystery"}), JSON), {400}),
    "events body type missing": (signed(json.dumps({"event": {"type": "x"}}), JSON), {400}),
    "url_verification without challenge": (
        signed(json.dumps({"type": "url_verification"}), JSON),
        {400},
    ),
    # Slack-shaped, but nothing here listens to them: acknowledged, not passed on.
    "a view_closed payload": (
        signed(form_payload({"type": "view_closed", "view": {"id": "V1"}}), FORM),
        {200},
    ),
    "a dialog_submission payload": (
        signed(form_payload({"type": "dialog_submission", "submission": {"a": "b"}}), FORM),
        {200},
    ),
    "app_rate_limited": (
        signed(json.dumps({"type": "app_rate_limited", "minute_rate_limited": 1}), JSON),
        {200},
    ),
    "an event nobody handles": (
        signed(json.dumps(event_envelope(event={"type": "reaction_added", "user": "U1"})), JSON),
        {200, 404},
    ),
}


@pytest.mark.parametrize("name", list(NOT_SLACKS))
def test_requests_not_shaped_like_slacks_get_a_4xx_without_a_traceback(slack, records, name):
    send, statuses = NOT_SLACKS[name]
    check_refused(slack, records, send, statuses)
    assert slack.command("help").status == 200


def test_slacks_url_verification_and_ssl_check_still_pass(slack):
    challenge = slack.sender.post_json({"type": "url_verification", "challenge": "c-123"})
    assert challenge.status == 200 and "c-123" in challenge.body
    ssl_check = slack.sender.post_form({"ssl_check": "1", "token": "verification-token-unused"})
    assert ssl_check.status == 200
