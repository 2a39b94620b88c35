"""Kept-alive connections under the WebClient (bot/slack_http.py), through Outbound, counted
at the emulator: reuse, a connection the server closed, a connection dropped after Slack
stored the message (never a second copy), timeouts, refused connections, many threads."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from bot.outbound import Outbound, SlackFailure, make_client
from bot.slack_http import ConnectionPool, KeepAliveWebClient
from slack_emulator import SlackEmulator

TEAM = "T1"


# Both ways chat.postMessage goes: through slack_sdk (a client that waits out 429s, as the
# app's) and straight over the transport (a client with no retry handler, as the scheduler's).
LEAN = pytest.mark.parametrize("lean", [False, True], ids=["sdk", "lean"])


def outbound(
    emulator: SlackEmulator, pool: ConnectionPool, *, timeout: float = 5, lean: bool = False
) -> Outbound:
    client = make_client(
        emulator.token(TEAM),
        base_url=emulator.base_url,
        timeout=timeout,
        rate_limit_retries=0 if lean else 3,
    )
    assert isinstance(client, KeepAliveWebClient) and client.lean == lean
    client.pool = pool  # a pool of the test's own, so counts start at zero
    return Outbound(client, team_id=TEAM)


def texts(emulator: SlackEmulator) -> list[str]:
    """What the emulator stored in the app's DMs, oldest first (whatever it answered)."""
    channels = {c.response.get("channel") for c in emulator.calls_to("chat.postMessage", True)}
    stored = [m for c in sorted(str(c) for c in channels) for m in emulator.messages(c)]
    return [str(m.get("text")) for m in sorted(stored, key=lambda m: float(m["ts"]))]


@LEAN
def test_one_connection_carries_many_calls(emulator: SlackEmulator, lean: bool) -> None:
    pool = ConnectionPool()
    slack = outbound(emulator, pool, lean=lean)
    for n in range(20):
        slack.post("U1", f"hello {n}", [])
    slack.user_info("U1")
    assert emulator.connections == 1
    assert pool.opened == 1
    assert texts(emulator) == [f"hello {n}" for n in range(20)]


@LEAN
def test_a_connection_the_server_closed_is_not_used_and_nothing_is_lost(
    emulator: SlackEmulator,
    lean: bool,
) -> None:
    pool = ConnectionPool()
    slack = outbound(emulator, pool, lean=lean)
    slack.post("U1", "before", [])
    assert emulator.close_idle_connections() == 1
    # The client finds it closed before writing anything, and opens another.
    slack.post("U1", "after", [])
    assert texts(emulator) == ["before", "after"]
    assert emulator.connections == 2


def test_a_connection_idle_too_long_is_not_reused(emulator: SlackEmulator) -> None:
    pool = ConnectionPool(idle_seconds=0.0)
    slack = outbound(emulator, pool)
    slack.post("U1", "one", [])
    time.sleep(0.01)  # real time: the pool's idle limit is on the monotonic clock
    slack.post("U1", "two", [])
    assert emulator.connections == 2
    assert texts(emulator) == ["one", "two"]


@LEAN
def test_a_dropped_kept_alive_connection_never_sends_a_second_copy(
    emulator: SlackEmulator,
    lean: bool,
) -> None:
    pool = ConnectionPool()
    slack = outbound(emulator, pool, lean=lean)
    slack.post("U1", "warm up", [])
    # Slack stores the message, then the reused connection is cut before any answer.
    emulator.store_then_drop("chat.postMessage")
    with pytest.raises(SlackFailure) as failed:
        slack.post("U1", "stored, then dropped", [])
    assert failed.value.kind == "unavailable"
    assert failed.value.maybe_done  # the caller must look before sending it again
    assert texts(emulator) == ["warm up", "stored, then dropped"]
    assert len(emulator.calls_to("chat.postMessage")) == 2  # no resend on a new connection
    slack.post("U1", "next", [])  # the broken connection was thrown away
    assert texts(emulator)[-1] == "next"
    assert emulator.connections == 2


@LEAN
def test_a_5xx_after_storing_is_not_resent_and_the_connection_stays(
    emulator: SlackEmulator,
    lean: bool,
) -> None:
    pool = ConnectionPool()
    slack = outbound(emulator, pool, lean=lean)
    emulator.store_then_fail("chat.postMessage", status=500)
    with pytest.raises(SlackFailure) as failed:
        slack.post("U1", "stored, then 500", [])
    assert failed.value.kind == "unavailable" and failed.value.maybe_done
    assert len(emulator.calls_to("chat.postMessage")) == 1
    slack.post("U1", "next", [])
    assert emulator.connections == 1  # an error status is a complete answer


def test_429_still_carries_retry_after(emulator: SlackEmulator) -> None:
    slack = outbound(emulator, ConnectionPool(), lean=True)  # a 429 comes straight back
    emulator.rate_limit("chat.postMessage", retry_after=7)
    with pytest.raises(SlackFailure) as failed:
        slack.post("U1", "limited", [])
    assert failed.value.kind == "rate_limited"
    assert failed.value.retry_after == 7.0
    assert texts(emulator) == []


