"""Requests that Slack did not sign are refused, and nothing is written."""

from __future__ import annotations

import time

from sqlmodel import func, select

from storage.models import Entry


def entry_count(slack) -> int:
    with slack.services.db.session() as session:
        return session.exec(select(func.count()).select_from(Entry)).one()


def test_forged_signature_is_rejected(slack):
    fields = slack.sender.command_fields("log forged entry", user_id="U1")
    response = slack.sender.post_form(fields, secret="not-the-signing-secret")
    assert response.status == 401
    assert entry_count(slack) == 0


def test_missing_signature_is_rejected(slack):
    fields = slack.sender.command_fields("log unsigned entry", user_id="U1")
    response = slack.sender.post_form(fields, sign=False)
    assert response.status == 401
    assert entry_count(slack) == 0


def test_stale_timestamp_is_rejected(slack):
    fields = slack.sender.command_fields("log replayed entry", user_id="U1")
    stale = str(int(time.time()) - 6 * 60)
    response = slack.sender.post_form(fields, timestamp=stale)
    assert response.status == 401
    assert entry_count(slack) == 0


def test_body_modified_after_signing_is_rejected(slack):
    import urllib.parse

    fields = slack.sender.command_fields("log original", user_id="U1")
    body = urllib.parse.urlencode(fields)
    ts = str(int(time.time()))
    from slack_emulator.slack_requests import signature

    tampered = body.replace("original", "tampered")
    response = slack.sender.post(
        tampered,
        "application/x-www-form-urlencoded",
        sign=False,
        timestamp=ts,
        headers={"X-Slack-Signature": signature("test-signing-secret-0123456789abcdef", ts, body)},
    )
    assert response.status == 401
    assert entry_count(slack) == 0


def test_signed_but_malformed_payload_is_refused_without_a_crash(slack):
    response = slack.sender.post_form({"payload": "{not json"})
    assert 400 <= response.status < 500
    assert entry_count(slack) == 0
    # The app still serves the next request.
    assert slack.command("log still alive").status == 200
    assert entry_count(slack) == 1


def test_health_check(slack):
    import urllib.request

    with urllib.request.urlopen(slack.url.replace("/slack/events", "/healthz"), timeout=5) as r:
        assert r.status == 200
        assert r.read() == b'{"ok":true}'
