"""The scheduler: one pipeline for every scheduled message, exactly once.

`due` decides what is due (pure functions), `plan` turns enrollments and workspaces whose
next item has come into queue items, `pipeline` claims, sends, records and recovers them,
`kinds` says which service renders each kind, and `service` runs a pass every minute with
APScheduler. APScheduler is only the clock; the database is the truth.
"""
