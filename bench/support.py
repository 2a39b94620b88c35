"""What several benchmarks share: the machine line, a PostgreSQL server, process CPU and memory.

Not a benchmark itself. A PostgreSQL server comes from TEST_DATABASE_URL when it is set
(`scripts/with-postgres .venv/bin/python -m bench.ticks`), else from a throwaway cluster that
`scripts/with-postgres` starts for the duration of the `with` block and deletes afterwards.
"""

from __future__ import annotations

import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

ROOT = Path(__file__).resolve().parent.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def machine(*databases: str) -> str:
    """One line: architecture, cores, Python and the databases a benchmark ran on."""
    line = (
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    return f"{line}; {', '.join(databases)}" if databases else line


def sqlite_version() -> str:
    """SQLite and its library version."""
    return f"SQLite {sqlite3.sqlite_version}"


def postgres_version(url: str) -> str:
    """PostgreSQL and its server version."""
    engine = create_engine(make_url(url))
    try:
        with engine.connect() as connection:
            version = connection.execute(text("SHOW server_version")).scalar_one()
    finally:
        engine.dispose()
    return f"PostgreSQL {str(version).split()[0]}"


def postgres_installed() -> bool:
    """True when PostgreSQL's server programs are on this machine."""
    return bool(shutil.which("pg_ctl") or Path("/usr/lib/postgresql").is_dir())


@contextmanager
def postgres_server() -> Iterator[str | None]:
    """A PostgreSQL server URL (superuser), or None when there is none to be had."""
    given = os.environ.get("TEST_DATABASE_URL")
    if given:
        yield given
        return
    if not postgres_installed():
        yield None
        return
    # scripts/with-postgres runs `cat` until our end of its stdin closes, then deletes the
    # cluster; so even a benchmark killed with SIGKILL leaves nothing behind.
    process = subprocess.Popen(
        [str(ROOT / "scripts" / "with-postgres"), "sh", "-c", 'echo "$TEST_DATABASE_URL"; cat'],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        url = process.stdout.readline().strip()
        yield url or None
    finally:
        process.stdin.close()
        process.wait(timeout=60)


@contextmanager
def fresh_database(server_url: str, name: str) -> Iterator[str]:
    """A new, empty database on `server_url`'s server, dropped afterwards; yields its URL."""
    database = f"{name}_{os.getpid()}"
    admin = create_engine(make_url(server_url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}"'))
            connection.execute(text(f'CREATE DATABASE "{database}"'))
        try:
            yield make_url(server_url).set(database=database).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
    finally:
        admin.dispose()


def timed_ms(fn: Callable[[], object], runs: int, *, warmup: int = 3) -> list[float]:
    """Wall time of each of `runs` calls (after `warmup` untimed ones), in ms."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return times


def median(values: list[float]) -> float:
    """The median."""
    return statistics.median(values)


def p90(values: list[float]) -> float:
    """The 90th percentile."""
    return statistics.quantiles(values, n=10)[-1] if len(values) > 1 else values[0]


def cpu_seconds(pid: int | str = "self") -> float:
    """User + system CPU a process has used so far (from /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def memory_mib(pid: int | str = "self") -> dict[str, float]:
    """VmRSS (now) and VmHWM (peak) of a process, in MiB, read from /proc/<pid>/status."""
    found: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0]) / 1024
    return {"rss": found["VmRSS"], "peak": found["VmHWM"]}
