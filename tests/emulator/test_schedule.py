"""chat.scheduleMessage in the emulator: validation, recording, the settable clock, delivery."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from slack_emulator import SlackEmulator
from slack_emulator.scopes import EVERY_SCOPE

SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "later"}}
NOW = 1_800_000_000.0


@pytest.fixture
def emu() -> Iterator[SlackEmulator]:
    with SlackEmulator(bot_scopes=EVERY_SCOPE) as emulator:
        emulator.add_workspace("T1", name="Acme", domain="acme")
        emulator.add_user("T1", "U1", name="alex", tz="Europe/Berlin")
        emulator.add_channel("T1", "C1", name="transition")
        emulator.add_channel("T1", "C2", name="random", bot_is_member=False)
        yield emulator


@pytest.fixture
def client(emu: SlackEmulator) -> WebClient:
    return WebClient(token=emu.token("T1"), base_url=emu.base_url)


def error_of(call) -> str:
    with pytest.raises(SlackApiError) as info:
        call()
    return info.value.response["error"]


def test_schedules_in_the_future_and_records_it(emu: SlackEmulator, client: WebClient) -> None:
    post_at = int(time.time()) + 3600
    response = client.chat_scheduleMessage(
        channel="U1", post_at=post_at, text="later", blocks=[SECTION]
    )
    dm = emu.dm_channel("T1", "U1")
    assert response["channel"] == dm
    assert response["post_at"] == post_at
    assert re.fullmatch(r"Q[A-Z0-9]{8,}", response["scheduled_message_id"])
    [pending] = emu.scheduled_messages(dm)
    assert pending["id"] == response["scheduled_message_id"]
    assert pending["post_at"] == post_at
    assert pending["text"] == "later" and pending["blocks"] == [SECTION]
    assert emu.messages(dm) == []  # not posted yet
    [call] = emu.calls_to("chat.scheduleMessage")
    assert call.ok and call.params["post_at"] == post_at


def test_refuses_past_far_and_malformed_times(emu: SlackEmulator, client: WebClient) -> None:
    now = int(time.time())
    assert error_of(
        lambda: client.chat_scheduleMessage(channel="C1", post_at=now - 5, text="x")
    ) == ("time_in_past")
    far = now + 121 * 24 * 3600
    assert error_of(lambda: client.chat_scheduleMessage(channel="C1", post_at=far, text="x")) == (
        "time_too_far"
    )
    assert error_of(
        lambda: client.chat_scheduleMessage(channel="C1", post_at="soon", text="x")
    ) == ("invalid_time")
    assert error_of(
        lambda: client.chat_scheduleMessage(channel="C2", post_at=now + 60, text="x")
    ) == ("not_in_channel")
    bad_blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": ""}}]
    assert (
        error_of(
            lambda: client.chat_scheduleMessage(
                channel="C1", post_at=now + 60, text="x", blocks=bad_blocks
            )
        )
        == "invalid_blocks"
    )
    assert emu.scheduled_messages("C1") == []


def test_settable_clock_judges_post_at_and_delivers(emu: SlackEmulator, client: WebClient) -> None:
    clock = {"now": NOW}
    emu.set_clock(lambda: clock["now"])
    # In the past by the emulator's clock even though it is far in the future of real time...
    assert (
        error_of(lambda: client.chat_scheduleMessage(channel="C1", post_at=int(NOW) - 1, text="x"))
        == "time_in_past"
    )
    client.chat_scheduleMessage(channel="C1", post_at=int(NOW) + 60, text="first")
    client.chat_scheduleMessage(channel="C1", post_at=int(NOW) + 600, text="second")
    assert [m["text"] for m in emu.scheduled_messages("C1")] == ["first", "second"]
    assert emu.deliver_scheduled() == 0  # nothing is due yet by the emulator's clock

    clock["now"] = NOW + 60
    assert emu.deliver_scheduled() == 1  # only "first" is due
    assert [m["text"] for m in emu.messages("C1")] == ["first"]
    clock["now"] = NOW + 600
    assert emu.deliver_scheduled() == 1
    assert [m["text"] for m in emu.messages("C1")] == ["first", "second"]
    assert emu.scheduled_messages("C1") == []
    emu.set_clock(None)  # back to real time
    assert (
        error_of(
            lambda: client.chat_scheduleMessage(channel="C1", post_at=int(NOW) - 10**9, text="x")
        )
        == "time_in_past"
    )


def test_scheduled_messages_post_by_themselves_when_their_time_comes(
    emu: SlackEmulator, client: WebClient
) -> None:
    clock = {"now": NOW}
    emu.set_clock(lambda: clock["now"])
    client.chat_scheduleMessage(channel="C1", post_at=int(NOW) + 60, text="later")
    clock["now"] = NOW + 61
    # Nobody calls deliver_scheduled(): the emulator's own poll posts it (within a second).
    emu.wait_until(lambda: [m["text"] for m in emu.messages("C1")] == ["later"], timeout=3)


def test_a_scheduled_message_with_metadata_is_accepted_but_never_posted(
    emu: SlackEmulator, client: WebClient
) -> None:
    # Slack's reference page: "Messages scheduled with chat.scheduleMessage will not post if
    # the metadata parameter is used."
    clock = {"now": NOW}
    emu.set_clock(lambda: clock["now"])
    client.chat_scheduleMessage(
        channel="C1",
        post_at=int(NOW) + 60,
        text="with metadata",
        metadata={"event_type": "x", "event_payload": {"a": 1}},
    )
    clock["now"] = NOW + 120
    emu.deliver_scheduled()
    assert emu.messages("C1") == []
    assert emu.scheduled_messages("C1") == []


def test_at_most_thirty_in_five_minutes_per_channel(emu: SlackEmulator, client: WebClient) -> None:
    emu.set_clock(lambda: NOW)
    for i in range(30):
        client.chat_scheduleMessage(channel="C1", post_at=int(NOW) + 1000 + i, text=str(i))
    assert (
        error_of(
            lambda: client.chat_scheduleMessage(channel="C1", post_at=int(NOW) + 1100, text="x")
        )
        == "restricted_too_many"
    )
    client.chat_scheduleMessage(channel="C1", post_at=int(NOW) + 2000, text="later window")
    assert len(emu.scheduled_messages("C1")) == 31
