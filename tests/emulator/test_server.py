"""The Slack Web API emulator over real HTTP, driven by slack_sdk's WebClient and requests."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator

from slack_emulator import RecordedCall, SlackEmulator
from slack_emulator.scopes import EVERY_SCOPE


@pytest.fixture
def emu() -> Iterator[SlackEmulator]:
    with SlackEmulator(bot_scopes=EVERY_SCOPE) as emulator:
        emulator.add_workspace("T1", name="Acme", domain="acme")
        emulator.add_user("T1", "U1", name="alex", real_name="Alex Doe", tz="Europe/Berlin")
        emulator.add_user("T1", "U9", name="gone", deleted=True)
        emulator.add_channel("T1", "C1", name="transition")
        emulator.add_channel("T1", "C2", name="random", bot_is_member=False)
        emulator.add_channel("T1", "G1", name="secret", is_private=True, bot_is_member=False)
        yield emulator


@pytest.fixture
def client(emu: SlackEmulator) -> WebClient:
    return WebClient(token=emu.token("T1"), base_url=emu.base_url)


def api_error(call: object) -> SlackApiError:
    with pytest.raises(SlackApiError) as info:
        call()  # type: ignore[operator]
    return info.value


SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "hello"}}


def test_records_calls_with_decoded_params(emu: SlackEmulator, client: WebClient) -> None:
    client.chat_postMessage(channel="C1", text="hi", blocks=[SECTION])
    # A form-encoded call carries blocks as a JSON string; it is recorded decoded.
    raw = requests.post(
        emu.base_url + "chat.postMessage",
        data={"token": emu.token("T1"), "channel": "C1", "blocks": json.dumps([SECTION])},
        timeout=5,
    )
    assert raw.json()["ok"] is True

    json_call, form_call = emu.calls_to("chat.postMessage")
    for call in (json_call, form_call):
        assert isinstance(call, RecordedCall)
        assert call.params["blocks"] == [SECTION]
        assert call.token == emu.token("T1")
        assert call.team_id == "T1"
        assert call.ok and call.status == 200
        assert call.at <= time.time()
    assert json_call.response["message"]["text"] == "hi"
    assert float(form_call.response["ts"]) > float(json_call.response["ts"])
    assert [c.method for c in emu.calls] == ["chat.postMessage", "chat.postMessage"]
    emu.reset_calls()
    assert emu.calls == []


def test_post_to_user_id_lands_in_dm(emu: SlackEmulator, client: WebClient) -> None:
    response = client.chat_postMessage(channel="U1", text="welcome")
    dm = emu.dm_channel("T1", "U1")
    assert dm.startswith("D")
    assert response["channel"] == dm
    [message] = emu.messages(dm)
    assert message["text"] == "welcome"
    assert message["user"] == emu.bot_user_id("T1")
    assert message["ts"] == response["ts"]
    assert message["thread_ts"] is None

    reply = client.chat_postMessage(channel=dm, text="in thread", thread_ts=response["ts"])
    parent, child = emu.messages(dm)
    assert child["thread_ts"] == response["ts"] == parent["thread_ts"]
    assert parent["reply_count"] == 1
    assert client.conversations_open(users="U1")["channel"]["id"] == dm
    link = client.chat_getPermalink(channel=dm, message_ts=reply["ts"])["permalink"]
    assert link == (
        f"https://acme.slack.com/archives/{dm}/p{reply['ts'].replace('.', '')}"
        f"?thread_ts={response['ts']}&cid={dm}"
    )


@pytest.mark.parametrize(
    ("channel", "error"),
    [
        ("C2", "not_in_channel"),
        ("C404", "channel_not_found"),
        ("G1", "channel_not_found"),  # private and the bot is not in it: invisible
        ("U404", "user_not_found"),
        ("U9", "user_disabled"),
    ],
)
def test_post_message_errors(client: WebClient, channel: str, error: str) -> None:
    err = api_error(lambda: client.chat_postMessage(channel=channel, text="x"))
    assert err.response.status_code == 200
    assert err.response["error"] == error


def test_auth_errors_and_unknown_method(emu: SlackEmulator) -> None:
    bad = WebClient(token="xoxb-nope", base_url=emu.base_url)
    assert api_error(lambda: bad.auth_test()).response["error"] == "invalid_auth"
    none = requests.post(emu.base_url + "auth.test", timeout=5)
    assert none.status_code == 200 and none.json() == {"ok": False, "error": "not_authed"}
    unknown = requests.post(emu.base_url + "chat.teleport", timeout=5)
    assert unknown.status_code == 404
    assert unknown.json() == {"ok": False, "error": "unknown_method"}
    assert WebClient(base_url=emu.base_url).api_test(foo="bar")["args"] == {"foo": "bar"}
    assert [c.team_id for c in emu.calls] == [None, None, None, None]

    emu.revoke_workspace("T1")
    revoked = WebClient(token=emu.token("T1"), base_url=emu.base_url)
    assert api_error(lambda: revoked.auth_test()).response["error"] == "token_revoked"


def test_auth_team_and_user_info(emu: SlackEmulator, client: WebClient) -> None:
    auth = client.auth_test()
    assert auth["team_id"] == "T1" and auth["user_id"] == emu.bot_user_id("T1")
    assert auth["bot_id"] == emu.bot_id("T1") and auth["url"] == "https://acme.slack.com/"
    assert client.team_info()["team"] == {
        "id": "T1",
        "name": "Acme",
        "domain": "acme",
        "email_domain": "",
        "icon": {"image_default": True},
    }
    user = client.users_info(user="U1")["user"]
    assert user["tz"] == "Europe/Berlin" and user["tz_offset"] in (3600, 7200)
    assert user["profile"]["real_name"] == "Alex Doe" and user["profile"]["display_name"] == "alex"
    assert api_error(lambda: client.users_info(user="U404")).response["error"] == "user_not_found"
    info = client.conversations_info(channel="C1")["channel"]
    assert info["name"] == "transition" and info["is_member"] is True


def too_many_blocks() -> list[dict]:
    return [{"type": "divider"}] * 51


@pytest.mark.parametrize(
    ("blocks", "pointer"),
    [
        (too_many_blocks(), "/blocks"),
        (
            [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}],
            "/blocks/0/text/text",
        ),
        (
            [
                {
                    "type": "actions",
                    "elements": [
                        {
                            "type": "button",
                            "action_id": "go",
                            "text": {"type": "plain_text", "text": "b" * 76},
                        }
                    ],
                }
            ],
            "/blocks/0/elements/0/text/text",
        ),
        ([{"type": "divider", "block_id": "a"}, {"type": "divider", "block_id": "a"}], "/blocks/1"),
    ],
    ids=["51-blocks", "3001-char-section", "76-char-button", "duplicate-block-id"],
)
def test_invalid_blocks(client: WebClient, blocks: list[dict], pointer: str) -> None:
    err = api_error(lambda: client.chat_postMessage(channel="C1", text="x", blocks=blocks))
    assert err.response["error"] == "invalid_blocks"
    messages = err.response["response_metadata"]["messages"]
    assert any(f"[json-pointer:{pointer}" in m for m in messages), messages
    assert all(m.startswith("[ERROR] ") for m in messages)


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing:UserWarning")
def test_text_limits(client: WebClient) -> None:
    assert api_error(lambda: client.chat_postMessage(channel="C1")).response["error"] == "no_text"
    err = api_error(lambda: client.chat_postMessage(channel="C1", text="x" * 40_001))
    assert err.response["error"] == "msg_too_long"


def test_update_and_delete(emu: SlackEmulator, client: WebClient) -> None:
    posted = client.chat_postMessage(channel="C1", text="v1", blocks=[SECTION])
    updated = client.chat_update(channel="C1", ts=posted["ts"], text="v2")
    assert updated["ts"] == posted["ts"]
    [message] = emu.messages("C1")
    assert message["text"] == "v2" and message["blocks"] == [SECTION]  # omitted blocks are kept

    human_ts = emu.add_message("C1", user="U1", text="mine")
    err = api_error(lambda: client.chat_update(channel="C1", ts=human_ts, text="hijack"))
    assert err.response["error"] == "cant_update_message"
    err = api_error(lambda: client.chat_update(channel="C1", ts="1.000000", text="x"))
    assert err.response["error"] == "message_not_found"
    err = api_error(lambda: client.chat_delete(channel="C1", ts=human_ts))
    assert err.response["error"] == "cant_delete_message"

    client.chat_delete(channel="C1", ts=posted["ts"])
    assert [m["ts"] for m in emu.messages("C1")] == [human_ts]


def test_post_ephemeral(emu: SlackEmulator, client: WebClient) -> None:
    response = client.chat_postEphemeral(channel="C1", user="U1", text="psst")
    [message] = emu.ephemerals("C1")
    assert message["ts"] == response["message_ts"] and message["recipient"] == "U1"
    assert emu.messages("C1") == []
    err = api_error(lambda: client.chat_postEphemeral(channel="C1", user="U404", text="x"))
    assert err.response["error"] == "user_not_in_channel"


def modal(title: str = "Check-in", **extra: object) -> dict:
    return {"type": "modal", "title": {"type": "plain_text", "text": title}, "blocks": [], **extra}


def test_views(emu: SlackEmulator, client: WebClient) -> None:
    err = api_error(lambda: client.views_open(trigger_id="t1", view=modal("x" * 25)))
    assert err.response["error"] == "invalid_arguments"
    assert err.response["response_metadata"]["messages"] == [
        "[ERROR] must be less than 25 characters [json-pointer:/title/text]"
    ]
    err = api_error(lambda: client.views_open(trigger_id="", view=modal()))
    assert err.response["error"] == "invalid_trigger_id"

    first_trigger = emu.issue_trigger("T1", "U1")
    opened = client.views_open(trigger_id=first_trigger, view=modal(callback_id="checkin"))["view"]
    assert opened["id"].startswith("V") and opened["team_id"] == "T1"
    assert opened["state"] == {"values": {}} and opened["callback_id"] == "checkin"
    assert emu.view_owner(opened["id"]) == "U1"
    pushed = client.views_push(trigger_id=emu.issue_trigger("T1", "U1"), view=modal("Step 2"))[
        "view"
    ]
    assert pushed["root_view_id"] == opened["id"] and pushed["previous_view_id"] == opened["id"]
    assert set(emu.open_views) == {opened["id"], pushed["id"]}

    err = api_error(lambda: client.views_update(view_id=opened["id"], hash="stale", view=modal()))
    assert err.response["error"] == "hash_conflict"
    updated = client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal("New"))
    assert updated["view"]["id"] == opened["id"] and updated["view"]["hash"] != opened["hash"]
    assert emu.open_views[opened["id"]]["title"]["text"] == "New"
    emu.close_view(opened["id"])
    assert emu.open_views == {}

    home = {"type": "home", "blocks": [SECTION]}
    first = client.views_publish(user_id="U1", view=home)["view"]
    again = client.views_publish(user_id="U1", view=home)["view"]
    assert first["id"] == again["id"]
    assert emu.home_view("T1", "U1") == again
    assert emu.home_view("T1", "U2") is None


def test_trigger_ids_are_single_use_and_expire_like_slacks(
    emu: SlackEmulator, client: WebClient
) -> None:
    # views.open's reference: invalid_trigger_id / exchanged_trigger_id / expired_trigger_id.
    assert (
        api_error(lambda: client.views_open(trigger_id="1.2.abc", view=modal())).response["error"]
        == "invalid_trigger_id"
    )
    trigger = emu.issue_trigger("T1", "U1")
    assert re.fullmatch(r"\d+\.\d+\.[0-9a-f]{32}", trigger)
    assert trigger != emu.issue_trigger("T1", "U1")
    client.views_open(trigger_id=trigger, view=modal())
    reused = api_error(lambda: client.views_open(trigger_id=trigger, view=modal()))
    assert reused.response["error"] == "exchanged_trigger_id"

    emu.add_workspace("T2", name="Other")
    other_team = emu.issue_trigger("T2", "U1")
    wrong = api_error(lambda: client.views_open(trigger_id=other_team, view=modal()))
    assert wrong.response["error"] == "invalid_trigger_id"

    emu.set_lifetimes(trigger=0.05)
    late = emu.issue_trigger("T1", "U1")
    time.sleep(0.1)  # past the (shortened) lifetime: not a scheduling wait
    expired = api_error(lambda: client.views_open(trigger_id=late, view=modal()))
    assert expired.response["error"] == "expired_trigger_id"


def test_every_method_checks_the_tokens_scopes(emu: SlackEmulator) -> None:
    token = emu.add_workspace("T3", name="Narrow", scopes=("chat:write",))
    emu.add_user("T3", "U31", name="nina")
    narrow = WebClient(token=token, base_url=emu.base_url)
    narrow.chat_postMessage(channel="U31", text="hi")  # chat:write is enough here
    refused = api_error(lambda: narrow.conversations_open(users="U31"))
    # Slack's shape: HTTP 200, error missing_scope, `needed` and `provided` as strings.
    assert refused.response.status_code == 200
    assert refused.response.data == {
        "ok": False,
        "error": "missing_scope",
        "needed": "im:write",
        "provided": "chat:write",
    }
    assert refused.response.headers["x-oauth-scopes"] == "chat:write"
    assert api_error(lambda: narrow.users_info(user="U31")).response["needed"] == "users:read"
    dm = emu.dm_channel("T3", "U31")
    history = api_error(lambda: narrow.conversations_history(channel=dm))
    assert history.response["needed"] == "im:history"  # the scope of the DM, not any history


def test_rate_limit_header_and_sdk_retry(emu: SlackEmulator) -> None:
    emu.rate_limit("chat.postMessage", retry_after=1, times=1)
    raw = requests.post(
        emu.base_url + "chat.postMessage",
        headers={"Authorization": f"Bearer {emu.token('T1')}"},
        json={"channel": "C1", "text": "x"},
        timeout=5,
    )
    assert raw.status_code == 429
    assert raw.headers["Retry-After"] == "1"
    assert raw.json() == {"ok": False, "error": "ratelimited"}

    # retry_after=0 keeps the SDK's sleep (Retry-After + up to 1 s jitter) short.
    emu.rate_limit("chat.postMessage", retry_after=0, times=1)
    client = WebClient(
        token=emu.token("T1"),
        base_url=emu.base_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    assert client.chat_postMessage(channel="C1", text="after wait")["ok"] is True
    statuses = [c.status for c in emu.calls_to("chat.postMessage")]
    assert statuses == [429, 429, 200]
    assert len(emu.calls_to("chat.postMessage", ok_only=True)) == 1


def test_server_error_then_success(emu: SlackEmulator) -> None:
    emu.server_error("chat.postMessage", status=500, times=1)
    client = WebClient(
        token=emu.token("T1"),
        base_url=emu.base_url,
        retry_handlers=[
            ServerErrorRetryHandler(
                max_retry_count=1, interval_calculator=FixedValueRetryIntervalCalculator(0.01)
            )
        ],
    )
    assert client.chat_postMessage(channel="C1", text="x")["ok"] is True
    assert [c.status for c in emu.calls_to("chat.postMessage")] == [500, 200]


def test_fail_injection_counts_and_clears(emu: SlackEmulator, client: WebClient) -> None:
    emu.fail("chat.postMessage", "not_in_channel", times=2)
    for _ in range(2):
        err = api_error(lambda: client.chat_postMessage(channel="C1", text="x"))
        assert err.response["error"] == "not_in_channel"
    assert client.chat_postMessage(channel="C1", text="x")["ok"] is True
    emu.fail("chat.postMessage", "fatal_error", times=5)
    emu.clear_faults()
    assert client.chat_postMessage(channel="C1", text="x")["ok"] is True
    assert [c.ok for c in emu.calls] == [False, False, True, True]


def test_file_upload_round_trip(emu: SlackEmulator, client: WebClient) -> None:
    content = b"week,focus\n1,discovery\n"
    url = client.files_getUploadURLExternal(filename="plan.csv", length=len(content))
    assert url["upload_url"] == f"{emu.base_url[: -len('/api/')]}/upload/{url['file_id']}"
    assert requests.post(url["upload_url"], data=content, timeout=5).status_code == 200
    client.files_completeUploadExternal(
        files=[{"id": url["file_id"], "title": "Plan"}],
        channel_id="C1",
        initial_comment="your plan",
    )
    assert emu.files[url["file_id"]] == {
        "filename": "plan.csv",
        "title": "Plan",
        "content": content,
        "channel_id": "C1",
        "completed": True,
    }
    [message] = emu.messages("C1")
    assert message["text"] == "your plan" and message["files"][0]["id"] == url["file_id"]

    # slack_sdk's own three-step helper works against it too.
    client.files_upload_v2(channel="U1", content=b"hi", filename="a.txt", title="A")
    assert [f["content"] for f in emu.files.values()] == [content, b"hi"]


def test_oauth_consent_grants_the_scopes_the_url_asked_for(emu: SlackEmulator) -> None:
    emu.register_app("cid", "sec", redirect_urls=["https://app.example/slack/oauth_redirect"])
    emu.consent_as("T1", "U1")
    consent = requests.get(
        emu.authorize_url,
        params={
            "client_id": "cid",
            "scope": "chat:write,im:write",
            "redirect_uri": "https://app.example/slack/oauth_redirect",
            "state": "st4te",
        },
        allow_redirects=False,
        timeout=5,
    )
    assert consent.status_code == 302
    back = urlsplit(consent.headers["Location"])
    assert back.netloc == "app.example" and back.path == "/slack/oauth_redirect"
    query = parse_qs(back.query)
    assert query["state"] == ["st4te"]
    code = query["code"][0]

    client = WebClient(base_url=emu.base_url)
    response = client.oauth_v2_access(client_id="cid", client_secret="sec", code=code)
    assert response["access_token"] == emu.token("T1")
    assert response["bot_user_id"] == emu.bot_user_id("T1")
    assert response["team"] == {"id": "T1", "name": "Acme"}
    assert response["token_type"] == "bot" and response["scope"] == "chat:write,im:write"
    assert response["authed_user"]["id"] == "U1" and response["app_id"]
    assert emu.scopes("T1") == {"chat:write", "im:write"}  # and nothing else

    def exchange(code: str, secret: str) -> str:
        call = lambda: client.oauth_v2_access(client_id="cid", client_secret=secret, code=code)  # noqa: E731
        return api_error(call).response["error"]

    assert exchange(code, "sec") == "invalid_code"  # single use
    assert exchange("nope", "sec") == "invalid_code"
    emu.add_oauth_code("code-2", "T1", client_id="cid", client_secret="sec", scope="chat:write")
    assert exchange("code-2", "wrong") == "bad_client_secret"
    unknown_app = requests.get(
        emu.authorize_url, params={"client_id": "other", "redirect_uri": "https://x"}, timeout=5
    )
    assert unknown_app.status_code == 400
    elsewhere = requests.get(
        emu.authorize_url,
        params={"client_id": "cid", "redirect_uri": "https://evil.example/steal"},
        timeout=5,
    )
    assert elsewhere.status_code == 400 and "bad_redirect_uri" in elsewhere.text


def respond(url: str, payload: object) -> requests.Response:
    return requests.post(url, json=payload, timeout=5)


def test_response_urls_post_ephemerals_replace_and_delete_like_slack(emu: SlackEmulator) -> None:
    url = emu.issue_response_url("T1", "U1", "C1")
    assert url.startswith(emu.root_url + "/respond/")  # never Slack's hooks host
    assert respond(url, {"text": "only you", "response_type": "ephemeral"}).status_code == 200
    [shown] = emu.ephemerals("C1")
    assert shown["recipient"] == "U1" and shown["text"] == "only you"
    # A slash command has no message of its own: replace_original replaces its first answer.
    assert respond(url, {"text": "replaced", "replace_original": True}).status_code == 200
    assert [m["text"] for m in emu.ephemerals("C1")] == ["replaced"]
    assert respond(url, {"text": "for all", "response_type": "in_channel"}).status_code == 200
    assert [m["text"] for m in emu.messages("C1")] == ["for all"]

    # A button on an ephemeral message: its response_url acts on that message.
    button_url = emu.issue_response_url("T1", "U1", "C1", source=("C1", shown["ts"], True))
    assert respond(button_url, {"delete_original": True}).status_code == 200
    assert emu.ephemerals("C1") == []
    [call] = [c for c in emu.calls_to("response_url") if c.params.get("delete_original")]
    assert call.team_id == "T1" and call.ok


def test_response_urls_refuse_bad_bodies_and_the_sixth_use(emu: SlackEmulator) -> None:
    url = emu.issue_response_url("T1", "U1", "C1")
    assert respond(url, ["not", "an", "object"]).status_code == 400
    assert respond(url, {"text": ""}).json()["error"] == "no_text"
    broken = respond(url, {"text": "x", "blocks": [{"type": "section"}]})
    assert broken.status_code == 400 and broken.json()["error"] == "invalid_blocks"
    for n in range(5):  # "up to 5 times within 30 minutes"
        assert respond(url, {"text": f"answer {n}"}).status_code == 200
    sixth = respond(url, {"text": "one too many"})
    assert sixth.status_code == 404 and sixth.json()["error"] == "no_service"
    assert respond(emu.root_url + "/respond/T1/never-issued", {"text": "x"}).status_code == 404

    emu.set_lifetimes(response_url=0.05)
    late = emu.issue_response_url("T1", "U1", "C1")
    time.sleep(0.1)  # past the (shortened) lifetime: not a scheduling wait
    assert respond(late, {"text": "too late"}).status_code == 404
    assert len(emu.ephemerals("C1")) == 5


def test_wait_for(emu: SlackEmulator, client: WebClient) -> None:
    started = time.monotonic()
    with pytest.raises(AssertionError, match=r"chat\.update"):
        emu.wait_for("chat.update", timeout=0.2)
    assert time.monotonic() - started < 1.0

    worker = threading.Thread(
        target=lambda: [client.chat_postMessage(channel="C1", text=str(i)) for i in range(3)]
    )
    worker.start()
    calls = emu.wait_for(
        "chat.postMessage", count=2, timeout=5, predicate=lambda c: c.params["text"] != "0"
    )
    worker.join()
    assert [c.params["text"] for c in calls][:2] == ["1", "2"]
    with pytest.raises(AssertionError, match=r"chat\.postMessage status=200"):
        emu.wait_for("chat.postMessage", count=4, timeout=0.05)


def test_latency_and_fast_stop() -> None:
    emulator = SlackEmulator(latency=0.1, bot_scopes=EVERY_SCOPE).start()
    token = emulator.add_workspace("T1")
    started = time.monotonic()
    WebClient(token=token, base_url=emulator.base_url).auth_test()
    assert time.monotonic() - started >= 0.1
    url = emulator.base_url
    started = time.monotonic()
    emulator.stop()
    assert time.monotonic() - started < 0.5
    with pytest.raises(requests.ConnectionError):
        requests.post(url + "api.test", timeout=1)


def test_conversations_history_returns_metadata_only_when_asked(emulator_and_token):
    emulator, token = emulator_and_token
    client = WebClient(token=token, base_url=emulator.base_url)
    metadata = {"event_type": "transition_coach_delivery", "event_payload": {"delivery_id": 7}}
    posted = client.chat_postMessage(channel="U1", text="hello", metadata=metadata)
    client.chat_postMessage(channel="U1", text="second")
    dm = posted["channel"]
    assert dm == emulator.dm_channel("T1", "U1")
    plain = client.conversations_history(channel=dm)
    assert [m["text"] for m in plain["messages"]] == ["second", "hello"]  # newest first
    assert all("metadata" not in m for m in plain["messages"])
    full = client.conversations_history(channel=dm, include_all_metadata=True, limit=1)
    assert full["has_more"] is True and [m["text"] for m in full["messages"]] == ["second"]
    full = client.conversations_history(channel=dm, include_all_metadata=True)
    assert full["messages"][1]["metadata"] == metadata
    assert emulator.messages(dm)[0]["metadata"] == metadata


def test_malformed_message_metadata_is_refused(emulator_and_token):
    emulator, token = emulator_and_token
    client = WebClient(token=token, base_url=emulator.base_url)
    with pytest.raises(SlackApiError) as error:
        client.chat_postMessage(channel="U1", text="x", metadata={"event_payload": {}})
    assert error.value.response["error"] == "invalid_metadata_format"


def test_users_list_pages_like_slack(emu: SlackEmulator, client: WebClient) -> None:
    """users.list (https://docs.slack.dev/reference/methods/users.list): every member, bots
    and deleted accounts included, paged by an opaque next_cursor; a page may be shorter
    than `limit` before the end; a bad cursor is `invalid_cursor`; users:read is needed."""
    for i in range(5):
        emu.add_user("T1", f"UX{i}", is_admin=i == 3)
    emu.add_workspace("T2")
    emu.add_user("T2", "UOTHER")  # another workspace's member never shows
    emu._state.users_page_size = 3
    seen: list[dict] = []
    cursor = ""
    pages = 0
    while True:
        page = client.users_list(limit=200, **({"cursor": cursor} if cursor else {}))
        assert len(page["members"]) <= 3  # shorter than asked for, and not the end
        seen += page["members"]
        pages += 1
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
    ids_seen = [m["id"] for m in seen]
    assert ids_seen == sorted(ids_seen) and len(ids_seen) == len(set(ids_seen))
    assert {"U1", "U9", "UT1BOT", "UX3"} <= set(ids_seen) and "UOTHER" not in ids_seen
    assert pages == -(-len(ids_seen) // 3)
    by_id = {m["id"]: m for m in seen}
    assert by_id["U9"]["deleted"] and by_id["UT1BOT"]["is_bot"] and by_id["UX3"]["is_admin"]
    assert client.users_list(limit=1)["members"][0]["id"] == ids_seen[0]
    assert api_error(lambda: client.users_list(cursor="not-a-cursor")).response["error"] == (
        "invalid_cursor"
    )
    assert api_error(lambda: client.users_list(limit="many")).response["error"] == (  # type: ignore[arg-type]
        "invalid_arguments"
    )
    narrow = WebClient(token=emu.add_workspace("T3", scopes=("chat:write",)), base_url=emu.base_url)
    assert api_error(lambda: narrow.users_list()).response["needed"] == "users:read"
