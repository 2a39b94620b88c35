"""Two workspaces with interleaved traffic: nothing of one reaches the other."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from sqlmodel import select

from bot.services.enrollment import join
from slack_emulator.slack_requests import typed
from storage.models import Entry
from tests.reliability.ledger import LEDGER

ROUNDS = 15


def test_interleaved_workspaces_never_see_each_other(two_teams):
    t = two_teams
    member = {"T1": "U1", "T2": "V2"}
    for team in ("T1", "T2"):
        join(
            t.services,
            team_id=team,
            user_id=member[team],
            program_id="product-engineer",
            background="backend",
            start_date=date(2026, 11, 16),
            timezone="Europe/Berlin",
        )

    def traffic(team: str) -> list[str]:
        replies = []
        for n in range(ROUNDS):
            text = f"{team} secret {n}"
            body = t.sender.command(f"log {typed(text)}", user_id=member[team], team_id=team).json()
            assert "Saved" in body["text"]
            LEDGER.add("entries.acknowledged")
            for word in ("status", "summary"):
                reply = t.sender.command(word, user_id=member[team], team_id=team).json()
                replies.append(json.dumps(reply))
        t.sender.command("export", user_id=member[team], team_id=team)
        return replies

    with ThreadPoolExecutor(2) as pool:
        replies = dict(zip(("T1", "T2"), pool.map(traffic, ("T1", "T2")), strict=True))

    with t.services.db.session() as session:
        rows = session.exec(select(Entry)).all()
    for team, other in (("T1", "T2"), ("T2", "T1")):
        mine = sorted(e.text for e in rows if e.team_id == team)
        assert mine == sorted(f"{team} secret {n}" for n in range(ROUNDS))
        LEDGER.add("entries.found", len(mine))
        # Replies to one team quote nothing of the other's and count only their own entries.
        assert all(f"{other} secret" not in r for r in replies[team])
        assert f"*So far:* {ROUNDS} decisions" in replies[team][-1]
        # Every Web API call made with a team's token concerns that team alone.
        for call in t.emulator.calls:
            if call.team_id == team:
                assert f"{other} secret" not in json.dumps(call.params)
    t.emulator.wait_for("files.completeUploadExternal", count=2, predicate=lambda c: c.ok)
    files = [f for f in t.emulator.files.values() if f.get("completed")]
    assert len(files) == 2
    for file in files:
        document = json.loads(file["content"])
        other = "T2" if document["team_id"] == "T1" else "T1"
        assert f"{other} secret" not in file["content"].decode()
        assert len(document["tables"]["entry"]) == ROUNDS
