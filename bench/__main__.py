"""Every benchmark, then the README's figures rewritten from what they printed.

`.venv/bin/python -m bench [--only latency,memory] [--no-readme]`

Runs each benchmark in its own process (the digest one also on PostgreSQL through
scripts/with-postgres when PostgreSQL is installed; ticks and fanout start a throwaway
PostgreSQL of their own), prints their output, and replaces the part of README.md between
the bench-output markers with it, so the figures there are always a real run's, with the
date and machine. With --only, the other benchmarks' figures are kept from the README as
they were, and the header says which ones this run measured.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
START, END = "<!-- bench-output:start -->", "<!-- bench-output:end -->"

# name -> (what it measures, command)
BENCHES: dict[str, tuple[str, list[str]]] = {
    "latency": (
        "`/transition log` over HTTP at 1, 10 and 50 clients, load from another process",
        ["-m", "bench.latency"],
    ),
    "memory": (
        "resident memory of the running bot, read from outside it, with 1,000,000 enrollments",
        ["-m", "bench.memory"],
    ),
    "ticks": (
        "a scheduler pass with nothing due, and a prompt-hour claim of 500, at 100,000 and "
        "1,000,000 enrollments",
        ["-m", "bench.ticks"],
    ),
    "fanout": (
        "scheduler fan-out: 10,000 prompts over 100 workspaces at 150 ms Slack latency; two "
        "instances",
        ["-m", "bench.fanout"],
    ),
    "digest": ("team digest over 1,000,000 entries", ["-m", "bench.digest"]),
}


def run(name: str) -> str:
    """Run one benchmark and return what it printed (stdout)."""
    command = [sys.executable, *BENCHES[name][1]]
    postgres_installed = shutil.which("pg_ctl") or Path("/usr/lib/postgresql").is_dir()
    if name == "digest" and postgres_installed:  # SQLite and, in the same run, PostgreSQL
        command = [str(ROOT / "scripts" / "with-postgres"), *command]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"bench {name} failed:\n{result.stderr[-2000:]}")
    return result.stdout.strip()


def earlier_outputs(text: str) -> dict[str, str]:
    """Each benchmark's output as the README shows it now (name -> output)."""
    found = re.findall(r"\(`python -m bench\.(\w+)`\)\n\n```\n(.*?)\n```", text, re.DOTALL)
    return dict(found)


def section(outputs: dict[str, str], kept: dict[str, str]) -> str:
    """The README text between the markers: this run's outputs, and `kept` ones (from an
    earlier run) for the benchmarks not run this time."""
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    cores = os.cpu_count()
    kept = {name: out for name, out in kept.items() if name in BENCHES and name not in outputs}
    which = f" ({', '.join(outputs)}; the others from an earlier run)" if kept else ""
    lines = [
        START,
        f"Latest run{which}: {when}, {platform.machine()}, {cores} cores, Python "
        f"{platform.python_version()} (`.venv/bin/python -m bench` rewrites this part).",
        "",
    ]
    every = {**kept, **outputs}
    for name in (n for n in BENCHES if n in every):
        lines += [
            f"**{BENCHES[name][0]}** (`python -m bench.{name}`)",
            "",
            "```",
            every[name],
            "```",
            "",
        ]
    lines.append(END)
    return "\n".join(lines)


def main() -> None:
    """Run the benchmarks and refresh the README."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(BENCHES), help="comma-separated names")
    parser.add_argument("--no-readme", action="store_true", help="print only")
    args = parser.parse_args()
    outputs = {}
    for name in args.only.split(","):
        print(f"== {name}", flush=True)
        outputs[name] = run(name)
        print(outputs[name], flush=True)
    if args.no_readme:
        return
    text = README.read_text()
    if START not in text or END not in text:
        raise SystemExit(f"README.md has no {START} ... {END} markers")
    head, rest = text.split(START, 1)
    block, tail = rest.split(END, 1)
    README.write_text(head + section(outputs, earlier_outputs(block)) + tail)
    print("README.md figures updated", flush=True)


if __name__ == "__main__":
    main()
