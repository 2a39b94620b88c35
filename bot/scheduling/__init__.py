"""The scheduler: weekly prompts, nudges, digests and completion messages, exactly once.

`due` decides what is due (pure functions), `runner` claims and sends it, `service` runs a
pass every minute with APScheduler. APScheduler is only the clock; the database is the truth.
"""
