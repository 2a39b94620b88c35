"""Requests Slack did not send, or sent long ago, are refused and write nothing."""

from __future__ import annotations

import time
import urllib.parse

import pytest
from sqlalchemy import func, select

from slack_emulator.slack_requests import signature
from storage.models import Workspace
from storage.personal_data import personal_tables
from tests.conftest import SIGNING_SECRET
from tests.reliability.ledger import LEDGER


def rows_written(slack) -> int:
    total = 0
    with slack.services.db.engine.connect() as connection:
        for table in [*personal_tables(), Workspace.__table__]:
            total += connection.execute(select(func.count()).select_from(table)).scalar_one()
    return total


def body_and_ts(slack, text: str = "log attacker entry") -> tuple[str, str]:
    fields = slack.sender.command_fields(text, user_id="U1")
    return urllib.parse.urlencode(fields), str(int(time.time()))


FORM = "application/x-www-form-urlencoded"


def forged(slack):
    body, ts = body_and_ts(slack)
    return body, {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature("guess", ts, body),
    }


def stale(slack):
    body, _ = body_and_ts(slack)
    ts = str(int(time.time()) - 301)
    return body, {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature(SIGNING_SECRET, ts, body),
    }


def future(slack):
    body, _ = body_and_ts(slack)
    ts = str(int(time.time()) + 301)
    return body, {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature(SIGNING_SECRET, ts, body),
    }


def tampered(slack):
    body, ts = body_and_ts(slack, "log honest words")
    good = signature(SIGNING_SECRET, ts, body)
    return body.replace("honest", "altered"), {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": good,
    }


def no_signature(slack):
    body, ts = body_and_ts(slack)
    return body, {"X-Slack-Request-Timestamp": ts}


def no_timestamp(slack):
    body, ts = body_and_ts(slack)
    return body, {"X-Slack-Signature": signature(SIGNING_SECRET, ts, body)}


def wrong_version(slack):
    body, ts = body_and_ts(slack)
    sig = signature(SIGNING_SECRET, ts, body).replace("v0=", "v1=")
    return body, {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig}


def garbage_timestamp(slack):
    body, _ = body_and_ts(slack)
    return body, {"X-Slack-Request-Timestamp": "yesterday", "X-Slack-Signature": "v0=00"}


def signed_for_another_body(slack):
    body, ts = body_and_ts(slack)
    other, _ = body_and_ts(slack, "log something else")
    return body, {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature(SIGNING_SECRET, ts, other),
    }


ATTACKS = [
    forged,
    stale,
    future,
    tampered,
    no_signature,
    no_timestamp,
    wrong_version,
    garbage_timestamp,
    signed_for_another_body,
]


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda a: a.__name__)
def test_unsigned_or_stale_requests_are_rejected_and_write_nothing(slack, attack):
    body, headers = attack(slack)
    calls_before = len(slack.emulator.calls)
    LEDGER.add("attacks.tried")
    response = slack.sender.post(
        body,
        FORM,
        sign=False,
        headers=headers,
        timestamp=headers.get("X-Slack-Request-Timestamp", ""),
    )
    assert response.status == 401
    assert rows_written(slack) == 0
    # Nothing was sent to Slack on the attacker's behalf.
    assert len(slack.emulator.calls) == calls_before
    LEDGER.add("attacks.rejected")


def test_a_replayed_request_stores_its_entry_once(slack):
    """Slack's scheme accepts a replay within five minutes; the trigger id makes it harmless."""
    fields = slack.sender.command_fields("log replay me", user_id="U1")
    first = slack.sender.post_form(fields)
    LEDGER.add("attacks.tried", 3)
    replays = [slack.sender.post_form(fields) for _ in range(3)]
    assert first.status == 200 and all(r.status == 200 for r in replays)
    assert all("Already saved" in r.json()["text"] for r in replays)
    from storage.models import Entry

    with slack.services.db.engine.connect() as connection:
        assert (
            connection.execute(select(func.count()).select_from(Entry.__table__)).scalar_one() == 1
        )
    LEDGER.add("attacks.rejected", 3)
