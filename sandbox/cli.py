"""The `transition-coach` console script: the bot's CLI, with the offline mode plugged in.

`bot.cli` knows nothing of the emulator or the sandbox page; this module hands it the
offline mode (run against the local emulator when no Slack settings are set) and the
offline-only `send` command.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from bot import cli
from bot.config import ConfigError, Settings
from bot.shutdown import StopRequest

# How long `send` waits for the replies a command posts after its acknowledgement.
SEND_WAIT_SECONDS = 5.0


class SandboxOffline:
    """The offline mode: the bot, the Slack emulator and the sandbox page on 127.0.0.1."""

    def add_commands(self, sub: Any) -> None:
        """`send`: type a slash command as a demo member of the running offline bot."""
        send = sub.add_parser("send", help="Send a slash command to a bot running offline.")
        send.add_argument("text", help='e.g. "/transition log We chose X over Y"')
        send.add_argument("--user", default="U0ALEX", help="demo member to act as (default U0ALEX)")

    def run(self, settings: Settings, stop: StopRequest) -> None:
        """Run offline until stopped."""
        from sandbox.offline import emulator_latency, run_offline

        try:
            latency = emulator_latency(os.environ)
        except ConfigError as error:
            print(f"transition-coach: {error}", file=sys.stderr)
            raise SystemExit(2) from None
        run_offline(settings, stop=stop, latency=latency)

    def tick_settings(self, settings: Settings) -> Settings:
        """Point a one-off pass at the running offline bot's emulator and demo token."""
        from sandbox.offline import OFFLINE_BOT_TOKEN

        return replace(
            settings,
            bot_token=OFFLINE_BOT_TOKEN,
            slack_api_url=f"http://127.0.0.1:{settings.port + 1}/api/",
        )

    def command(self, args: argparse.Namespace, settings: Settings) -> int | None:
        """Run `send`; None for any other command."""
        if args.command != "send":
            return None
        return send(settings, args.text, args.user)


def send(settings: Settings, text: str, user: str) -> int:
    """Type `text` in #transition as `user`, through the running sandbox, and print the reply.

    Going through the sandbox page's API means the command is sent exactly as the page
    sends it: with a trigger id and a response_url the running emulator issued.
    """
    text = text.strip()
    if not text.startswith("/"):
        text = f"/transition {text}"
    url = f"http://127.0.0.1:{settings.port + 2}/api/command"
    body = json.dumps({"user": user, "text": text, "wait": SEND_WAIT_SECONDS}).encode()
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=SEND_WAIT_SECONDS + 10) as response:
            answer = json.loads(response.read())
    except urllib.error.HTTPError as error:
        problem = json.loads(error.read() or b"{}").get("error") or f"HTTP {error.code}"
        print(f"The sandbox refused the command: {problem}")
        return 1
    except OSError as error:
        print(f"No offline bot answers on port {settings.port} ({error}). Start it: scripts/run")
        return 1
    shown = answer.get("shown") or []
    if answer.get("status") != 200:
        print(f"The bot answered HTTP {answer.get('status')}")
        return 1
    try:
        for message in shown:
            print(as_text(message))
        if not shown:
            print("(acknowledged; a modal or message was opened in the sandbox page)")
        sys.stdout.flush()
    except BrokenPipeError:  # `send ... | head` stopped reading: what it read is enough
        # Python flushes stdout once more on its way out; point it at /dev/null first.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def as_text(message: dict[str, Any]) -> str:
    """A terminal rendering of a Block Kit message: the text of each block, in order."""
    lines: list[str] = []
    for block in message.get("blocks", []):
        if "text" in block and isinstance(block["text"], dict):
            lines.append(block["text"]["text"])
        for element in block.get("elements", []):
            if isinstance(element.get("text"), str):
                lines.append(element["text"])
            elif isinstance(element.get("text"), dict):
                lines.append(f"[{element['text']['text']}]")
    return "\n".join(lines) or str(message.get("text", "")) or json.dumps(message)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `transition-coach` command."""
    return cli.main(argv, offline=SandboxOffline())


if __name__ == "__main__":
    sys.exit(main())
