"""The emulator's Socket Mode against slack_sdk's own builtin SocketModeClient (and, where a
client must misbehave, a bare websockets client): hello, envelopes and acks, tickets,
app-level tokens, disconnect and reconnect, round robin, the 10-connection limit."""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect as ws_connect

import slack_emulator.socket_mode
import slack_emulator.state
from slack_emulator import SlackEmulator
from slack_emulator.slack_requests import SlackSender
from slack_emulator.socket_mode import MAX_CONNECTIONS
from slack_emulator.state import APP_ID

Answer = Callable[[SocketModeRequest], dict[str, Any] | None]


def echo(request: SocketModeRequest) -> dict[str, Any] | None:
    return {"echo": request.payload}


@dataclass
class App:
    """One builtin client, with everything it received."""

    client: SocketModeClient
    messages: queue.Queue[dict[str, Any]] = field(default_factory=queue.Queue)
    requests: queue.Queue[SocketModeRequest] = field(default_factory=queue.Queue)

    def next_message(self, kind: str, timeout: float = 5.0) -> dict[str, Any]:
        """The next message of that type (others received in between are skipped)."""
        while True:
            message = self.messages.get(timeout=timeout)
            if message.get("type") == kind:
                return message


@pytest.fixture
def emu() -> Iterator[SlackEmulator]:
    with SlackEmulator() as emulator:
        emulator.add_workspace("T1", token="xoxb-T1-bot")
        yield emulator


@pytest.fixture
def app_token(emu: SlackEmulator) -> str:
    return emu.add_app_token()


@pytest.fixture
def connect(emu: SlackEmulator, app_token: str) -> Iterator[Callable[..., App]]:
    """Connect builtin clients to the emulator; all are closed (in parallel) afterwards."""
    apps: list[App] = []

    def open_app(answer: Answer | None = echo, **options: Any) -> App:
        client = SocketModeClient(app_token, web_client=WebClient(base_url=emu.base_url), **options)
        app = App(client)
        client.on_message_listeners.append(lambda raw: app.messages.put(json.loads(raw)))

        def on_request(client: SocketModeClient, request: SocketModeRequest) -> None:
            app.requests.put(request)
            if answer is not None:
                response = SocketModeResponse(request.envelope_id, payload=answer(request))
                client.send_socket_mode_response(response)

        client.socket_mode_request_listeners.append(on_request)
        apps.append(app)
        client.connect()
        return app

    yield open_app
    with ThreadPoolExecutor(max_workers=max(1, len(apps))) as pool:
        list(pool.map(lambda app: app.client.close(), apps))


def ticket_url(emu: SlackEmulator, app_token: str) -> str:
    return WebClient(base_url=emu.base_url).apps_connections_open(app_token=app_token)["url"]


def test_hello_comes_first_with_the_connection_count(emu, connect):
    first = connect()
    hello = first.next_message("hello")
    assert hello == {
        "type": "hello",
        "num_connections": 1,
        "debug_info": {
            "host": hello["debug_info"]["host"],
            "build_number": hello["debug_info"]["build_number"],
            "approximate_connection_time": hello["debug_info"]["approximate_connection_time"],
        },
        "connection_info": {"app_id": APP_ID},
    }
    assert hello["debug_info"]["host"].startswith("applink-")
    assert isinstance(hello["debug_info"]["build_number"], int)
    assert isinstance(hello["debug_info"]["approximate_connection_time"], int)
    assert connect().next_message("hello")["num_connections"] == 2
    emu.wait_for_socket_connections(2)


def test_an_envelope_is_answered_by_its_ack_with_payload(emu, connect):
    app = connect(lambda request: {"text": f"got {request.payload['text']}"})
    emu.wait_for_socket_connections(1)
    payload = {"command": "/transition", "text": "help", "user_id": "U1", "team_id": "T1"}

    ack = emu.socket_deliver("slash_commands", payload)

    assert ack.acked and ack.payload == {"text": "got help"}
    assert 0 < ack.elapsed < 3.0
    received = app.requests.get(timeout=5)
    assert (received.type, received.envelope_id, received.payload) == (
        "slash_commands",
        ack.envelope_id,
        payload,
    )
    assert received.accepts_response_payload is True
    [sent] = emu.socket_envelopes
    assert sent.envelope["envelope_id"] == ack.envelope_id
    assert sent.connection_id == ack.connection_id
    [recorded] = emu.socket_acks
    assert (recorded.envelope_id, recorded.payload, recorded.on_time) == (
        ack.envelope_id,
        {"text": "got help"},
        True,
    )


