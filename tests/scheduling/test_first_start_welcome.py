"""Single bot token: the first start greets the workspace's admins with the set-up checklist,
once, however many starts, instances or crashes (the greetings go through the one pipeline).
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

from bot.app import greet_admins_on_first_start
from bot.blocks import ids
from bot.config import Settings
from bot.scheduling.due import WELCOME
from bot.services import Services
from storage.db import Database
from tests.scheduling.conftest import Sched

ADMINS = {"UADM1", "UOWN1", "UPRIME"}


def add_people(sched: Sched) -> None:
    """Admins of each kind, and people who are not to be greeted: a member, a bot admin and
    a deleted admin. Pages of two, so the greeting must follow users.list's cursor."""
    emu = sched.emulator
    emu.add_user("T1", "UADM1", is_admin=True)
    emu.add_user("T1", "UOWN1", is_owner=True)
    emu.add_user("T1", "UPRIME", is_owner=True, is_primary_owner=True)
    emu.add_user("T1", "UBOTADMIN", is_admin=True, is_bot=True)
    emu.add_user("T1", "UGONE", is_admin=True, deleted=True)
    emu._state.users_page_size = 2


def start(sched: Sched) -> int:
    """What `transition-coach run` does at start with one bot token, as a new process would
    (its own engine on the same database)."""
    services = Services(db=Database(sched.database_url), programs=sched.programs, clock=sched.clock)
    try:
        settings = Settings(bot_token=sched.token, slack_api_url=sched.emulator.base_url)
        return greet_admins_on_first_start(settings, services)
    finally:
        services.db.dispose()


def checklists(sched: Sched) -> Counter[str]:
    """Who got the set-up checklist, how many times."""
    return Counter(
        c.params["channel"]
        for c in sched.posts()
        if "Set up Transition Coach" in str(c.params.get("blocks"))
    )


def test_two_starts_greet_each_admin_once_with_the_checklist(sched):
    add_people(sched)
    assert start(sched) == 3
    lists = sched.emulator.calls_to("users.list", ok_only=True)
    # Members U1, U2 and the bot user too: every page followed, each a real page.
    assert len(lists) >= 4 and all(c.params["limit"] == "200" for c in lists)
    assert [bool(c.params.get("cursor")) for c in lists] == [False] + [True] * (len(lists) - 1)
    sched.tick()
    assert start(sched) == 0  # a restart: no second greeting, not even a users.list
    assert len(sched.emulator.calls_to("users.list")) == len(lists)
    sched.tick(sched.clock.now() + timedelta(minutes=1))
    got = checklists(sched)
    assert got == Counter({user: 1 for user in ADMINS})
    dm = next(c for c in sched.posts() if c.params["channel"] == "UADM1")
    blocks = str(dm.params["blocks"])
    # The same checklist an OAuth installer gets, each step with its control.
    for control in (ids.ADMIN_CHANNEL_SELECT, ids.ADMIN_PROMPT_DAY, ids.OPEN_COHORT_FORM):
        assert control in blocks
    assert "you are a workspace admin" in blocks and "Thanks for installing" not in blocks
    assert sched.prompts("UADM1")  # carries the pipeline's metadata, valid Block Kit
    assert {i.status for i in sched.deliveries(WELCOME)} == {"sent"}


def test_two_instances_starting_together_greet_once(sched):
    add_people(sched)
    sched.emulator.latency = 0.05  # both are inside users.list at the same time
    barrier = threading.Barrier(2)
    planned: list[int] = []

    def instance() -> None:
        barrier.wait()
        planned.append(start(sched))

    threads = [threading.Thread(target=instance) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(planned) == [0, 3]
    sched.emulator.latency = 0.0
    passes = [threading.Thread(target=sched.tick) for _ in range(2)]
    for t in passes:
        t.start()
    for t in passes:
        t.join(timeout=60)
    sched.tick(sched.clock.now() + timedelta(minutes=6))
    assert checklists(sched) == Counter({user: 1 for user in ADMINS})


def test_a_failing_users_list_is_logged_and_the_next_start_greets(sched, log_watcher):
    add_people(sched)
    sched.emulator.fail("users.list", "missing_scope", times=1)
    assert start(sched) == 0
    assert log_watcher.wait_for("users.list said missing_scope")
    sched.tick()
    assert checklists(sched) == Counter()
    assert start(sched) == 3  # the marker was never set: the next start tries again
    sched.tick(sched.clock.now() + timedelta(minutes=1))
    assert checklists(sched) == Counter({user: 1 for user in ADMINS})


def test_oauth_mode_does_not_greet_at_start(sched):
    add_people(sched)
    services = Services(db=Database(sched.database_url), programs=sched.programs, clock=sched.clock)
    settings = Settings(
        client_id="1.2",
        client_secret="s",
        signing_secret="x",
        slack_api_url=sched.emulator.base_url,
    )
    assert greet_admins_on_first_start(settings, services) == 0
    services.db.dispose()
    assert sched.emulator.calls_to("users.list") == []
