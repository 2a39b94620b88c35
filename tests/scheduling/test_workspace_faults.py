"""Workspace faults stay in their workspace: an uninstalled or revoked workspace is
suspended with one log line and no retries against its dead token, the others are served,
and a reinstall resumes it with what is still timely. A 429 pauses only its workspace."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from bot.outbound import NotInstalledError
from tests.scheduling.conftest import TEAM

WEEK1 = datetime(2026, 11, 23, 8, tzinfo=UTC)  # Monday 09:00 in Berlin
MINUTE = timedelta(minutes=1)


def two_workspaces(sched) -> None:
    sched.emulator.add_workspace("T2", name="Globex")
    sched.tokens["T2"] = sched.emulator.token("T2")
    sched.enroll("U1")
    sched.enroll("UV1", team="T2")
    sched.emulator.add_user("T2", "UV1", tz="Europe/Berlin")


@pytest.mark.parametrize(
    "fault", ["token_revoked", "invalid_auth", "account_inactive", "missing_scope"]
)
def test_a_dead_token_suspends_its_workspace_only_once_and_never_hammers(sched, log_watcher, fault):
    """Found from outside: 201 Web API calls with a dead token in 7 passes, and one
    uninstalled workspace made every pass fail for everyone."""
    two_workspaces(sched)
    sched.emulator.fail("chat.postMessage", fault, times=1)  # the first send: T1 or T2
    first = sched.tick(WEEK1)
    [down] = first.of("suspended")
    assert down.detail == fault
    up = {"T1", "T2"} - {down.team_id}
    assert {o.team_id for o in first.of("sent")} == up  # the other workspace is served
    assert sched.workspace(down.team_id).suspended == fault
    calls = len(sched.emulator.calls)
    for n in range(1, 8):  # seven more passes: nothing is tried against the dead token
        assert sched.tick(WEEK1 + n * MINUTE).outcomes == []
    assert len(sched.emulator.calls) == calls
    warnings = [m for m in log_watcher.messages() if "suspended (" in m]
    assert len(warnings) == 1 and "Traceback" not in "\n".join(log_watcher.messages())


def test_an_uninstalled_workspace_is_suspended_and_a_reinstall_sends_what_is_timely(
    sched, log_watcher
):
    """Found from outside: with workspace B uninstalled, every pass failed with
    NotInstalledError, workspace A's revisits never went out, and after B reinstalled its
    missed prompt was not sent."""
    two_workspaces(sched)
    installed = {"T1": True, "T2": False}
    real = sched.client_for_team()

    def slack_for(team_id: str):
        if not installed[team_id]:
            raise NotInstalledError(f"no installation for team {team_id}")
        return real(team_id)

    from bot.scheduling.pipeline import run_due_work
    from tests.scheduling.conftest import config

    def tick(at: datetime):
        sched.clock.set(at)
        return run_due_work(sched.services, slack_for, at, config=config())

    report = tick(WEEK1)
    assert [(o.team_id, o.result) for o in report.outcomes if o.kind == "prompt"] == [
        ("T1", "sent"),
        ("T2", "suspended"),
    ] or sorted((o.team_id, o.result) for o in report.outcomes) == [
        ("T1", "sent"),
        ("T2", "suspended"),
    ]
    assert sched.workspace("T2").suspended == "not_installed"
    assert tick(WEEK1 + 5 * MINUTE).outcomes == []
    # Reinstalled on Tuesday (the install flow resumes the workspace): the week's prompt is
    # still timely, so it goes out now, once.
    installed["T2"] = True
    from storage import workspaces

    with sched.services.db.session() as session:
        workspaces.resume(session, team_id="T2")
    report = tick(WEEK1 + timedelta(days=1))
    assert [(o.team_id, o.kind, o.result) for o in report.outcomes] == [("T2", "prompt", "sent")]
    assert len(sched.posts("UV1")) == 1 and len(sched.posts("U1")) == 1


def test_a_suspended_workspace_is_probed_and_resumes_when_its_token_works_again(sched):
    """Found from outside: a token revoked for ~7 minutes lost the whole week's prompts."""
    sched.enroll("U1")
    sched.emulator.revoke_workspace(TEAM)
    assert sched.tick(WEEK1).of("suspended")
    assert sched.workspace().suspended == "token_revoked"
    # The token works again (in single-token mode the operator fixed it): the next probe,
    # ten minutes on, finds it alive, and the prompt goes out.
    with sched.emulator._state.lock:
        sched.emulator._state.workspace(TEAM).revoked = False
    assert sched.tick(WEEK1 + 5 * MINUTE).outcomes == []  # not yet probed
    report = sched.tick(WEEK1 + 11 * MINUTE)
    assert [(o.kind, o.result) for o in report.outcomes] == [("prompt", "sent")]
    assert sched.workspace().suspended is None
    assert len(sched.emulator.calls_to("auth.test")) == 1  # one probe, not a hammering