def test_a_bare_ack_has_no_payload(emu, connect):
    connect(lambda request: None)
    emu.wait_for_socket_connections(1)
    ack = emu.socket_deliver("events_api", {"type": "event_callback", "event": {}})
    assert ack.acked and ack.payload is None


@pytest.mark.parametrize(
    ("kind", "payload", "accepts"),
    [
        ("slash_commands", {"command": "/transition", "text": ""}, True),
        ("interactive", {"type": "view_submission", "view": {}}, True),
        ("interactive", {"type": "block_suggestion", "value": "ba"}, True),
        ("interactive", {"type": "block_actions", "actions": []}, False),
        ("events_api", {"type": "event_callback", "event": {"type": "app_home_opened"}}, False),
    ],
    ids=["slash", "view_submission", "block_suggestion", "block_actions", "event"],
)
def test_envelopes_say_whether_the_ack_may_carry_a_response(emu, connect, kind, payload, accepts):
    app = connect()
    emu.wait_for_socket_connections(1)
    assert emu.socket_deliver(kind, payload).acked
    received = app.requests.get(timeout=5)
    assert received.type == kind
    assert received.accepts_response_payload is accepts
    [sent] = emu.socket_envelopes
    if kind == "events_api":  # only events are retried, so only they carry the retry fields
        assert (sent.envelope["retry_attempt"], sent.envelope["retry_reason"]) == (0, "")
    else:
        assert "retry_attempt" not in sent.envelope


def test_a_retried_event_says_so(emu, connect):
    app = connect()
    emu.wait_for_socket_connections(1)
    event = {"type": "event_callback", "event_id": "Ev1", "event": {"type": "user_change"}}
    assert emu.socket_deliver("events_api", event, retry_attempt=2, retry_reason="timeout").acked
    received = app.requests.get(timeout=5)
    assert (received.retry_attempt, received.retry_reason) == (2, "timeout")


def test_an_unanswered_envelope_is_not_acked_and_a_late_ack_is_recorded_as_late(emu, connect):
    release = threading.Event()

    def slow(request: SocketModeRequest) -> dict[str, Any]:
        release.wait(timeout=10)
        return {"text": "too late"}

    connect(slow)
    emu.wait_for_socket_connections(1)

    ack = emu.socket_deliver("slash_commands", {"command": "/transition"}, timeout=0.3)

    assert not ack.acked and ack.payload is None
    assert ack.elapsed >= 0.3
    assert ack.connection_id is not None
    release.set()
    [late] = emu.wait_for_socket_acks(1)
    assert late.envelope_id == ack.envelope_id and late.on_time is False


def test_no_connection_means_no_ack(emu):
    ack = emu.socket_deliver("slash_commands", {"command": "/transition"})
    assert not ack.acked and ack.connection_id is None
    assert emu.socket_envelopes == []


def test_pings_are_answered_with_their_own_payload(emu, app_token):
    with ws_connect(ticket_url(emu, app_token), open_timeout=5) as ws:
        assert json.loads(ws.recv(timeout=5))["type"] == "hello"
        # What the builtin client sends; it keeps a connection only while pongs echo it.
        pong = ws.ping(b"0b9e2c1e-session:1700000000.5")
        assert pong.wait(timeout=5)


def test_a_ticket_opens_one_connection(emu, app_token):
    url = ticket_url(emu, app_token)
    with ws_connect(url, open_timeout=5) as ws:
        assert json.loads(ws.recv(timeout=5))["type"] == "hello"
        with pytest.raises(InvalidStatus) as refused:
            ws_connect(url, open_timeout=5)
        assert refused.value.response.status_code == 401
    with pytest.raises(InvalidStatus):
        ws_connect(url.replace("ticket=", "ticket=forged"), open_timeout=5)
    assert [r.reason for r in emu.socket_refusals] == ["used_ticket", "unknown_ticket"]
    assert emu.socket_connections_opened == 1


def test_a_builtin_client_cannot_reuse_a_ticket(emu, app_token, connect):
    first = connect()
    emu.wait_for_socket_connections(1)
    reuse = SocketModeClient(
        app_token, web_client=WebClient(base_url=emu.base_url), auto_reconnect_enabled=False
    )
    reuse.wss_uri = first.client.wss_uri  # what a client that cached its URL would do
    try:
        reuse.connect()
        assert not reuse.is_connected()
    finally:
        reuse.close()
    assert [r.reason for r in emu.socket_refusals] == ["used_ticket"]
    assert emu.socket_connections == 1


