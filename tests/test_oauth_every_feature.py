"""One source for scopes, proved end to end: a workspace installed through the OAuth consent
page (granted exactly what the install URL asks for) uses every feature, and Slack never
answers missing_scope.

Found from outside: /slack/install asked for 3 of the manifest's 7 scopes, so a workspace
installed that way got missing_scope on conversations.open (export, portfolio, prompts
after a reinstall, crash recovery). The emulator now enforces each token's scopes as Slack
does, so this test fails whenever the install URL, the manifest and the code disagree.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.app import client_for_team
from bot.blocks import ids
from bot.config import BOT_SCOPES
from bot.scheduling.pipeline import run_due_work
from bot.services.config import update
from bot.services.welcome import workspace_admins
from tests.handlers.evidence_helpers import form_values
from tests.handlers.test_join import join_values
from tests.handlers.test_log import journal_values
from tests.handlers.test_ship import SHIP
from tests.test_manifest import used_methods
from tests.test_oauth import distributed  # noqa: F401  (the fixture)

USER, ADMIN, CHANNEL = "UT1", "UADMIN", "CT1"


def opened(emulator: Any, count: int) -> dict[str, Any]:
    """The `count`-th modal the app opened, as Slack holds it now."""
    call = emulator.wait_for("views.open", count=count)[count - 1]
    assert call.ok, call.response
    return emulator.open_views.get(call.response["view"]["id"]) or call.response["view"]


def prompt_message(emulator: Any, dm: str) -> dict[str, Any]:
    """The weekly prompt in a member's DM (the message with the prompt's buttons)."""
    return next(m for m in emulator.messages(dm) if ids.SNOOZE_PROMPT in str(m.get("blocks")))


def button(message: dict[str, Any], action_id: str) -> str:
    for block in message["blocks"]:
        for element in block.get("elements", []):
            if isinstance(element, dict) and element.get("action_id") == action_id:
                return str(element.get("value", ""))
    raise AssertionError(f"no {action_id} button")


def test_an_oauth_install_uses_every_feature_without_a_missing_scope(distributed):  # noqa: F811
    d = distributed
    emu = d.emulator
    d.install("T1")
    assert emu.scopes("T1") == set(BOT_SCOPES)  # what the consent page granted, no more
    emu.set_clock(lambda: d.services.clock.now().timestamp())  # Slack's "now" is the test's
    emu.add_user("T1", ADMIN, name="ada", is_admin=True)
    send = d.sender("T1")
    views = 0

    # Join through the modal (views.open, users.info, views.update), then the welcome DM.
    assert send.command("join", user_id=USER, channel_id=CHANNEL).status == 200
    views += 1
    view = opened(emu, views)
    emu.wait_for("views.update")
    start = d.services.clock.now().date().isoformat()
    send.view_submission(view, join_values(start=start), user_id=USER)
    emu.wait_for("views.publish")

    # Log: one line, the journal form (an ephemeral reply in the channel), evidence forms.
    send.command("log We chose annual billing first", user_id=USER, channel_id=CHANNEL)
    send.command("log", user_id=USER, channel_id=CHANNEL)
    views += 1
    journal = opened(emu, views)
    send.view_submission(journal, journal_values("Monthly plan kept"), user_id=USER)
    emu.wait_for("chat.postEphemeral")

    # Admin settings (users.info for admin rights) and a team channel for ship posts.
    assert (
        "Ship posts now go"
        in send.command(
            f"config channel <#{CHANNEL}|transition>", user_id=ADMIN, channel_id=CHANNEL
        ).shown()["text"]
    )
    update(d.services, team_id="T1", team_channel_id=CHANNEL)
    send.command("preview product-engineer 3", user_id=ADMIN, channel_id=CHANNEL).shown()

    # Ship: posted to the team channel with its permalink; then edited and deleted.
    send.command("ship", user_id=USER, channel_id=CHANNEL)
    views += 1
    ship_form = opened(emu, views)
    send.view_submission(ship_form, form_values("ship", **SHIP), user_id=USER)
    emu.wait_for("chat.postEphemeral", count=2)  # "your post is up": stored with the entry
    [ship_entry] = [e for e in _entries(d) if e.kind == "ship"]
    send.block_action(ids.SHIP_DELETE, user_id=USER, value=str(ship_entry.id), channel_id=CHANNEL)
    emu.wait_for("chat.delete")

    # The scheduler, with the installation's own token: this week's prompt in the DM.
    slack_for = client_for_team(d.settings, d.services)
    report = run_due_work(d.services, slack_for, d.services.clock.now())
    assert report.sent, str(report)
    dm = emu.dm_channel("T1", USER)
    prompt = prompt_message(emu, dm)
    where = {"channel_id": dm, "message_ts": prompt["ts"], "block_id": ids.PROMPT_ACTIONS}

    # Snooze (queued; the prompt redrawn with chat.update), mark the deliverable done (modal).
    send.block_action(
        ids.SNOOZE_PROMPT, user_id=USER, value=button(prompt, ids.SNOOZE_PROMPT), **where
    )
    emu.wait_for("chat.update")
    send.block_action(
        ids.MARK_DELIVERABLE_DONE,
        user_id=USER,
        value=button(prompt, ids.MARK_DELIVERABLE_DONE),
        **where,
    )
    views += 1
    opened(emu, views)

    # Status, summaries, the team digest (posted in the channel), skills, Home.
    for text in ("status", "summary", "entries", "skills"):
        assert send.command(text, user_id=USER, channel_id=CHANNEL).status == 200
    send.command("summary team", user_id=ADMIN, channel_id=CHANNEL).shown()
    send.event({"type": "app_home_opened", "user": USER, "tab": "home", "channel": dm})

    # The portfolio canvas (canvases.create, canvases.access.set, then canvases.edit when
    # compiled again) and files in the DM (conversations.open, the external upload): export.
    send.command("portfolio", user_id=USER, channel_id=CHANNEL)
    emu.wait_for("canvases.access.set", predicate=lambda c: c.ok)
    send.command("portfolio", user_id=USER, channel_id=CHANNEL)
    emu.wait_for("canvases.edit", predicate=lambda c: c.ok)
    send.command("export", user_id=USER, channel_id=CHANNEL)
    emu.wait_for("files.completeUploadExternal")

    # What crash recovery reads: the member's DM and the team channel's history.
    slack = slack_for("T1")
    assert slack.history(slack.open_dm(USER), limit=15)
    assert slack.history(CHANNEL, limit=15)
    # What a single-token first start reads to greet the admins (users.list, every page).
    assert ADMIN in workspace_admins(slack)

    # Four weeks on, the decision revisits, then everything about the member is forgotten.
    d.services.clock.advance(timedelta(days=29))  # type: ignore[attr-defined]
    run_due_work(d.services, slack_for, d.services.clock.now())
    send.command("forget", user_id=USER, channel_id=CHANNEL)
    # Confirmed: the member's Home picture file is deleted in Slack with their rows.
    send.block_action(ids.FORGET_CONFIRM, user_id=USER, value="forget", channel_id=CHANNEL)
    emu.wait_for("files.delete", predicate=lambda c: c.ok)

    # Every Web API method the code can call was called, and Slack never said missing_scope.
    d.services.db.dispose()
    refused = [c for c in emu.calls if c.error == "missing_scope"]
    assert refused == [], [(c.method, c.response) for c in refused]
    succeeded = {c.method for c in emu.calls if c.ok}
    assert used_methods() <= succeeded, used_methods() - succeeded


def _entries(d: Any) -> list[Any]:
    from sqlmodel import select

    from storage.models import Entry

    with d.services.db.session() as session:
        return list(session.exec(select(Entry)).all())
