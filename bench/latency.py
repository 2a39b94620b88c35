"""Slash-command latency over HTTP: `.venv/bin/python -m bench.latency [--help]`.

Fifty concurrent clients send signed `/transition log <text>` requests to the real app (Bolt
behind Starlette under uvicorn, SQLite file, the Slack emulator on 127.0.0.1). In the same run
the same load goes to a bare Bolt app, served the same way, whose listener only acks: the ratio
of the two is our overhead (parsing, the database write, rendering the confirmation).
Prints p50/p99/mean and requests/second for both. Not part of pytest.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from slack_bolt import App

from bot.app import create_app, make_client
from bot.clock import SystemClock
from bot.config import Settings
from bot.programs import load_programs
from bot.server import EVENTS_PATH, ServerThread
from bot.services import Services
from slack_emulator import SlackEmulator
from slack_emulator.slack_requests import SlackSender
from storage.db import Database

SECRET = "bench-signing-secret"
TEXT = "log We picked the annual plan because three enterprise customers asked for it"


def bare_app(client: Any) -> App:
    """The baseline: a Bolt app whose /transition listener only acknowledges."""
    app = App(signing_secret=SECRET, client=client, process_before_response=False)

    @app.command("/transition")
    def ack_only(ack: Any) -> None:
        ack(text="ok")

    return app


def hammer(url: str, clients: int, requests_per_client: int) -> tuple[list[float], float]:
    """Send the load; returns each request's latency (s) and the wall time."""
    senders = [SlackSender(url, SECRET, team_id="T1") for _ in range(clients)]

    def run(i: int) -> list[float]:
        out = []
        for n in range(requests_per_client):
            response = senders[i].command(TEXT, user_id=f"U{i:03d}", trigger_id=f"{i}.{n}.bench")
            if response.status != 200:
                raise RuntimeError(f"HTTP {response.status}: {response.body[:200]}")
            out.append(response.elapsed)
        return out

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        latencies = [x for chunk in pool.map(run, range(clients)) for x in chunk]
    return latencies, time.perf_counter() - started


def summarise(name: str, latencies: list[float], wall: float) -> dict[str, float]:
    """p50/p99/mean in ms and throughput."""
    ordered = sorted(latencies)
    return {
        "name": name,  # type: ignore[dict-item]
        "p50": ordered[len(ordered) // 2] * 1000,
        "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
        "mean": statistics.fmean(ordered) * 1000,
        "rps": len(ordered) / wall,
    }


def main() -> None:
    """Run both servers under the same load and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=20, help="per client")
    args = parser.parse_args()

    emulator = SlackEmulator().start()
    token = emulator.add_workspace("T1", name="Bench", domain="bench")
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        settings = Settings(
            bot_token=token,
            signing_secret=SECRET,
            database_url=url,
            slack_api_url=emulator.base_url,
        )
        db = Database(url)
        db.migrate()
        services = Services(db=db, programs=load_programs(), clock=SystemClock())
        results = []
        for name, app in (
            ("bare Bolt app (ack only)", bare_app(make_client(settings))),
            ("Transition Coach /transition log", create_app(settings, services=services)),
        ):
            server = ServerThread(app).start()
            try:
                hammer(server.url + EVENTS_PATH, 5, 4)  # warm-up
                latencies, wall = hammer(server.url + EVENTS_PATH, args.clients, args.requests)
            finally:
                server.stop()
            results.append(summarise(name, latencies, wall))
        db.dispose()
    emulator.stop()

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"load: {args.clients} concurrent clients x {args.requests} requests, SQLite file")
    print(f"{'server':<36}{'p50 ms':>9}{'p99 ms':>9}{'mean ms':>9}{'req/s':>9}")
    for r in results:
        print(f"{r['name']:<36}{r['p50']:>9.1f}{r['p99']:>9.1f}{r['mean']:>9.1f}{r['rps']:>9.0f}")
    base, ours = results
    print(
        f"overhead ratio (ours / bare): p50 x{ours['p50'] / base['p50']:.2f}, "
        f"p99 x{ours['p99'] / base['p99']:.2f}, throughput x{ours['rps'] / base['rps']:.2f}"
    )


if __name__ == "__main__":
    main()