def test_a_429_pauses_its_workspace_for_every_worker_and_not_the_others(sched):
    """Found from outside: after a ratelimited answer with Retry-After, other workers kept
    sending to that workspace before the wait was over."""
    sched.emulator.add_workspace("T2", name="Globex")
    sched.tokens["T2"] = sched.emulator.token("T2")
    for n in range(6):
        sched.enroll(f"U{n}")
        sched.emulator.add_user("T2", f"UV{n}", tz="Europe/Berlin")
        sched.enroll(f"UV{n}", team="T2")
    sched.emulator.rate_limit("chat.postMessage", retry_after=2, times=1)
    started = time.monotonic()
    report = sched.tick(WEEK1, workers=6)
    assert len(report.sent) == 12
    calls = sched.emulator.calls_to("chat.postMessage")
    [limited] = [c for c in calls if c.status == 429]
    after = [c for c in calls if c.team_id == limited.team_id and c.at > limited.at]
    # Nothing new went to the limited workspace until its Retry-After was over (at most the
    # requests other workers already had in flight when the 429 came)...
    during = [c for c in after if c.at < limited.at + 2.0]
    assert len(during) < 6
    assert len(after) - len(during) >= 1
    # ...while the other workspace went on at once.
    others = [c for c in calls if c.team_id != limited.team_id]
    assert min(c.at for c in others) < limited.at + 1.0
    assert time.monotonic() - started >= 2.0
    assert sched.workspace(limited.team_id).paused_until is not None


def test_a_long_retry_after_goes_back_to_the_queue_and_no_other_instance_sends_it(sched):
    """Found from outside: a Retry-After longer than the 5-minute lease let another
    instance take the claim over and send a second copy."""
    sched.enroll("U1")
    sched.emulator.rate_limit("chat.postMessage", retry_after=600, times=1)
    first = sched.tick(WEEK1)
    assert [o.result for o in first.outcomes] == ["paused"]
    # Another instance, six minutes later (past any lease): the workspace is still paused.
    assert sched.tick(WEEK1 + 6 * MINUTE, instance="other:2:b").outcomes == []
    assert sched.posts("U1") == []
    report = sched.tick(WEEK1 + 11 * MINUTE, instance="other:2:b")
    assert [o.result for o in report.outcomes] == ["sent"]
    assert len(sched.posts("U1")) == 1


def test_two_instances_share_a_pass_and_send_each_prompt_once(sched):
    for team in ("T2", "T3"):
        sched.emulator.add_workspace(team)
        sched.tokens[team] = sched.emulator.token(team)
    users = []
    for team in (TEAM, "T2", "T3"):
        for n in range(20):
            user = f"U{team}{n:02d}"
            sched.emulator.add_user(team, user, tz="Europe/Berlin")
            sched.enroll(user, team=team)
            users.append(user)
    reports = []
    threads = [
        threading.Thread(
            target=lambda i=i: reports.append(sched.tick(WEEK1, instance=f"host{i}:1:x"))
        )
        for i in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sent = [o.user_id for r in reports for o in r.sent]
    assert sorted(sent) == sorted(users)  # each once, between them
    assert all(len(sched.posts(u)) == 1 for u in users)