def test_an_expired_ticket_is_refused(emu, app_token, monkeypatch):
    monkeypatch.setattr(slack_emulator.state, "SOCKET_TICKET_SECONDS", -1.0)
    with pytest.raises(InvalidStatus):
        ws_connect(ticket_url(emu, app_token), open_timeout=5)
    assert [r.reason for r in emu.socket_refusals] == ["expired_ticket"]


def test_only_the_link_path_takes_connections(emu, app_token):
    url = ticket_url(emu, app_token).replace("/link/", "/other/")
    with pytest.raises(InvalidStatus) as refused:
        ws_connect(url, open_timeout=5)
    assert refused.value.response.status_code == 404


def test_apps_connections_open_gives_a_local_ticket_url(emu, app_token):
    url = ticket_url(emu, app_token)
    prefix = f"ws://127.0.0.1:{emu._socket.port}/link/?ticket="
    assert url.startswith(prefix) and url.endswith(f"&app_id={APP_ID}")
    assert url != ticket_url(emu, app_token)  # a new ticket every time


def api_post(emu: SlackEmulator, **kwargs: Any) -> requests.Response:
    return requests.post(emu.base_url + "apps.connections.open", timeout=5, **kwargs)


def test_apps_connections_open_takes_the_app_token_from_the_header_only(emu, app_token):
    missing = api_post(emu)
    assert missing.json() == {"ok": False, "error": "not_authed"}
    # docs.slack.dev: "passing it as a POST parameter will result in an error".
    as_param = api_post(emu, data={"token": app_token})
    assert as_param.json() == {"ok": False, "error": "invalid_auth"}
    unknown = api_post(emu, headers={"Authorization": "Bearer xapp-1-A0-1-unknown"})
    assert unknown.json() == {"ok": False, "error": "invalid_auth"}
    good = api_post(emu, headers={"Authorization": f"Bearer {app_token}"})
    assert good.status_code == 200 and good.json()["ok"] is True


def test_a_bot_token_cannot_open_a_connection(emu):
    client = WebClient(base_url=emu.base_url)
    with pytest.raises(SlackApiError) as refused:
        client.apps_connections_open(app_token="xoxb-T1-bot")
    assert refused.value.response["error"] == "not_allowed_token_type"


def test_an_app_token_without_connections_write_gets_missing_scope(emu):
    token = emu.add_app_token(scopes=("authorizations:read", "app_configurations:write"))
    answer = api_post(emu, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    assert answer.json() == {
        "ok": False,
        "error": "missing_scope",
        "needed": "connections:write",
        "provided": "authorizations:read,app_configurations:write",
    }
    with pytest.raises(SlackApiError):
        WebClient(base_url=emu.base_url).apps_connections_open(app_token=token)


def test_disconnect_makes_the_client_reconnect_and_delivery_works_again(emu, connect):
    app = connect()
    app.next_message("hello")
    emu.wait_for_socket_connections(1)
    before = emu.socket_deliver("slash_commands", {"command": "/transition", "text": "1"})
    assert before.acked

    assert emu.socket_disconnect("refresh_requested") == 1

    message = app.next_message("disconnect")
    assert message["reason"] == "refresh_requested"
    assert message["debug_info"]["host"].startswith("applink-")
    emu.wait_for("apps.connections.open", count=2)  # a new URL, not the old one again
    # The client greets the new connection and closes the old one itself.
    emu.wait_for_socket_connections(1, draining=0)
    assert app.next_message("hello")["num_connections"] >= 1
    after = emu.socket_deliver("slash_commands", {"command": "/transition", "text": "2"})
    assert after.acked and after.payload == {"echo": {"command": "/transition", "text": "2"}}
    assert after.elapsed < 3.0
    assert after.connection_id != before.connection_id
    assert emu.socket_connections_opened == 2


def test_a_connection_that_ignores_disconnect_is_closed_after_a_grace_period(
    emu, app_token, monkeypatch
):
    monkeypatch.setattr(slack_emulator.socket_mode, "DISCONNECT_GRACE_SECONDS", 1.0)
    with ws_connect(ticket_url(emu, app_token), open_timeout=5) as stubborn:
        assert json.loads(stubborn.recv(timeout=5))["type"] == "hello"
        emu.wait_for_socket_connections(1)

        assert emu.socket_disconnect("warning") == 1

        # Asked to go: still open for the grace period, but no envelope goes to it any more.
        emu.wait_for_socket_connections(0, draining=1)
        assert emu.socket_deliver("events_api", {"n": 1}).connection_id is None
        assert json.loads(stubborn.recv(timeout=5))["reason"] == "warning"
        with pytest.raises(ConnectionClosed) as closed:
            stubborn.recv(timeout=5)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1000
    emu.wait_for_socket_connections(0, draining=0)


def test_each_envelope_goes_to_one_connection_in_turn(emu, connect):
    first, second = connect(), connect()
    emu.wait_for_socket_connections(2)

    acks = [emu.socket_deliver("events_api", {"n": n}) for n in range(4)]

    assert all(ack.acked for ack in acks)
    got = [
        sorted(app.requests.get(timeout=5).payload["n"] for _ in range(2))
        for app in (first, second)
    ]
    assert sorted(got) == [[0, 2], [1, 3]]
    assert first.requests.empty() and second.requests.empty()
    carriers = [sent.connection_id for sent in emu.socket_envelopes]
    assert carriers[0] != carriers[1] and carriers[0::2] == [carriers[0]] * 2
    assert carriers[1::2] == [carriers[1]] * 2


def test_at_most_ten_connections_per_app(emu, app_token, connect):
    apps = [connect() for _ in range(MAX_CONNECTIONS)]
    assert [app.next_message("hello")["num_connections"] for app in apps] == list(
        range(1, MAX_CONNECTIONS + 1)
    )
    emu.wait_for_socket_connections(MAX_CONNECTIONS)

    # The 11th: a bare client, since the builtin one would keep reconnecting (the loop
    # bolt-js issue #2225 describes for a real app over the limit).
    with ws_connect(ticket_url(emu, app_token), open_timeout=5) as extra:
        refusal = json.loads(extra.recv(timeout=5))
        assert refusal["type"] == "disconnect"
        assert refusal["reason"] == "too_many_websockets"
        with pytest.raises(ConnectionClosed) as closed:
            extra.recv(timeout=5)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
    assert [r.reason for r in emu.socket_refusals] == ["too_many_websockets"]
    assert emu.socket_connections == MAX_CONNECTIONS

    apps[0].client.close()
    emu.wait_for_socket_connections(MAX_CONNECTIONS - 1)
    with ws_connect(ticket_url(emu, app_token), open_timeout=5) as tenth:
        hello = json.loads(tenth.recv(timeout=5))
        assert (hello["type"], hello["num_connections"]) == ("hello", MAX_CONNECTIONS)


def test_stopping_the_emulator_closes_the_sockets(app_token, emu):
    with ws_connect(ticket_url(emu, app_token), open_timeout=5) as ws:
        assert json.loads(ws.recv(timeout=5))["type"] == "hello"
        emu.stop()
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=5)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1001


