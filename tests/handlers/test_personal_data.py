"""`/transition export` and `/transition forget`."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import func, select

from bot.blocks import ids
from bot.services.enrollment import join
from bot.services.journal import log_entry
from storage.deliverables import mark_done
from storage.personal_data import person_columns, personal_tables


def seed(slack, team_id: str, user_id: str, text: str) -> None:
    join(
        slack.services,
        team_id=team_id,
        user_id=user_id,
        program_id="product-engineer",
        background="backend",
        start_date=date(2026, 11, 16),
        timezone="Europe/Berlin",
    )
    log_entry(slack.services, team_id=team_id, user_id=user_id, kind="decision", text=text)
    with slack.services.db.session() as session:
        mark_done(
            session,
            team_id=team_id,
            user_id=user_id,
            program_id="product-engineer",
            phase_key="observe",
            evidence=f"evidence of {text}",
            now=slack.clock.now(),
        )


def rows_about(slack, team_id: str, user_id: str) -> dict[str, int]:
    counts = {}
    with slack.services.db.engine.connect() as connection:
        for table in personal_tables():
            query = (
                select(func.count())
                .select_from(table)
                .where(table.c.team_id == team_id, table.c.user_id == user_id)
            )
            counts[table.name] = connection.execute(query).scalar_one()
    return counts


def test_export_sends_all_of_my_data_and_nobody_elses(slack):
    seed(slack, "T1", "U1", "mine: annual plan first")
    seed(slack, "T1", "U2", "theirs: secret roadmap")
    seed(slack, "T2", "U1", "other workspace entry")
    response = slack.command("export")
    assert "Gathering your data" in response.json()["text"]

    complete = slack.emulator.wait_for("files.completeUploadExternal")[0]
    assert complete.ok
    assert complete.params["channel_id"] == slack.emulator.dm_channel("T1", "U1")
    [file] = [f for f in slack.emulator.files.values() if f.get("completed")]
    document = json.loads(file["content"])
    assert (document["team_id"], document["user_id"]) == ("T1", "U1")
    tables = document["tables"]
    assert [e["text"] for e in tables["entry"]] == ["mine: annual plan first"]
    assert tables["participant"][0]["program_id"] == "product-engineer"
    assert tables["deliverabledone"][0]["evidence"] == "evidence of mine: annual plan first"
    raw = file["content"].decode()
    assert "secret roadmap" not in raw and "other workspace" not in raw
    # Round trip: the export holds exactly the rows the database holds about me.
    assert {name: len(rows) for name, rows in tables.items()} == rows_about(slack, "T1", "U1")


def test_export_upload_failure_is_reported_and_changes_nothing(slack):
    seed(slack, "T1", "U1", "keep me")
    slack.emulator.fail("files.getUploadURLExternal", "ratelimited_forever")
    slack.command("export", channel_id="C1")
    # The ack said "on its way"; the failure comes after it, through the response_url.
    reply = slack.emulator.wait_for(
        "response_url", predicate=lambda c: "couldn't deliver" in c.params.get("text", "")
    )[0]
    assert reply.ok
    assert rows_about(slack, "T1", "U1")["entry"] == 1


def test_forget_asks_first_and_deletes_nothing_until_confirmed(slack):
    seed(slack, "T1", "U1", "still here")
    body = slack.command("forget").json()
    assert ids.FORGET_CONFIRM in str(body["blocks"])
    confirm = next(
        e
        for b in body["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == ids.FORGET_CONFIRM
    )
    assert confirm["style"] == "danger" and "confirm" in confirm
    assert sum(rows_about(slack, "T1", "U1").values()) == 4


def test_forget_confirmed_deletes_every_row_of_mine_only(slack):
    seed(slack, "T1", "U1", "delete me")
    seed(slack, "T1", "U2", "keep them")
    seed(slack, "T2", "U1", "keep my other workspace")
    before_u2 = rows_about(slack, "T1", "U2")
    before_other_team = rows_about(slack, "T2", "U1")
    slack.command("forget")
    response = slack.sender.block_action(ids.FORGET_CONFIRM, user_id="U1", value="forget")
    assert response.status == 200
    reply = slack.emulator.wait_for("response_url")[0]
    # The enrollment, the entry, the deliverable, and the entry's planned revisit.
    assert "I deleted 4 records" in reply.params["text"]
    assert reply.params["replace_original"] is True
    # Table by table: nothing about U1 in T1 is left; everyone else is untouched.
    assert all(count == 0 for count in rows_about(slack, "T1", "U1").values())
    assert rows_about(slack, "T1", "U2") == before_u2
    assert rows_about(slack, "T2", "U1") == before_other_team
    status = slack.command("status").json()
    assert "haven't joined" in status["text"]


def test_forget_cancelled_keeps_everything(slack):
    seed(slack, "T1", "U1", "stay")
    slack.command("forget")
    slack.sender.block_action(ids.FORGET_CANCEL, user_id="U1")
    reply = slack.emulator.wait_for("response_url")[0]
    assert reply.params["text"].startswith("Nothing was deleted.")
    assert sum(rows_about(slack, "T1", "U1").values()) == 4


def test_forget_unnames_an_admin_in_what_they_created_and_keeps_it(slack):
    """A cohort an admin created stays for its members, but no longer names them once they
    asked to be forgotten (nor does a bot admin they named)."""
    from storage.models import Cohort, WorkspaceAdmin
    from tests.handlers.test_cohorts import create

    create(slack)  # U1, a workspace admin, creates a cohort
    with slack.services.db.session() as session:
        session.add(
            WorkspaceAdmin(team_id="T1", user_id="U2", added_by="U1", added_at=slack.clock.now())
        )
    slack.command("export")
    slack.emulator.wait_for("files.completeUploadExternal")
    [file] = [f for f in slack.emulator.files.values() if f.get("completed")]
    named_in = json.loads(file["content"])["named_in"]
    assert [c["name"] for c in named_in["cohort.created_by"]] == ["Spring PE cohort"]
    assert [a["user_id"] for a in named_in["workspaceadmin.added_by"]] == ["U2"]
    slack.command("forget")
    slack.sender.block_action(ids.FORGET_CONFIRM, user_id="U1", value="forget")
    slack.emulator.wait_for(
        "response_url", predicate=lambda c: "I deleted" in c.params.get("text", "")
    )
    with slack.services.db.session() as session:
        [cohort] = session.scalars(select(Cohort)).all()
        [named] = session.scalars(select(WorkspaceAdmin)).all()
    assert cohort.name == "Spring PE cohort" and cohort.created_by == ""
    assert (named.user_id, named.added_by) == ("U2", "")
    # Nothing anywhere in the workspace's tables names U1 any more.
    with slack.services.db.engine.connect() as connection:
        for table, column in person_columns():
            query = select(func.count()).select_from(table).where(column == "U1")
            assert connection.execute(query).scalar_one() == 0, f"{table.name}.{column.name}"
