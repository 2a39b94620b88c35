"""`/transition summary` and the skills self-assessment."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from bot.blocks import ids
from bot.blocks.skills import skill_block_id
from bot.services.enrollment import join
from bot.services.journal import log_entry
from bot.skills import SKILLS
from slack_emulator import message_problems, view_problems
from slack_emulator.slack_requests import select_value
from storage.deliverables import mark_done
from storage.models import SkillRating


def enroll(slack, start: date = date(2026, 11, 16)) -> None:
    join(
        slack.services,
        team_id="T1",
        user_id="U1",
        program_id="product-engineer",
        background="backend",
        start_date=start,
        timezone="Europe/Berlin",
    )


def rate(slack, scores: dict[str, int]):
    slack.command("skills")
    view = slack.opened_view()
    values = {
        skill_block_id(skill): {"score": select_value(str(score))}
        for skill, score in scores.items()
    }
    return view, slack.sender.view_submission(view, values, user_id="U1")


def test_summary_counts_this_week_and_so_far_and_names_next_week(slack):
    enroll(slack)  # week 2 of 12 (weeks 1-2: observation phase)
    slack.clock.set(slack.clock.now() - timedelta(days=7))  # week 1
    log_entry(slack.services, team_id="T1", user_id="U1", kind="decision", text="old")
    slack.clock.set(slack.clock.now() + timedelta(days=7))  # week 2
    for text in ("a", "b"):
        log_entry(slack.services, team_id="T1", user_id="U1", kind="decision", text=text)
    body = slack.command("summary").json()
    rendered = str(body["blocks"])
    assert "week 2 of 12" in rendered
    assert "*This week:* 2 decisions" in rendered
    assert "*So far:* 3 decisions" in rendered
    assert "not done yet" in rendered and "due by the end of week 2" in rendered
    program = slack.services.programs["product-engineer"]
    assert program.phase_for_week(3).title in rendered  # next week starts a new phase
    assert "Skills:* not rated yet" in rendered
    assert message_problems(body["text"], body["blocks"]) == []
    # Counts only for the author: entry text never appears in the recap.
    assert "'old'" not in rendered


def test_summary_shows_a_done_deliverable(slack):
    enroll(slack)
    with slack.services.db.session() as session:
        mark_done(
            session,
            team_id="T1",
            user_id="U1",
            program_id="product-engineer",
            phase_key=slack.services.programs["product-engineer"].phase_for_week(2).key,
            evidence="doc link",
            now=slack.clock.now(),
        )
    rendered = str(slack.command("summary").json()["blocks"])
    assert ":white_check_mark: done" in rendered
    assert "1 of 6 deliverables done" in rendered


def test_summary_before_joining(slack):
    assert "haven't joined" in slack.command("summary").json()["text"]


def test_baseline_then_final_week_ratings_compare_start_with_now(slack):
    enroll(slack)
    view, response = rate(slack, {skill: 2 for skill in SKILLS})
    assert view["callback_id"] == ids.SKILLS_VIEW
    assert "baseline" in view["title"]["text"]
    assert view_problems(view) == []
    assert response.status == 200 and response.body == ""
    saved = slack.emulator.wait_for("chat.postMessage")[0]
    assert "Baseline saved" in saved.params["text"]

    slack.clock.advance(timedelta(weeks=10))  # week 12: the final week
    scores = {skill: 4 for skill in SKILLS} | {"saying_no": 2}
    view, _ = rate(slack, scores)
    assert "final week" in view["title"]["text"]
    final = slack.emulator.wait_for("chat.postMessage", count=2)[1]
    assert "Final ratings saved" in final.params["text"]
    with slack.services.db.session() as session:
        rows = session.exec(select(SkillRating)).all()
    assert {(r.moment, r.skill): r.score for r in rows} == {
        **{("start", s): 2 for s in SKILLS},
        **{("end", s): v for s, v in scores.items()},
    }
    rendered = str(slack.command("summary").json()["blocks"])
    assert "Skills, start → now" in rendered
    assert "`●●○○○` → `●●●●○` +2  Customer interviewing" in rendered
    assert "±0  Saying no" in rendered


def test_rating_again_replaces_instead_of_duplicating(slack):
    enroll(slack)
    rate(slack, {skill: 1 for skill in SKILLS})
    slack.emulator.wait_for("chat.postMessage")
    view, _ = rate(slack, {skill: 3 for skill in SKILLS})
    # The second modal was prefilled with the first answers.
    first = next(b for b in view["blocks"] if b.get("block_id") == skill_block_id("metrics"))
    assert first["element"]["initial_option"]["value"] == "1"
    slack.emulator.wait_for("chat.postMessage", count=2)
    with slack.services.db.session() as session:
        rows = session.exec(select(SkillRating)).all()
    assert len(rows) == len(SKILLS)
    assert {r.score for r in rows} == {3}


def test_missing_rating_is_reported_in_the_modal(slack):
    scores = {skill: 3 for skill in SKILLS}
    del scores["business"]
    _, response = rate(slack, scores)
    body = response.json()
    assert body["response_action"] == "errors"
    assert list(body["errors"]) == [skill_block_id("business")]


def test_welcome_message_offers_the_skills_button(slack):
    from tests.handlers.test_join import current_view, join_values

    slack.command("join")
    slack.sender.view_submission(current_view(slack), join_values(), user_id="U1")
    dm = slack.emulator.wait_for("chat.postMessage")[0]
    assert ids.OPEN_SKILLS in str(dm.params["blocks"])
    slack.sender.block_action(ids.OPEN_SKILLS, user_id="U1")
    opened = slack.emulator.wait_for("views.open", count=2)[-1]
    assert opened.params["view"]["callback_id"] == ids.SKILLS_VIEW
