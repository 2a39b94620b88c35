"""Many workspaces: the OAuth v2 install flow against the emulator, per-team tokens, uninstall."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from bot.app import INSTALL_PATH, REDIRECT_PATH, NotInstalledError, client_for_team, create_app
from bot.blocks import ids
from bot.config import BOT_SCOPES, Settings
from bot.server import EVENTS_PATH, ServerThread
from bot.services import Services
from slack_emulator import SlackEmulator, message_problems
from slack_emulator.slack_requests import SlackSender
from storage.db import Database
from storage.installations import installation_store, installed_team_ids, state_store

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "oauth-client-secret-abcdef0123456789"
SIGNING_SECRET = "oauth-signing-secret-0123456789abcdef"
COOKIE = "slack-app-oauth-state"
ASKED = ",".join(BOT_SCOPES)


@dataclass
class Distributed:
    """The app in OAuth mode with two teams that have not installed it yet."""

    emulator: SlackEmulator
    services: Services
    settings: Settings
    base: str

    def sender(self, team_id: str) -> SlackSender:
        return SlackSender(
            self.base + EVENTS_PATH, SIGNING_SECRET, team_id=team_id, emulator=self.emulator
        )

    def start_install(self) -> tuple[str, requests.Response]:
        """GET /slack/install: returns the state and the redirect to Slack's consent page."""
        response = requests.get(self.base + INSTALL_PATH, allow_redirects=False, timeout=5)
        assert response.status_code == 302, response.text
        location = urlsplit(response.headers["Location"])
        consent_page = f"{location.scheme}://{location.netloc}{location.path}"
        assert consent_page == self.emulator.authorize_url
        query = parse_qs(location.query)
        assert query["client_id"] == [CLIENT_ID]
        assert query["scope"][0].split(",") == list(BOT_SCOPES)  # what the manifest declares
        return query["state"][0], response

    def consent(self, install: requests.Response) -> str:
        """The browser follows the install redirect; the member clicks "Allow"; Slack sends
        the browser back to the app's redirect URL with a code. Returns the code."""
        page = requests.get(install.headers["Location"], allow_redirects=False, timeout=5)
        assert page.status_code == 302, page.text
        back = urlsplit(page.headers["Location"])
        assert f"{self.base}{REDIRECT_PATH}".endswith(back.path)
        return parse_qs(back.query)["code"][0]

    def finish_install(self, code: str, state: str, *, cookie: str | None) -> requests.Response:
        """Slack redirects the browser back with the code; the browser sends its cookie."""
        # Bolt's state cookie is Secure: a browser sends it over HTTPS only, so the test sets
        # the header itself rather than relying on requests' cookie jar over plain HTTP.
        headers = {"Cookie": f"{COOKIE}={cookie}"} if cookie is not None else {}
        return requests.get(
            self.base + REDIRECT_PATH,
            params={"code": code, "state": state},
            headers=headers,
            allow_redirects=False,
            timeout=5,
        )

    def install(self, team_id: str, installer: str = "U1") -> None:
        """Run the whole flow for one team, as its member `installer` would in a browser."""
        self.emulator.consent_as(team_id, installer)
        state, redirect = self.start_install()
        code = self.consent(redirect)
        response = self.finish_install(code, state, cookie=state)
        assert response.status_code == 200, response.text

    def code_for(self, team_id: str, code: str) -> None:
        """A code as the consent page would issue it, for tests of the state checks."""
        self.emulator.add_oauth_code(
            code,
            team_id,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            scope=ASKED,
            user_id="U1",
        )


@pytest.fixture
def distributed(database_url: str, programs: Any, clock: Any) -> Iterator[Distributed]:
    emulator = SlackEmulator(host="127.0.0.1", port=0).start()
    for team, name in (("T1", "Acme"), ("T2", "Globex")):
        # Known to the emulator, not yet installed: no scopes until an install grants them.
        emulator.add_workspace(team, name=name, domain=name.lower(), scopes=())
        emulator.add_user(team, f"U{team}", name="alex", tz="Europe/Berlin")
        emulator.add_channel(team, f"C{team}", name="transition")
    settings = Settings(
        signing_secret=SIGNING_SECRET,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        authorize_url=emulator.authorize_url,
        database_url=database_url,
        slack_api_url=emulator.base_url,
    )
    assert settings.oauth and not settings.offline
    services = Services(db=Database(database_url), programs=programs, clock=clock)
    server = ServerThread(create_app(settings, services=services)).start()
    emulator.register_app(CLIENT_ID, CLIENT_SECRET, redirect_urls=[server.url + REDIRECT_PATH])
    yield Distributed(emulator=emulator, services=services, settings=settings, base=server.url)
    server.stop()
    services.db.dispose()
    emulator.stop()


