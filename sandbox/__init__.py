"""Offline mode: the bot, the Slack emulator and a sandbox page that plays Slack, on 127.0.0.1.

Depends on `bot/` and `slack_emulator/`; nothing in `bot/`, `handlers/` or `storage/`
imports it.
"""