@LEAN
def test_a_timeout_is_unavailable_maybe_done_and_not_resent(
    emulator: SlackEmulator, lean: bool
) -> None:
    pool = ConnectionPool()
    slack = outbound(emulator, pool, timeout=1, lean=lean)
    slack.post("U1", "warm up", [])
    emulator.latency = 2.0
    started = time.monotonic()
    with pytest.raises(SlackFailure) as failed:
        slack.post("U1", "too slow", [])
    assert time.monotonic() - started < 1.9
    assert failed.value.kind == "unavailable" and failed.value.maybe_done
    emulator.wait_idle(timeout=5)
    emulator.latency = 0.0
    # The late answer is never read as the next call's: that connection is gone.
    slack.post("U1", "next", [])
    assert texts(emulator) == ["warm up", "too slow", "next"]
    assert emulator.connections == 2


def test_no_connection_at_all_is_not_sent(emulator: SlackEmulator) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = make_client(
        "xoxb-none", base_url=f"http://127.0.0.1:{port}/api/", timeout=2, rate_limit_retries=0
    )
    assert isinstance(client, KeepAliveWebClient)
    client.pool = ConnectionPool()
    with pytest.raises(SlackFailure) as failed:
        Outbound(client, team_id=TEAM).post("U1", "nowhere", [])
    assert failed.value.kind == "unavailable"
    assert not failed.value.maybe_done  # refused before any byte was written


@LEAN
def test_threads_each_use_a_connection_of_their_own_at_a_time(
    emulator: SlackEmulator, lean: bool
) -> None:
    pool = ConnectionPool()
    slack = outbound(emulator, pool, lean=lean)
    emulator.latency = 0.02  # so the threads overlap
    errors: list[BaseException] = []

    def send(worker: int) -> None:
        try:
            for n in range(10):
                assert slack.post("U1", f"{worker}-{n}", []).ts
                assert slack.user_info("U1")["id"] == "U1"
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=send, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(texts(emulator)) == sorted(f"{w}-{n}" for w in range(8) for n in range(10))
    # At most one connection per thread in flight; every answer matched its own request.
    assert emulator.connections <= 8
    assert pool.opened == emulator.connections


def serve_once(answers: list[bytes]) -> tuple[str, list[bytes], threading.Thread]:
    """A raw server on 127.0.0.1 that reads one request per answer on one connection and
    writes the answer as given (for what the emulator never sends: chunks, 1xx, close)."""
    listener = socket.create_server(("127.0.0.1", 0))
    seen: list[bytes] = []

    def run() -> None:
        connection, _ = listener.accept()
        with connection, listener:
            reader = connection.makefile("rb")
            for answer in answers:
                head = b""
                while not head.endswith(b"\r\n\r\n"):
                    head += reader.readline()
                length = next(
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length")
                )
                seen.append(head + reader.read(length))
                connection.sendall(answer)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{listener.getsockname()[1]}/api/", seen, thread


def test_chunked_and_interim_answers_are_read_whole() -> None:
    body = b'{"ok": true, "channel": "D1", "ts": "1.000001"}'
    chunked = (
        b"HTTP/1.1 100 Continue\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
        + f"{10:x}\r\n".encode() + body[:10] + b"\r\n"
        + f"{len(body) - 10:x};ext=1\r\n".encode() + body[10:] + b"\r\n0\r\n\r\n"
    )  # fmt: skip
    closing = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )
    url, seen, thread = serve_once([chunked, closing])
    client = make_client("xoxb-raw", base_url=url, timeout=5)
    assert isinstance(client, KeepAliveWebClient)
    pool = client.pool = ConnectionPool()
    slack = Outbound(client, team_id=TEAM)
    assert slack.post("U1", "one", []).ts == "1.000001"
    assert slack.post("U1", "two", []).channel == "D1"  # the same connection, kept alive
    thread.join(timeout=5)
    assert len(seen) == 2 and seen[0].startswith(b"POST /api/chat.postMessage HTTP/1.1\r\n")
    assert b"Authorization: Bearer xoxb-raw" in seen[0]
    assert pool.opened == 1
    # "Connection: close" was honoured: nothing is left to reuse.
    assert sum(len(stack) for stack in pool._idle.values()) == 0


def test_an_encoded_value_goes_into_the_body_as_it_is():
    """A body with pre-encoded blocks is byte for byte the JSON of the same body with the
    blocks as values (non-ASCII, quotes and nesting included), and one without is plain."""
    import json

    from bot.slack_http import Encoded, encode_body

    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": 'Ünï "q" \\ <@U1>'}}]
    body = {"channel": "U1", "text": "Wëek 2", "blocks": Encoded.of(blocks), "unfurl_links": False}
    plain = {**body, "blocks": blocks}
    assert encode_body(body) == json.dumps(plain).encode("utf-8")
    assert json.loads(encode_body(body)) == plain
    assert encode_body(plain) == json.dumps(plain).encode("utf-8")
    assert Encoded.of(blocks).decoded() == blocks


@LEAN
def test_encoded_blocks_post_the_same_either_way(emulator: SlackEmulator, lean: bool) -> None:
    from bot.slack_http import Encoded

    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "Wëek *2*"}}]
    slack = outbound(emulator, ConnectionPool(), lean=lean)
    slack.post("U1", "week 2", Encoded.of(blocks))
    [call] = emulator.calls_to("chat.postMessage", True)
    assert call.params["blocks"] == blocks