def test_install_redirects_to_slack_with_a_state_and_sets_the_cookie(distributed):
    state, response = distributed.start_install()
    assert len(state) >= 32
    assert f"{COOKIE}={state}" in response.headers["Set-Cookie"]
    assert "HttpOnly" in response.headers["Set-Cookie"]


def test_the_redirect_exchanges_the_code_at_the_emulator_and_stores_the_install(distributed):
    distributed.install("T1")

    exchange = distributed.emulator.calls_to("oauth.v2.access")
    assert len(exchange) == 1 and exchange[0].ok
    assert installed_team_ids(distributed.services.db) == {"T1"}
    # Read back through the same store Bolt's authorize uses.
    found = installation_store(distributed.services.db, client_id=CLIENT_ID).find_bot(
        enterprise_id=None, team_id="T1"
    )
    assert found is not None
    assert found.bot_token == distributed.emulator.token("T1")
    assert found.bot_user_id == distributed.emulator.bot_user_id("T1")


def test_a_state_is_good_for_one_install_only(distributed):
    distributed.code_for("T1", "code-once")
    state, _ = distributed.start_install()
    assert distributed.finish_install("code-once", state, cookie=state).status_code == 200
    replay = distributed.finish_install("code-once", state, cookie=state)
    assert replay.status_code == 401  # Bolt's invalid_state
    assert len(distributed.emulator.calls_to("oauth.v2.access")) == 1


def test_an_unknown_state_is_refused_before_the_code_is_exchanged(distributed):
    distributed.code_for("T1", "code-t1")
    response = distributed.finish_install("code-t1", "forged-state", cookie="forged-state")
    assert response.status_code == 401
    assert distributed.emulator.calls_to("oauth.v2.access") == []
    assert installed_team_ids(distributed.services.db) == set()


def test_a_state_from_another_browser_is_refused(distributed):
    distributed.code_for("T1", "code-t1")
    state, _ = distributed.start_install()
    assert (
        distributed.finish_install("code-t1", state, cookie=None).status_code == 400
    )  # invalid_browser
    assert distributed.emulator.calls_to("oauth.v2.access") == []


def test_an_expired_state_is_refused(distributed):
    distributed.code_for("T1", "code-t1")
    expired = state_store(distributed.services.db)
    expired.expiration_seconds = -60  # issued a minute past its expiry
    state = expired.issue()
    response = distributed.finish_install("code-t1", state, cookie=state)
    assert response.status_code == 401
    assert distributed.emulator.calls_to("oauth.v2.access") == []
    assert installed_team_ids(distributed.services.db) == set()


def test_each_workspace_is_answered_with_its_own_token(distributed):
    distributed.install("T1")
    distributed.install("T2")
    assert installed_team_ids(distributed.services.db) == {"T1", "T2"}

    for team in ("T1", "T2"):
        response = distributed.sender(team).command(
            "join", user_id=f"U{team}", channel_id=f"C{team}"
        )
        assert response.status == 200

    opened = distributed.emulator.wait_for("views.open", count=2)
    assert all(call.ok for call in opened)
    assert {call.team_id: call.token for call in opened} == {
        "T1": distributed.emulator.token("T1"),
        "T2": distributed.emulator.token("T2"),
    }


def test_uninstall_forgets_the_team_and_leaves_the_other_installed(distributed, log_watcher):
    distributed.install("T1")
    distributed.install("T2")
    distributed.emulator.revoke_workspace("T1")

    response = distributed.sender("T1").event({"type": "app_uninstalled"})
    assert response.status == 200
    assert log_watcher.wait_for("app uninstalled from team=T1")  # the listener runs after ack
    assert installed_team_ids(distributed.services.db) == {"T2"}

    # The uninstalled team gets no answer built with a dead token; the other still works.
    distributed.sender("T1").command("join", user_id="UT1", channel_id="CT1")
    distributed.sender("T2").command("join", user_id="UT2", channel_id="CT2")
    opened = distributed.emulator.wait_for("views.open")
    assert [call.team_id for call in opened] == ["T2"]


def test_revoked_bot_token_forgets_the_team(distributed, log_watcher):
    distributed.install("T2")
    event = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["UBOT"]}}
    assert distributed.sender("T2").event(event).status == 200
    assert log_watcher.wait_for("app uninstalled from team=T2")
    assert installed_team_ids(distributed.services.db) == set()


def test_the_install_flow_never_logs_a_token_or_a_secret(distributed, log_watcher):
    logging.getLogger().setLevel(logging.DEBUG)  # the most an operator could turn on
    distributed.install("T1")
    distributed.sender("T1").command("join", user_id="UT1", channel_id="CT1")
    distributed.emulator.wait_for("views.open")
    assert log_watcher.wait_for("command /transition join team=T1")
    lines = "\n".join(log_watcher.messages())
    assert "xoxb-" not in lines
    assert CLIENT_SECRET not in lines
    assert SIGNING_SECRET not in lines


