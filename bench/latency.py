"""Slash-command latency and server CPU over HTTP: `.venv/bin/python -m bench.latency [--help]`.

Two servers, each in a subprocess of its own, each `bot.server.serve` (the edge and Bolt
behind Starlette under uvicorn, as `transition-coach run` serves HTTP mode):
  - bare: a Bolt app whose /transition listener only acknowledges, with
    process_before_response=True like ours (with False, Bolt polls for the ack every 10 ms
    and the baseline would carry a floor ours does not);
  - ours: the real app (`create_app`), on a SQLite file (or, with `--database postgres`, a
    database on a throwaway PostgreSQL server), logging at INFO as in production,
    every request a `/transition log <text>` by an enrolled member: the edge, Bolt, our
    middleware, the participant read, the INSERT, the confirmation's Block Kit.
The Slack emulator (only asked for auth.test once) runs in this, the orchestrating, process.
Both servers are up for the whole run, and each level is split into rounds that alternate
between them (bare, ours, ours, bare, ...), so a slow spell of a shared machine falls on
both rather than on whichever ran second.

The load comes from another process (multiprocessing, spawn): one keep-alive connection per
client, closed loop (a client sends its next request when its answer is in). Every request
is pre-signed before the clock starts, with a trigger id of its own, so each one is a real
write and never a replay, and its signature timestamp is seconds old, inside Slack's 5 minutes.
Every answer is checked (200 and "Saved as a decision (week N)" for ours), and afterwards the entry
table must hold exactly one row per request sent.

Why a Python process and not `wrk`: the load generator is a single-threaded selectors loop
over raw sockets sending bytes prepared in advance, so it costs under 0.1 ms of CPU per
request (it prints its own figure; under 10% of the second core at these rates, the server
being one process bound to one core by the GIL) and timestamps each answer as it arrives.
A threaded http.client generator would cost several times that and, worse, add its own GIL
hand-offs (up to sys.getswitchinterval() = 5 ms) to the latencies it reports; wrk is leaner
still but is a system package a fresh machine lacks, and checking every answer's body would
need a Lua callback per response. This way the bench needs nothing beyond the project's .venv.

Server CPU per request is read from outside: utime + stime of /proc/<server pid>/stat (every
thread of the server process) just before the first request and just after the last answer,
divided by the requests answered. Clock ticks are 10 ms, so each level runs a few seconds.

Figures and ratios come from the same run on the same machine; the machine line says which.
Not part of pytest.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import logging
import multiprocessing
import os
import platform
import selectors
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.support import fresh_database, postgres_server, postgres_version

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-signing-secret"
TEAM = "T1"
TEXT = "log We picked the annual plan because three enterprise customers asked for it"
# (clients, requests) per level and server: enough requests that each level runs seconds,
# so the 10 ms CPU clock ticks and the p99 (the 1% slowest: 9 to 36 samples) mean something.
LEVELS = ((1, 900), (10, 2400), (50, 3600))
ROUNDS = 3
WARMUP = (10, 300)
POLLING = (1, 300)  # the reference line: bare Bolt with process_before_response=False
MEMBERS = 50  # enrolled members the requests rotate over
# The targets, checked on every run.
TARGET_CPU_MS = 1.3
TARGET_P50_RATIO_AT_10 = 1.3
TARGET_P99_MS_AT_50 = 150.0


# -- the servers (each runs in its own subprocess: `python -m bench.latency serve ...`) -------


def bare_app(token: str, api_url: str, *, process_before_response: bool = True) -> Any:
    """The baseline: a Bolt app whose /transition listener only acknowledges."""
    from slack_bolt import App

    from bot.app import make_client
    from bot.config import Settings

    settings = Settings(bot_token=token, signing_secret=SECRET, slack_api_url=api_url)
    # True: the same fair footing as ours (bot/app.py), Bolt answers when the listener
    # returns. False only for the reference line showing the 10 ms ack polling it avoids.
    app = App(
        signing_secret=SECRET,
        client=make_client(settings),
        process_before_response=process_before_response,
    )

    @app.command("/transition")
    def ack_only(ack: Any) -> None:
        ack(text="ok")

    return app


def serve(which: str, *, port: int, database_url: str, token: str, api_url: str) -> None:
    """Serve one app on 127.0.0.1:`port` until SIGTERM (runs in the server subprocess)."""
    from bot.app import create_app
    from bot.config import Settings
    from bot.server import serve as serve_http

    # As `transition-coach run` configures it (bot/cli.py): one INFO line per request.
    logging.basicConfig(
        level="INFO", format="%(asctime)s %(levelname)s %(name)s %(message)s", stream=sys.stderr
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if which in ("bare", "polling"):
        app = bare_app(token, api_url, process_before_response=which == "bare")
    else:
        settings = Settings(
            bot_token=token,
            signing_secret=SECRET,
            database_url=database_url,
            slack_api_url=api_url,
        )
        app = create_app(settings)
    serve_http(app, host="127.0.0.1", port=port)


# -- the load (runs in the load-generator process) --------------------------------------------


def steal_ticks() -> tuple[int, int]:
    """(stolen, total) CPU ticks of this machine so far, from /proc/stat: on a virtual
    machine, time the host gave to someone else while we were ready to run."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return fields[7], sum(fields[:8])


