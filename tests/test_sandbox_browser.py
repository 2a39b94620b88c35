"""The offline sandbox page in headless Chromium: a newcomer clicks through join, log, time
passing, a DM and a button, and the Block Kit / mrkdwn rendering is safe and faithful."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from sandbox.offline import DEMO_CHANNEL, DEMO_TEAM, OfflineBot
from slack_emulator import message_problems, view_problems
from storage.models import Entry
from tests.conftest import move_to

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

try:
    from playwright.sync_api import Page, expect, sync_playwright
except ImportError:  # pragma: no cover - only without the test extra
    sync_playwright = None  # type: ignore[assignment]

if (CHROMIUM is None or sync_playwright is None) and not os.environ.get("REQUIRE_BROWSER"):
    pytest.skip(
        "Chromium or Playwright is not installed (set REQUIRE_BROWSER=1 to make this fail)",
        allow_module_level=True,
    )

TIMEOUT_MS = 10_000
# Playing a simulated week is 168 scheduler passes: on a loaded 2-core machine that can
# take longer than a click's wait.
WEEK_MS = 60_000
# A picture is drawn in a child process (matplotlib's import, and on a fresh machine its
# font cache): seconds on a loaded machine.
PICTURE_MS = 30_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    assert CHROMIUM is not None and sync_playwright is not None, "REQUIRE_BROWSER is set"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, offline: OfflineBot) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 820})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(offline.sandbox.url + "/")
    yield page
    context.close()


def type_command(page: Page, text: str) -> None:
    page.fill("#composer-input", text)
    page.press("#composer-input", "Enter")


def messages_text(page: Page) -> str:
    return page.inner_text("#messages")


def test_a_newcomer_joins_logs_lets_a_week_pass_and_clicks_a_button(page, offline):
    emulator = offline.emulator
    # Monday 12:00 UTC is Monday 04:00 (or 05:00) for Alex in America/Los_Angeles: he joins
    # before his first prompt's 09:00, so it arrives while "next week" plays the week out.
    move_to(offline, weekday=0, hour=12)
    page.select_option("#member", "U0ALEX")
    expect(page.locator("#clock")).not_to_have_text("…")
    clock_before = page.inner_text("#clock")
    simulated_before = offline.clock.offset

    # /transition join opens the real modal (views.open at the emulator) in the page.
    type_command(page, "/transition join")
    modal = page.locator("#modal")
    expect(modal).to_be_visible()
    expect(modal).to_contain_text("Join a program")
    # The app updates the modal once it has read Alex's time zone (views.update).
    expect(modal).to_contain_text("America/Los_Angeles")
    [opened] = emulator.calls_to("views.open", ok_only=True)
    assert emulator.view_owner(opened.response["view"]["id"]) == "U0ALEX"
    assert view_problems(opened.response["view"]) == []

    # A start date too far out comes back as response_action: errors, shown inline.
    program = modal.locator('.input-block[data-block-id="join_program"] select')
    program.select_option(label="Software engineer to product engineer (12 weeks)")
    background = modal.locator('.input-block[data-block-id="join_background"] select')
    background.select_option(index=1)
    start = modal.locator('.input-block[data-block-id="join_start"] input[type=date]')
    far = (offline.clock.now() + timedelta(days=120)).date().isoformat()
    start.fill(far)
    page.click("#modal-submit")
    error = modal.locator('.input-block[data-block-id="join_start"] .error')
    expect(error).to_have_text("Pick a start date within the next eight weeks.")

    # A good date enrolls Alex; the modal closes and the welcome arrives as a DM.
    start.fill(offline.clock.now().date().isoformat())
    page.click("#modal-submit")
    expect(page.locator("#modal-backdrop")).to_be_hidden()
    expect(page.locator('.conv[data-conv="dm"] .badge')).to_have_text("1")

    # /transition log in #transition: an ephemeral only Alex sees, text shown, never run.
    type_command(page, "/transition log Chose annual billing <b>bold?</b> & asked <@U0SAM>")
    expect(page.locator("#messages .message.ephemeral").last).to_contain_text("Saved")
    last = page.locator("#messages .message.ephemeral").last
    expect(last).to_contain_text("Chose annual billing <b>bold?</b> & asked <@U0SAM>")
    assert last.locator("b:text('bold?')").count() == 0  # escaped, not injected
    ephemerals = emulator.ephemerals(DEMO_CHANNEL)
    assert [m["recipient"] for m in ephemerals] == ["U0ALEX"]
    assert message_problems(ephemerals[-1]["text"], ephemerals[-1]["blocks"]) == []

    # Time passes on the simulated clock only.
    page.click("#next-week")
    expect(page.locator("#next-week")).to_be_disabled()  # while the week plays out
    expect(page.locator("#next-week")).to_be_enabled(timeout=WEEK_MS)
    expect(page.locator("#clock")).not_to_have_text(clock_before)
    assert offline.clock.offset - simulated_before == timedelta(days=7)

    # The DM holds the bot's welcome and, the week having passed, the scheduler's weekly
    # prompt. The clock label can change before the scheduler pass has posted (the page polls),
    # so wait for the prompt on the page, as a user would, then read both from the emulator.
    page.click('.conv[data-conv="dm"]')
    expect(page.locator("#conv-title")).to_have_text("Transition Coach · Messages")
    expect(page.locator("#messages")).to_contain_text("You're in")
    expect(page.locator("#messages")).to_contain_text("Mark deliverable done")
    dm = emulator.dm_channel(DEMO_TEAM, "U0ALEX")
    messages = emulator.messages(dm)
    welcome = next(m for m in messages if "You're in" in m["text"])
    prompt = next(m for m in messages if m["text"].startswith("Week "))
    for message in (welcome, prompt):
        assert message_problems(message["text"], message["blocks"]) == []

    # /transition status in the DM shows buttons; clicking one opens the journal modal.
    # (The welcome above has a "Log a decision" button too: take the status reply's.)
    type_command(page, "/transition status")
    button = page.locator('#messages .message.ephemeral button[data-action-id="open_journal"]').last
    expect(button).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "sandbox.png"))
    button.click()
    expect(modal).to_contain_text("Decision journal")
    emulator.wait_for("views.open", count=2)
    page.screenshot(path=str(ARTIFACTS / "sandbox-modal.png"))

    # Filling and saving the journal modal stores the entry through the same code path.
    modal.locator(
        '.input-block[data-block-id="journal_decision"] textarea, '
        '.input-block[data-block-id="journal_decision"] input'
    ).fill("Annual plan first, monthly later")
    page.click("#modal-submit")
    expect(page.locator("#modal-backdrop")).to_be_hidden()
    expect(page.locator("#messages .message.ephemeral").last).to_contain_text("Saved")


def test_required_fields_are_checked_before_anything_is_sent(page, offline):
    page.select_option("#member", "U0ALEX")
    type_command(page, "/transition log")
    expect(page.locator("#modal")).to_contain_text("Decision journal")
    page.click("#modal-submit")
    error = page.locator('.input-block[data-block-id="journal_decision"] .error')
    expect(error).to_have_text("Please complete this required field.")
    # Nothing reached the bot: the modal is still open and nothing was stored.
    assert len(offline.emulator.open_views) == 1
    with offline.services.db.session() as session:
        assert session.exec(select(Entry)).all() == []
    page.click("#modal-close")
    expect(page.locator("#modal-backdrop")).to_be_hidden()
    assert offline.emulator.open_views == {}


def test_an_update_to_an_open_modal_keeps_what_was_typed(page, offline):
    page.select_option("#member", "U0PRIYA")
    type_command(page, "/transition log")
    modal = page.locator("#modal")
    expect(modal).to_contain_text("Decision journal")
    decision = modal.locator('.input-block[data-block-id="journal_decision"] textarea')
    decision.fill("Typed before the update")
    [opened] = offline.emulator.calls_to("views.open", ok_only=True)
    view = opened.response["view"]
    changed = {k: view[k] for k in ("type", "callback_id", "blocks", "close", "submit")}
    changed["title"] = {"type": "plain_text", "text": "Journal (updated)"}
    offline.client_for_team(DEMO_TEAM).update_view(view["id"], changed)
    expect(modal).to_contain_text("Journal (updated)")
    expect(decision).to_have_value("Typed before the update")


def test_the_home_tab_is_the_published_view(page, offline):
    page.select_option("#member", "U0SAM")
    page.click('.conv[data-conv="home"]')
    expect(page.locator("#home .block").first).to_be_visible()
    home = offline.emulator.home_view(DEMO_TEAM, "U0SAM")
    assert home is not None and view_problems(home) == []
    expect(page.locator("#home")).to_contain_text("Software engineer to product engineer")
    assert page.locator("#home .header").count() >= 1
    # Sam's own progress picture: Home is published again once it is drawn (in a child
    # process) and uploaded; an image block naming the file, shown from the emulator's
    # bytes (a real, decoded PNG: naturalWidth > 0).
    image = page.locator("#home img.block-image")
    expect(image).to_be_visible(timeout=PICTURE_MS)
    home = offline.emulator.home_view(DEMO_TEAM, "U0SAM")
    assert home is not None and view_problems(home) == []
    [block] = [b for b in home["blocks"] if b["type"] == "image"]
    assert image.get_attribute("src") == f"/api/files/{block['slack_file']['id']}"
    assert image.get_attribute("alt") == block["alt_text"]
    page.wait_for_function(
        "() => { const i = document.querySelector('#home img.block-image');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )
    assert image.evaluate("i => i.naturalWidth") == 900


def test_the_digest_chart_shows_in_the_channel(page, offline):
    from bot.blocks.pictures import image_block
    from bot.pictures import digest_chart
    from bot.services.digest import ProgramDigest

    chart = digest_chart(
        [ProgramDigest("product-engineer", "Software engineer to product engineer", 12,
                       by_week={2: 2, 3: 1}, participation=(0, 1, 2, 2, 3, 3))]
    )  # fmt: skip
    assert chart is not None
    slack = offline.client_for_team(DEMO_TEAM)
    file_id = slack.upload_picture(chart)
    blocks = [image_block(file_id, alt_text=chart.alt_text, title=chart.title)]
    slack.post(DEMO_CHANNEL, "Weekly digest", blocks)
    page.select_option("#member", "U0SAM")
    image = page.locator("#messages img.block-image")
    expect(image).to_be_visible(timeout=PICTURE_MS)
    page.wait_for_function(
        "() => { const i = document.querySelector('#messages img.block-image');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )
    assert "2 members in week 2" in str(image.get_attribute("alt"))
    # Another team's or an unknown file is never served.
    assert page.request.get(offline.sandbox.url + "/api/files/F00009999").status == 404


def test_the_portfolio_canvas_opens_in_the_sandbox(page, offline):
    page.select_option("#member", "U0SAM")
    page.fill("#composer-input", "/transition portfolio")
    page.press("#composer-input", "Enter")
    offline.emulator.wait_for("canvases.access.set", predicate=lambda c: c.ok)
    # The reply links the canvas with Block Kit's canvas element; following it opens it.
    link = page.locator("#messages a.canvas-link").last
    expect(link).to_have_text("Transition portfolio", timeout=WEEK_MS)
    link.click()
    expect(page.locator("#canvases h2")).to_have_text("Transition portfolio")
    expect(page.locator("#canvases .canvas-doc")).to_contain_text("## Problem discovery")


MRKDWN_CASES = [
    ("*bold* and _italic_ and ~gone~", "<b>bold</b> and <i>italic</i> and <s>gone</s>"),
    ("use `code *here*`", "use <code>code *here*</code>"),
    ("```\nline 1\n<b>x</b>\n```", "<pre>line 1\n&lt;b&gt;x&lt;/b&gt;\n</pre>"),
    ("&gt; quoted\nnext", "<blockquote>quoted</blockquote>next"),
    ("• one\n• two", "• one<br>• two"),
    (
        "<https://example.com/a?b=1&amp;c=2|the *docs*>",
        '<a href="https://example.com/a?b=1&amp;c=2" target="_blank" '
        'rel="noopener noreferrer">the <b>docs</b></a>',
    ),
    ("hi <@U0SAM>", 'hi <span class="mention">@Sam Okafor</span>'),
    ("<!date^1700000000^{date_short}|Nov 14, 2023> due", "Nov 14, 2023 due"),
    ("a &lt;b&gt; &amp; c", "a &lt;b&gt; &amp; c"),
    ("&lt;img src=x onerror=alert(1)&gt;", "&lt;img src=x onerror=alert(1)&gt;"),
    ("<javascript:alert(1)|click>", "&lt;javascript:alert(1)|click&gt;"),
    ("\"quotes\" & 'single'", "&quot;quotes&quot; &amp; &#39;single&#39;"),
    (":wave: hi", "👋 hi"),
    ("snake_case_name stays", "snake_case_name stays"),
]


def test_mrkdwn_renders_like_slack_and_never_injects_html(page):
    page.wait_for_function("window.sandboxRender !== undefined")
    rendered = page.evaluate(
        "(texts) => texts.map((t) => window.sandboxRender.mrkdwnToHtml(t, {U0SAM: 'Sam Okafor'}))",
        [source for source, _ in MRKDWN_CASES],
    )
    assert rendered == [html for _, html in MRKDWN_CASES]


def test_a_member_writes_to_the_app_changes_the_kind_and_replies_in_a_thread(page, offline):
    """Issue 14, played in the page: typing in Messages saves an entry, the kind menu files
    it as another kind in place, a reply in a prompt's thread is answered there, and a
    channel message is saved with the message shortcut."""
    emulator = offline.emulator
    page.select_option("#member", "U0SAM")
    page.click('.conv[data-conv="dm"]')
    type_command(page, "Problem is that exports time out for big accounts")
    confirmation = page.locator("#messages .message", has_text="Saved as a decision").last
    expect(confirmation).to_be_visible()
    menu = confirmation.locator('select[data-action-id="entry_kind"]')
    expect(menu.locator("option:checked")).to_have_text("Decision journal")
    menu.select_option(label="Problem statement")
    expect(page.locator("#messages")).to_contain_text("Saved as a problem statement")
    with offline.services.db.session() as session:
        [entry] = session.exec(
            select(Entry).where(Entry.text == "Problem is that exports time out for big accounts")
        ).all()
    assert entry.kind == "problem_statement"

    # Reply in the thread of one of the app's messages: the answer comes in that thread.
    page.locator("#messages .message", has_text="Saved as a problem statement").locator(
        "button.link", has_text="Reply in thread"
    ).click()
    expect(page.locator("#thread-note")).to_be_visible()
    type_command(page, "Two more accounts confirmed it")
    expect(page.locator("#messages .message.reply").last).to_contain_text("Saved as a decision")
    dm = emulator.dm_channel(DEMO_TEAM, "U0SAM")
    replies = [m for m in emulator.messages(dm) if m.get("thread_ts") not in (None, m["ts"])]
    assert len(replies) == 2  # Sam's reply and the app's answer, both in the thread

    # In #transition, a message Alex wrote is saved by Sam with the shortcut.
    emulator.add_message(DEMO_CHANNEL, "U0ALEX", "Our biggest customer churned over exports")
    page.click('.conv[data-conv="channel"]')
    page.locator("#messages .message", has_text="churned over exports").locator(
        "button.link", has_text="Save to my journal"
    ).click()
    expect(page.locator("#messages .message.ephemeral").last).to_contain_text(
        "Saved as a customer insight"
    )


def test_the_checklist_ticks_and_leave_asks_first_in_the_page(page, offline):
    """Issue 14: a prompt's checklist box is ticked in the page and remembered; `leave`
    asks first, with Slack's confirmation dialog, and only then ends the enrollment."""
    from storage import participants
    from storage.models import ChecklistTick

    move_to(offline, 0, 5)  # Monday early: the week played next brings Sam's prompt
    page.select_option("#member", "U0SAM")
    page.click("#next-week")
    expect(page.locator("#next-week")).to_be_enabled(timeout=WEEK_MS)
    page.click('.conv[data-conv="dm"]')
    prompt = page.locator("#messages .message", has_text="Checklist for this phase").last
    expect(prompt).to_be_visible()
    prompt.locator(".checkboxes input").first.check()
    offline.emulator.wait_until(lambda: _ticks(offline, ChecklistTick) == 1)

    type_command(page, "/transition leave")
    question = page.locator("#messages .message.ephemeral", has_text="Leave ").last
    question.locator('button[data-action-id="leave_confirm"]').click()
    dialog = question.locator(".confirm-dialog")
    expect(dialog).to_contain_text("Prompts stop; your entries are kept.")
    with offline.services.db.session() as session:  # nothing happens before the answer
        sam = participants.get_participant(session, team_id=DEMO_TEAM, user_id="U0SAM")
        assert sam is not None and sam.status == "active"
    dialog.locator("button.confirm-yes").click()
    expect(page.locator("#messages")).to_contain_text("You've left the program")
    with offline.services.db.session() as session:
        sam = participants.get_participant(session, team_id=DEMO_TEAM, user_id="U0SAM")
        assert sam is not None and sam.status == "left"