def test_a_sender_over_the_socket_answers_as_over_http(emu, connect):
    """SlackSender(socket=...) turns its form and JSON bodies into envelopes and the ack
    into a 200 response; the same methods work for both transports."""
    app = connect(lambda request: {"text": "ok"} if request.type == "slash_commands" else None)
    emu.wait_for_socket_connections(1)
    sender = SlackSender("", "", team_id="T1", socket=emu)

    command = sender.command("log shipped it", user_id="U1", channel_id="C1")
    click = sender.block_action("open_journal", user_id="U1")
    event = sender.event({"type": "app_home_opened", "user": "U1"}, retry_num=1)

    assert (command.status, command.json()) == (200, {"text": "ok"})
    assert (click.status, click.body) == (200, "")
    assert (event.status, event.body) == (200, "")
    slash, interactive, events = (app.requests.get(timeout=5) for _ in range(3))
    assert slash.type == "slash_commands"
    assert (slash.payload["command"], slash.payload["text"]) == ("/transition", "log shipped it")
    assert slash.payload["user_id"] == "U1" and slash.payload["channel_id"] == "C1"
    assert interactive.type == "interactive"
    assert interactive.payload["type"] == "block_actions"
    assert interactive.payload["actions"][0]["action_id"] == "open_journal"
    assert events.type == "events_api"
    assert events.payload["event"] == {"type": "app_home_opened", "user": "U1"}
    assert (events.retry_attempt, events.retry_reason) == (1, "http_timeout")


def test_a_sender_over_the_socket_answers_504_without_an_ack_in_3_seconds(emu, connect):
    connect(answer=None)  # receives, never acks
    emu.wait_for_socket_connections(1)
    sender = SlackSender("", "", team_id="T1", socket=emu)

    answer = sender.command("help", user_id="U1")

    assert (answer.status, answer.body) == (504, "")
    assert 3.0 <= answer.elapsed < 4.0


def test_a_sender_over_the_socket_answers_504_when_no_app_is_connected(emu):
    answer = SlackSender("", "", team_id="T1", socket=emu).command("help", user_id="U1")
    assert (answer.status, answer.body) == (504, "")