def server_cpu_seconds(pid: int) -> float:
    """utime + stime of process `pid`, all its threads, from /proc/<pid>/stat."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()  # the command name may hold spaces
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def signed_requests(port: int, count: int, run: str) -> list[bytes]:
    """`count` distinct signed `/transition log` requests (trigger ids `run`.0, .1, ...)."""
    from slack_emulator.slack_requests import SlackSender, signature

    sender = SlackSender(f"http://127.0.0.1:{port}/slack/events", SECRET, team_id=TEAM)
    timestamp = str(int(time.time()))
    out = []
    for n in range(count):
        fields = sender.command_fields(
            TEXT, user_id=f"U{n % MEMBERS:03d}", trigger_id=f"{run}.{n}.bench"
        )
        body = urllib.parse.urlencode(fields)
        head = (
            f"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n"
            f"X-Slack-Request-Timestamp: {timestamp}\r\n"
            f"X-Slack-Signature: {signature(SECRET, timestamp, body)}\r\n\r\n"
        )
        out.append((head + body).encode())
    return out


@dataclass
class Level:
    """What one level of load measured."""

    clients: int
    requests: int
    latencies: list[float]  # seconds, one per request
    wall: float
    cpu: float  # server CPU seconds over the level
    failures: list[str]
    load_cpu: float = 0.0  # the load generator's own CPU seconds

    def p(self, q: float) -> float:
        """The q-quantile of the latencies, in ms (nearest rank)."""
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))] * 1000

    @property
    def rps(self) -> float:
        """Requests answered per second."""
        return len(self.latencies) / self.wall

    @property
    def cpu_ms(self) -> float:
        """Server CPU per request, ms."""
        return self.cpu / len(self.latencies) * 1000


class _Client:
    """One keep-alive connection: sends a request, reads its answer, records the time."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = bytearray()
        self.sent_at = 0.0

    def send(self, request: bytes) -> None:
        self.buffer.clear()
        self.sent_at = time.perf_counter()
        self.sock.sendall(request)  # under 1 kB into an empty loopback buffer: never waits

    def answer(self) -> tuple[int, bytes] | None:
        """(status, body) once the whole answer is in, else None (read more)."""
        head_end = self.buffer.find(b"\r\n\r\n")
        if head_end < 0:
            return None
        head = bytes(self.buffer[:head_end]).decode("latin-1").split("\r\n")
        length = None
        for line in head[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        if length is None:
            raise RuntimeError(f"an answer without Content-Length: {head[0]}")
        if len(self.buffer) < head_end + 4 + length:
            return None
        return int(head[0].split()[1]), bytes(self.buffer[head_end + 4 : head_end + 4 + length])


def drive(
    port: int, server_pid: int, clients: int, count: int, run: str, expect: list[bytes]
) -> Level:
    """Send `count` requests over `clients` connections; runs in the load process."""
    requests = signed_requests(port, count, run)
    selector = selectors.DefaultSelector()
    conns = [_Client(port) for _ in range(min(clients, count))]
    latencies: list[float] = []
    failures: list[str] = []
    sent = 0
    cpu_before = server_cpu_seconds(server_pid)
    own_before = time.process_time()
    started = time.perf_counter()
    for conn in conns:
        selector.register(conn.sock, selectors.EVENT_READ, conn)
        conn.send(requests[sent])
        sent += 1
    while len(latencies) + len(failures) < count:
        for key, _ in selector.select(timeout=30):
            conn = key.data
            chunk = conn.sock.recv(65536)
            if not chunk:
                raise RuntimeError("the server closed a keep-alive connection")
            conn.buffer += chunk
            answer = conn.answer()
            if answer is None:
                continue
            latencies.append(time.perf_counter() - conn.sent_at)
            status, body = answer
            if status != 200 or not all(marker in body for marker in expect):
                failures.append(f"HTTP {status}: {body[:300]!r}")
            if sent < count:
                conn.send(requests[sent])
                sent += 1
    wall = time.perf_counter() - started
    cpu = server_cpu_seconds(server_pid) - cpu_before
    own = time.process_time() - own_before
    for conn in conns:
        conn.sock.close()
    return Level(clients, count, latencies, wall, cpu, failures, own)


# -- orchestration ----------------------------------------------------------------------------


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    """Return once the server answers /healthz; fail with its log if it dies first."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the bench server exited:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise SystemExit("the bench server did not start within 60 s")


def prepare_database(url: str) -> None:
    """Migrate, and enroll the members the requests come from (so each gets a week)."""
    from bot.clock import SystemClock
    from bot.programs import load_programs
    from bot.services import Services
    from bot.services.enrollment import join
    from storage.db import Database

    db = Database(url)
    db.migrate()
    services = Services(db=db, programs=load_programs(), clock=SystemClock())
    start = datetime.now(UTC).date() - timedelta(days=14)
    for n in range(MEMBERS):
        join(
            services,
            team_id=TEAM,
            user_id=f"U{n:03d}",
            program_id="product-engineer",
            background="backend",
            start_date=start,
            timezone="Europe/Berlin",
        )
    db.dispose()


def count_entries(url: str) -> int:
    """Rows in the entry table (each request must have written exactly one)."""
    from sqlalchemy import func, select

    from storage.db import Database
    from storage.models import Entry

    db = Database(url)
    with db.engine.connect() as connection:
        n = connection.execute(select(func.count()).select_from(Entry)).scalar_one()
    db.dispose()
    return int(n)


class BenchServer:
    """One server in its own subprocess (`python -m bench.latency serve <which>`)."""

    def __init__(
        self, which: str, *, token: str, api_url: str, tmp: Path, url: str | None = None
    ) -> None:
        self.which = which
        self.url = url or f"sqlite:///{tmp / f'{which}.db'}"
        if which == "ours":
            prepare_database(self.url)
        self.port = free_port()
        self.log = tmp / f"{which}.log"
        command = [sys.executable, "-m", "bench.latency", "serve", which, "--port", str(self.port)]
        command += ["--database-url", self.url, "--token", token, "--api-url", api_url]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        with self.log.open("wb") as log_file:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log_file, stderr=log_file
            )
        self.expect = [b'"text": "Saved as a decision', b"(week "] if which == "ours" else [b"ok"]
        self.sent = 0
        self.failures: list[str] = []
        self._runs = 0

    def run(self, load: ProcessPoolExecutor, clients: int, count: int) -> Level:
        """One batch of `count` distinct requests over `clients` connections."""
        self._runs += 1
        args = (self.port, self.process.pid, clients, count, f"{self.which}-{self._runs}")
        level = load.submit(drive, *args, self.expect).result()
        self.sent += level.requests
        self.failures += level.failures
        return level

    def stop(self) -> None:
        """SIGTERM, as a process manager stops the bot; then check what it logged."""
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def check(self) -> None:
        """Every answer right, no error logged, and (ours) one entry per request."""
        if self.failures:
            raise SystemExit(f"{self.which}: {len(self.failures)} bad answers: {self.failures[0]}")
        errors = [line for line in self.log.read_text().splitlines() if " ERROR " in line]
        if errors:
            raise SystemExit(f"{self.which}: the server logged errors, e.g. {errors[0]}")
        if self.which == "ours" and (stored := count_entries(self.url)) != self.sent:
            raise SystemExit(f"ours: {self.sent} requests answered but {stored} entries stored")


def merge(parts: list[Level]) -> Level:
    """Several rounds of one level as one: every latency, the summed time and CPU."""
    return Level(
        clients=parts[0].clients,
        requests=sum(p.requests for p in parts),
        latencies=[x for p in parts for x in p.latencies],
        wall=sum(p.wall for p in parts),
        cpu=sum(p.cpu for p in parts),
        failures=[f for p in parts for f in p.failures],
        load_cpu=sum(p.load_cpu for p in parts),
    )


def measure(
    load: ProcessPoolExecutor,
    *,
    token: str,
    api_url: str,
    tmp: Path,
    levels: tuple[tuple[int, int], ...],
    rounds: int,
    ours_url: str | None = None,
) -> tuple[list[Level], list[Level], Level]:
    """Both servers up at once; each level in `rounds` rounds that alternate between them
    (bare, ours, then ours, bare, ...), so a slow spell of a shared machine falls on both
    and not on whichever ran second. Then, for reference, bare Bolt with its ack polling."""
    servers = [
        BenchServer("bare", token=token, api_url=api_url, tmp=tmp),
        BenchServer("ours", token=token, api_url=api_url, tmp=tmp, url=ours_url),
    ]
    polling = BenchServer("polling", token=token, api_url=api_url, tmp=tmp)
    try:
        for server in [*servers, polling]:
            wait_healthy(server.port, server.process, server.log)
            server.run(load, *WARMUP)
        results: dict[str, list[Level]] = {"bare": [], "ours": []}
        for clients, count in levels:
            parts: dict[str, list[Level]] = {"bare": [], "ours": []}
            for n in range(rounds):
                for server in servers if n % 2 == 0 else servers[::-1]:
                    parts[server.which].append(server.run(load, clients, count // rounds))
            for which, batch in parts.items():
                results[which].append(merge(batch))
        polled = polling.run(load, *POLLING)
    finally:
        for server in [*servers, polling]:
            server.stop()
    for server in [*servers, polling]:
        server.check()
    return results["bare"], results["ours"], polled


def machine_line() -> str:
    """The hardware and software the figures come from."""
    import slack_bolt
    import sqlalchemy
    import uvicorn

    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    # uvicorn parses HTTP with httptools when it is installed, else with h11 (pure Python).
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    return (
        f"machine: {platform.machine()}, {os.cpu_count()} cores ({model}), "
        f"Linux {platform.release()}, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, SQLAlchemy {sqlalchemy.__version__}, "
        f"slack_bolt {slack_bolt.version.__version__}, uvicorn {uvicorn.__version__} ({http})"
    )


def report(
    bare: list[Level], ours: list[Level], polled: Level, *, steal: float, database: str
) -> None:
    """Print both servers' figures, the ratios, and the targets."""
    levels = [*bare, *ours]
    load_us = sum(r.load_cpu for r in levels) / sum(r.requests for r in levels) * 1e6
    # Stolen time slows what does run too (shared caches): absolute figures move with it
    # from run to run, the ratios of interleaved rounds much less.
    print(f"{machine_line()}; CPU stolen by the host during the run: {steal:.0%}")
    print(
        "load: a separate process, one keep-alive connection per client, each request a "
        f"distinct signed /transition log; server CPU from /proc/<pid>/stat; {database}; "
        f"load generator {load_us:.0f} µs CPU/request"
    )
    print(
        f"{'server':<12}{'clients':>8}{'requests':>10}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'req/s':>8}{'CPU ms/req':>12}"
    )
    for name, levels in (("bare Bolt", bare), ("ours", ours)):
        for r in levels:
            print(
                f"{name:<12}{r.clients:>8}{r.requests:>10}{r.p(0.5):>9.2f}{r.p(0.99):>9.2f}"
                f"{r.rps:>8.0f}{r.cpu_ms:>12.3f}"
            )
    for b, o in zip(bare, ours, strict=True):
        print(
            f"{'ours / bare':<12}{o.clients:>8}{'':>10}{o.p(0.5) / b.p(0.5):>8.2f}x"
            f"{o.p(0.99) / b.p(0.99):>8.2f}x{o.rps / b.rps:>7.2f}x{o.cpu_ms / b.cpu_ms:>11.2f}x"
        )
    print(
        "for reference, bare Bolt with process_before_response=False (its 10 ms ack polling), "
        f"1 client: p50 {polled.p(0.5):.2f} ms, p99 {polled.p(0.99):.2f} ms"
    )
    by_clients = {o.clients: (b, o) for b, o in zip(bare, ours, strict=True)}
    worst_cpu = max(o.cpu_ms for o in ours)
    checks = [f"CPU/request (worst level) {worst_cpu:.2f} ms <= {TARGET_CPU_MS} ms"]
    passed = [worst_cpu <= TARGET_CPU_MS]
    if 10 in by_clients:
        b, o = by_clients[10]
        ratio = o.p(0.5) / b.p(0.5)
        checks.append(f"p50 at 10 clients x{ratio:.2f} bare <= x{TARGET_P50_RATIO_AT_10}")
        passed.append(ratio <= TARGET_P50_RATIO_AT_10)
    if 50 in by_clients:
        p99 = by_clients[50][1].p(0.99)
        checks.append(f"p99 at 50 clients {p99:.1f} ms < {TARGET_P99_MS_AT_50:.0f} ms")
        passed.append(p99 < TARGET_P99_MS_AT_50)
    verdicts = [f"{c} {'met' if ok else 'NOT MET'}" for c, ok in zip(checks, passed, strict=True)]
    print("targets: " + "; ".join(verdicts))


def main() -> None:
    """Measure both servers under the same load and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="mode")
    server = sub.add_parser("serve", help="(internal) run one bench server")
    server.add_argument("which", choices=("bare", "polling", "ours"))
    server.add_argument("--port", type=int, required=True)
    server.add_argument("--database-url", required=True)
    server.add_argument("--token", required=True)
    server.add_argument("--api-url", required=True)
    parser.add_argument(
        "--levels",
        default=",".join(f"{c}:{n}" for c, n in LEVELS),
        help="clients:requests,... (default %(default)s)",
    )
    parser.add_argument(
        "--rounds", type=int, default=ROUNDS, help="alternating rounds per level (%(default)s)"
    )
    parser.add_argument(
        "--database",
        choices=("sqlite", "postgres"),
        default="sqlite",
        help="what ours stores in: a SQLite file, or a throwaway PostgreSQL (%(default)s)",
    )
    args = parser.parse_args()
    if args.mode == "serve":
        serve(
            args.which,
            port=args.port,
            database_url=args.database_url,
            token=args.token,
            api_url=args.api_url,
        )
        return
    levels = tuple(
        (int(c), int(n)) for c, n in (part.split(":") for part in args.levels.split(","))
    )

    from slack_emulator import SlackEmulator

    emulator = SlackEmulator().start()
    token = emulator.add_workspace(TEAM, name="Bench", domain="bench")
    spawn = multiprocessing.get_context("spawn")
    try:
        with contextlib.ExitStack() as stack:
            ours_url, database = None, "SQLite file"
            if args.database == "postgres":
                server_url = stack.enter_context(postgres_server())
                if server_url is None:
                    raise SystemExit("--database postgres: PostgreSQL is not installed")
                ours_url = stack.enter_context(fresh_database(server_url, "bench_latency"))
                # The server's CPU is the bot's alone: PostgreSQL's own processes are not in it.
                database = f"{postgres_version(ours_url)} on 127.0.0.1 (its CPU not counted)"
            tmp = stack.enter_context(tempfile.TemporaryDirectory())
            load = stack.enter_context(ProcessPoolExecutor(max_workers=1, mp_context=spawn))
            stolen_before, total_before = steal_ticks()
            bare, ours, polled = measure(
                load,
                token=token,
                api_url=emulator.base_url,
                tmp=Path(tmp),
                levels=levels,
                rounds=args.rounds,
                ours_url=ours_url,
            )
            stolen, total = steal_ticks()
    finally:
        emulator.stop()
    steal = (stolen - stolen_before) / max(1, total - total_before)
    report(bare, ours, polled, steal=steal, database=database)


if __name__ == "__main__":
    main()
