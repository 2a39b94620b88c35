"""The emulator's HTTP/1.1 server, spoken to over raw sockets: keep-alive, answers in order,
Connection: close, latency as a timer, garbage refused without stopping the server."""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest

from slack_emulator import SlackEmulator


@pytest.fixture
def emulator():
    emulator = SlackEmulator().start()
    yield emulator
    emulator.stop()


def request(path: str, body: bytes = b"", *, close: bool = False) -> bytes:
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(body)}\r\n"
    if close:
        head += "Connection: close\r\n"
    return head.encode() + b"\r\n" + body


def read_answers(sock: socket.socket, count: int) -> list[tuple[int, dict[str, str], bytes]]:
    """`count` HTTP answers read off the socket (each by its Content-Length)."""
    buffer, answers = b"", []
    while len(answers) < count:
        while b"\r\n\r\n" not in buffer:
            chunk = sock.recv(65536)
            assert chunk, f"the connection closed after {len(answers)} answers"
            buffer += chunk
        head, buffer = buffer.split(b"\r\n\r\n", 1)
        status_line, *lines = head.decode("latin-1").split("\r\n")
        headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines)}
        length = int(headers["content-length"])
        while len(buffer) < length:
            buffer += sock.recv(65536)
        answers.append((int(status_line.split()[1]), headers, buffer[:length]))
        buffer = buffer[length:]
    return answers


def connect(emulator: SlackEmulator) -> socket.socket:
    return socket.create_connection(("127.0.0.1", emulator.port), timeout=5)


def test_requests_sent_together_are_answered_in_order_on_one_connection(emulator):
    with connect(emulator) as sock:
        sock.sendall(b"".join(request(f"/api/api.test?n={n}") for n in range(5)))
        answers = read_answers(sock, 5)
        assert [json.loads(body)["args"]["n"] for _, _, body in answers] == list("01234")
        sock.sendall(request("/api/auth.test"))  # still open: kept alive
        [(status, _, body)] = read_answers(sock, 1)
    assert status == 200 and json.loads(body) == {"ok": False, "error": "not_authed"}
    assert emulator.connections == 1


def test_connection_close_is_honoured(emulator):
    with connect(emulator) as sock:
        sock.sendall(request("/api/api.test", close=True))
        [(status, headers, _)] = read_answers(sock, 1)
        assert status == 200 and headers["connection"] == "close"
        assert sock.recv(1) == b""  # and then closed


def test_a_request_that_is_not_http_is_refused_and_others_are_served(emulator):
    with connect(emulator) as sock:
        sock.sendall(b"\x16\x03\x01 not http at all\r\n\r\n")
        [(status, _, _)] = read_answers(sock, 1)
        assert status == 400
        assert sock.recv(1) == b""
    with connect(emulator) as sock:
        sock.sendall(request("/api/api.test"))
        assert read_answers(sock, 1)[0][0] == 200


def test_latency_delays_each_answer_without_queueing_them():
    emulator = SlackEmulator(latency=0.3).start()
    try:
        answered: list[float] = []

        def one() -> None:
            with connect(emulator) as sock:
                sock.sendall(request("/api/api.test"))
                assert read_answers(sock, 1)[0][0] == 200
                answered.append(time.perf_counter())

        started = time.perf_counter()
        threads = [threading.Thread(target=one) for _ in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        took = [t - started for t in answered]
        assert len(took) == 20
        # Each waited its 0.3 s, all at once: served one after another it would be 6 s.
        assert min(took) >= 0.3 and max(took) < 2.0
        emulator.wait_idle()
    finally:
        emulator.stop()
