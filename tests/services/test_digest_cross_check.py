"""bench.digest's cross-check on a small data set: the digest the scheduler renders from SQL
(text, blocks and the chart's data) equals the one counted row by row in Python, the
benchmark's baseline. Run here so the benchmark cannot drift from the product unnoticed: it
did once, when the digest gained its chart and the baseline did not."""

from __future__ import annotations

from functools import partial

from bench import digest as bench_digest
from bot.clock import MovableClock
from bot.programs import load_programs
from bot.services import Services
from storage.db import Database


def test_the_sql_digest_matches_the_row_by_row_count_chart_included(database_url):
    db = Database(database_url)
    try:
        bench_digest.load(db, 4_000)
        services = Services(db=db, programs=load_programs(), clock=MovableClock(bench_digest.NOW))
        mine, theirs = bench_digest.ours(services), bench_digest.naive(services)
        assert mine is not None and theirs is not None
        assert "members" in mine.text and len(mine.blocks) > 3
        assert isinstance(mine.picture, partial) and mine.picture.args[0]  # a chart, with data
        assert bench_digest.comparable(mine) == bench_digest.comparable(theirs)
    finally:
        db.dispose()