def test_work_no_request_started_gets_each_team_its_own_token(distributed):
    clients = client_for_team(distributed.settings, distributed.services)
    with pytest.raises(NotInstalledError):
        clients("T1")
    distributed.install("T1")
    distributed.install("T2")
    for team in ("T1", "T2"):
        clients(team).post(f"C{team}", "Weekly prompt", [])
    posted = distributed.emulator.calls_to("chat.postMessage", ok_only=True)
    assert [(c.team_id, c.token) for c in posted] == [
        ("T1", distributed.emulator.token("T1")),
        ("T2", distributed.emulator.token("T2")),
    ]


def test_requests_are_authorized_without_asking_slack(distributed):
    """Found from outside: Bolt checked every request's token with auth.test before any
    listener ran, so behind a Slack taking 5 s per call every command missed the 3-second
    deadline. Requests are now authorized from the stored installation."""
    distributed.install("T1")
    distributed.emulator.reset_calls()
    distributed.emulator.latency = 5.0
    try:
        answer = distributed.sender("T1").command("help", user_id="UT1", channel_id="CT1")
        assert answer.status == 200 and answer.elapsed < 3.0
        assert "/transition join" in answer.body
    finally:
        distributed.emulator.latency = 0.0
    assert distributed.emulator.calls_to("auth.test") == []


def test_an_uninstalled_workspace_is_refused_without_asking_slack(distributed):
    distributed.install("T1")
    distributed.emulator.revoke_workspace("T1")
    assert distributed.sender("T1").event({"type": "app_uninstalled"}).status == 200
    distributed.emulator.reset_calls()
    refused = distributed.sender("T1").command("help", user_id="UT1", channel_id="CT1")
    assert refused.status == 200 and "/transition join" not in refused.body
    # Bolt tells the member, through the response_url, to reinstall; no Web API call is made.
    assert "reinstall" in refused.shown()["text"]
    assert [c.method for c in distributed.emulator.calls] == ["response_url"]


def test_the_installer_gets_the_set_up_checklist_in_a_dm(distributed):
    """The admin's first five minutes: the redirect names the installer; they get one DM
    with the four steps, each with its control."""
    distributed.emulator.add_user("T1", "U1", tz="Europe/Berlin", is_admin=True)
    distributed.install("T1", installer="U1")
    [dm] = [
        c
        for c in distributed.emulator.calls_to("chat.postMessage")
        if c.params.get("channel") == "U1"
    ]
    assert dm.ok
    body = str(dm.params["blocks"])
    for step in ("Team channel", "Prompt day and hour", "Create a cohort", "Preview a week"):
        assert step in body
    for action in (ids.ADMIN_CHANNEL_SELECT, ids.ADMIN_PROMPT_DAY, ids.OPEN_COHORT_FORM):
        assert action in body
    assert "conversations_select" in body
    assert message_problems(dm.params["text"], dm.params["blocks"]) == []
    # Its "Preview" button shows week 1 of that program to the admin.
    button = next(
        e
        for b in dm.params["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"].startswith(ids.ADMIN_PREVIEW)
    )
    clicked = distributed.sender("T1").block_action(
        button["action_id"], user_id="U1", value=button["value"], channel_id="D1",
        message_ts="1700000000.000100",
    )  # fmt: skip
    assert "Week 1 of" in str(clicked.shown()["blocks"])


def test_a_reinstall_does_not_send_the_checklist_again(distributed):
    """Installing again (new scopes, another admin) finds the workspace set up already."""
    distributed.emulator.add_user("T1", "U1", tz="Europe/Berlin", is_admin=True)
    distributed.emulator.add_user("T1", "U2", tz="Europe/Berlin", is_admin=True)
    distributed.install("T1", installer="U1")
    distributed.install("T1", installer="U2")
    distributed.install("T1", installer="U1")
    checklists = [
        c.params["channel"]
        for c in distributed.emulator.calls_to("chat.postMessage")
        if "Set up Transition Coach" in str(c.params.get("blocks"))
    ]
    assert checklists == ["U1"]


def test_a_checklist_slack_refused_is_sent_at_the_next_install(distributed):
    distributed.emulator.add_user("T1", "U1", tz="Europe/Berlin", is_admin=True)
    distributed.emulator.fail("chat.postMessage", "messages_tab_disabled")
    distributed.install("T1", installer="U1")
    distributed.install("T1", installer="U1")
    sent = [c for c in distributed.emulator.calls_to("chat.postMessage", ok_only=True)]
    assert [c.params["channel"] for c in sent] == ["U1"]