def _ticks(offline: OfflineBot, table: Any) -> int:
    with offline.services.db.session() as session:
        return len(session.exec(select(table)).all())


def test_an_admin_runs_a_cohort_from_the_page_and_a_member_joins_it(page, offline):
    """As Priya (admin): Home's conversations and users menus change the team channel and
    name a bot admin; Create a cohort (its channel from a conversations menu) posts the intro
    in #pe-cohort; as Alex: its Join button opens the join form filled in for the cohort."""
    from sandbox.offline import DEMO_COHORT_CHANNEL

    emulator = offline.emulator
    page.select_option("#member", "U0PRIYA")
    page.click('.conv[data-conv="home"]')
    home = page.locator("#home")
    expect(home).to_contain_text("Workspace settings (admins)")
    channel_menu = home.locator('select[data-action-id="admin_channel_select"]')
    expect(channel_menu).to_have_value(DEMO_CHANNEL)  # the current team channel is picked
    assert "[conversations_select]" not in home.inner_text()
    channel_menu.select_option(label="# pe-cohort")
    emulator.wait_for(
        "views.publish",
        predicate=lambda c: f"'initial_conversation': '{DEMO_COHORT_CHANNEL}'" in str(c.params),
    )
    with offline.services.db.session() as session:
        from storage.workspaces import get_workspace

        assert get_workspace(session, team_id=DEMO_TEAM).team_channel_id == DEMO_COHORT_CHANNEL
    expect(channel_menu).to_have_value(DEMO_COHORT_CHANNEL)
    home.locator('select[data-action-id="admin_add_select"]').select_option(label="Sam Okafor")
    expect(home).to_contain_text("Sam Okafor", timeout=TIMEOUT_MS)  # named: shown as a bot admin

    # Create a cohort: name, program, start week, and its channel from a menu.
    home.get_by_role("button", name="Create a cohort").click()
    modal = page.locator("#modal")
    expect(modal).to_contain_text("Create a cohort")
    modal.locator('.input-block[data-block-id="cohort_name"] input').fill("Spring PE cohort")
    modal.locator('.input-block[data-block-id="cohort_program"] select').select_option(
        label="Software engineer to product engineer (12 weeks)"
    )
    modal.locator('.input-block[data-block-id="cohort_channel"] select').select_option(
        label="# pe-cohort"
    )
    page.click("#modal-submit")
    expect(page.locator("#modal-backdrop")).to_be_hidden()
    emulator.wait_for(
        "chat.postMessage", predicate=lambda c: c.params["channel"] == DEMO_COHORT_CHANNEL
    )

    # As Alex: the intro post in #pe-cohort, its Join button, the form filled in.
    page.select_option("#member", "U0ALEX")
    page.click('.conv[data-conv="cohort"]')
    expect(page.locator("#conv-title")).to_have_text("# pe-cohort")
    intro = page.locator("#messages .message").filter(has_text="Spring PE cohort")
    expect(intro).to_have_count(1)
    intro.locator('button[data-action-id="cohort_join"]').click()
    expect(modal).to_contain_text("Join a program")
    program = modal.locator('.input-block[data-block-id="join_program"] select')
    expect(program.locator("option:checked")).to_have_text(
        "Software engineer to product engineer (12 weeks)"
    )
    modal.locator('.input-block[data-block-id="join_background"] select').select_option(index=1)
    page.click("#modal-submit")
    expect(page.locator("#modal-backdrop")).to_be_hidden()
    with offline.services.db.session() as session:
        from storage.participants import get_participant

        alex = get_participant(session, team_id=DEMO_TEAM, user_id="U0ALEX")
        assert alex is not None and alex.cohort_id is not None
