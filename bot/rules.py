"""The one rule set: what makes each kind of evidence strong.

The feedback after logging (`bot.coaching`), a deliverable's "done when" check
(`check_deliverable`) and the portfolio's grading (`bot.portfolio`) all ask these rules, so
they never disagree. Each rule reports what it found, quoted from the member's own words, or
what would finish it.

The rules read structure, not keywords: a resume bullet's problem has to be a clause that
opens with a discovery verb and names a pain in the member's own words, its decision a clause
of its own, its result a number or an outcome it was tied to. A line made of the rule words
alone ("identified problem, prioritized, metrics") meets none of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from bot.kinds import KIND_NOUNS, a_kind, plural

MIN_EVIDENCE = 3  # a problem statement holds up with three pieces of evidence
MIN_STRONG_BULLETS = 3  # both guides: the top three bullets carry the resume
QUOTE_CHARS = 90


@dataclass(frozen=True)
class Finding:
    """One rule applied to one entry: met with the member's words, or what is missing."""

    rule: str  # stable id, e.g. "bullet.problem"
    label: str  # what the rule looks for, e.g. "the problem you found"
    met: bool
    found: str = ""  # the member's words that meet it (empty when not met)
    missing: str = ""  # what would finish it (empty when met)


class EntryLike(Protocol):
    """What the rules need of a stored entry."""

    kind: str
    fields: dict[str, Any]


E = TypeVar("E", bound=EntryLike)


# -- reading text -------------------------------------------------------------------------------

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9%'’./-]*[A-Za-z0-9%]|[A-Za-z0-9]")
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "for",
        "and",
        "or",
        "in",
        "on",
        "at",
        "by",
        "with",
        "from",
        "into",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "our",
        "their",
        "my",
        "his",
        "her",
        "we",
        "i",
        "they",
        "you",
        "he",
        "she",
        "them",
        "us",
        "me",
        "so",
        "than",
        "then",
        "which",
        "who",
        "what",
        "when",
        "where",
        "how",
        "all",
        "any",
        "each",
        "every",
        "more",
        "most",
        "very",
        "also",
        "just",
        "only",
        "over",
    ]
)
_PLACEHOLDER = frozenset(
    {"n/a", "na", "tbd", "todo", "tbc", "-", "--", "?", "x", "xx", "xxx", "asdf", "test", "."}
)
# A clause ends at punctuation (not a decimal point) or a joining word.
_CLAUSE_SPLIT = re.compile(
    r"\s*(?:[,;:()]|\.(?!\d)|\s[—–-]\s|\band then\b|\band\b|\bthen\b|\bwhile\b)\s*",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\d")
_MEASURE = re.compile(
    r"(\d[\d,.]*\s*(%|x\b|×|percent|pp\b|points?|ms\b|seconds?|minutes?|hours?|days?|weeks?|"
    r"months?|users?|customers?|accounts?|teams?|tickets?|k\b)|\bfrom\s+\S*\d\S*\s+to\s+\S*\d|"
    r"\b[a-z]%)",
    re.IGNORECASE,
)
_DIRECTION = re.compile(
    r"\b(increase[sd]?|decrease[sd]?|reduc(e|es|ed|ing)|rais(e|es|ed)|grow(s|n)?|cut|"
    r"lower(s|ed)?|improv(e|es|ed)|drop(s|ped)?|lift(s|ed)?|boost(s|ed)?|double[sd]?|halve[sd]?|"
    r"fell|rose|from|to|up|down|more|less|fewer|under|below|above|within)\b",
    re.IGNORECASE,
)


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _text(fields: Mapping[str, Any], key: str) -> str:
    value = fields.get(key)
    return " ".join(value.split()) if isinstance(value, str) else ""


def _substantive(text: str, *, min_words: int = 2) -> bool:
    """Real content: enough words, not a placeholder like "tbd" or "n/a"."""
    words = _words(text)
    if not words or " ".join(words) in _PLACEHOLDER:
        return False
    return len([w for w in words if w not in _STOP]) >= min(min_words, len(words)) and (
        len(words) >= min_words
    )


def has_substance(text: str, min_words: int = 2) -> bool:
    """True for real content (not "tbd", "n/a" or a lone word)."""
    return _substantive(text, min_words=min_words)


def has_number(text: str) -> bool:
    """True when `text` holds a digit."""
    return bool(_NUMBER.search(text))


def quote(text: str, limit: int = QUOTE_CHARS) -> str:
    """The member's words, collapsed onto one line and cut at a word boundary."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


def clauses(text: str) -> list[str]:
    """The clauses of a sentence: split at punctuation and joining words, empty ones dropped."""
    return [c.strip() for c in _CLAUSE_SPLIT.split(text) if c and c.strip()]


def _met(rule: str, label: str, found: str) -> Finding:
    return Finding(rule, label, True, found=quote(found))


def _unmet(rule: str, label: str, missing: str) -> Finding:
    return Finding(rule, label, False, missing=missing)


def _field_rule(
    fields: Mapping[str, Any], key: str, rule: str, label: str, missing: str, min_words: int = 2
) -> Finding:
    value = _text(fields, key)
    if _substantive(value, min_words=min_words):
        return _met(rule, label, value)
    return _unmet(rule, label, missing)


# -- resume bullets: problem, decision, result, each in a clause of its own ---------------------

_DISCOVERY = re.compile(
    r"^(identif|diagnos|fram|mapp|map|notic|found|find|discover|uncover|trac|investigat|spott?|"
    r"surfac|pinpoint|interview|analy[sz]|audit|observ|detect|validat|research|quantif|learn|"
    r"heard|realis|realiz|recogni)",
)
_DECISION = re.compile(
    r"^(compar|evaluat|prioriti[sz]|rank|chose|choos|decid|recommend|weigh|trad|sequenc|select|"
    r"pick|propos|kill|deprioriti|scop|align|drove|drive|led|pitch|negotiat|redirect|reprioriti|"
    r"pushed|argued|convinc|framed|defin|set|ship|built|build|launch|releas|deliver|rolled|"
    r"redesign|introduc|creat|replac|rebuil|simplif|fix|automat|cut)",
)
_PROBLEM = re.compile(
    r"\b(problems?|pain\w*|friction|bottlenecks?|drop-?offs?|churn\w*|complain\w*|confus\w*|"
    r"struggl\w*|block\w*|abandon\w*|hurt\w*|flak\w*|unreliab\w*|not|never|gaps?|delays?|slow\w*|stuck|fail\w*|errors?|manual\w*|"
    r"by hand|can'?t|cannot|unable|los(s|t|ing)|wast\w*|frustrat\w*|risk\w*|outages?|"
    r"incidents?|costs?|tickets?)\b",
    re.IGNORECASE,
)
_OUTCOME = re.compile(
    r"\b(outcomes?|metrics?|goals?|activation|retention|conversion|revenue|churn|cycle-?time|"
    r"incident\w*|velocity|adoption|engagement|nps|satisfaction|impact|time-to-[a-z-]+|"
    r"sign-?ups?|renewals?|growth|value|efficiency|productivity|latency|uptime)\b",
    re.IGNORECASE,
)
_TIE = re.compile(
    r"\b(tied|tying|ties|aligned|align\w*|defin\w*|resulting|result\w*|improv\w*|increas\w*|"
    r"reduc\w*|rais\w*|lift\w*|grew|grow(s|n|ing)?|fell|dropp\w*|cut|moved|moving|affect\w*|toward\w*|"
    r"by|against|won|winning|saving|saved|measur\w*|target\w*|doubl\w*|halv\w*|boost\w*)\b",
    re.IGNORECASE,
)
# Words the rules look for: a clause made only of these (and stop words) says nothing.
_RULE_WORDS = re.compile(
    r"^(identif|diagnos|fram|mapp|notic|found|discover|uncover|analy|compar|evaluat|prioriti|"
    r"rank|decid|decision|recommend|sequenc|select|trade|tradeoff|option|alternativ|ship|built|"
    r"build|launch|problem|pain|friction|bottleneck|outcome|metric|goal|impact|result|measur|"
    r"improv|increas|reduc|user|customer|team|data|activation|retention|conversion|"
    r"revenue|kpi|okr|stakeholder|scope|roadmap|strateg|insight|evidence)",
)


def _content(words: Iterable[str]) -> list[str]:
    return [w for w in words if w not in _STOP and not w.isdigit()]


def _own_words(clause_words: Sequence[str]) -> list[str]:
    """The member's own content words in a clause: not stop words, not the rules' vocabulary."""
    return [w for w in _content(clause_words) if not _RULE_WORDS.match(w)]


def _head(clause: str) -> tuple[str, list[str]]:
    """The clause's verb (its first word after an I/we) and the words after it."""
    words = _words(clause)
    while words and words[0] in {"i", "we", "then", "also", "first", "personally"}:
        words = words[1:]
    return (words[0], words[1:]) if words else ("", [])


def _stuffed(text: str) -> bool:
    """Mostly the rules' own vocabulary: a list of keywords rather than a sentence."""
    content = _content(_words(text))
    if not content:
        return True
    rule_words = sum(1 for w in content if _RULE_WORDS.match(w))
    return rule_words >= 3 and rule_words / len(content) > 0.6


def _bullet_problem(parts: Sequence[str]) -> str | None:
    for clause in parts:
        verb, rest = _head(clause)
        if _DISCOVERY.match(verb) and _own_words(rest) and _PROBLEM.search(" ".join(rest)):
            return clause
    return None


def _bullet_decision(parts: Sequence[str], problem: str | None) -> str | None:
    for clause in parts:
        if clause == problem:
            continue
        verb, rest = _head(clause)
        if _DECISION.match(verb) and len(_own_words(rest)) >= 1 and len(rest) >= 2:
            return clause
    return None


def _bullet_result(parts: Sequence[str], text: str) -> str | None:
    for clause in parts:
        if _MEASURE.search(clause) and (_OUTCOME.search(clause) or _TIE.search(clause)):
            return clause
    for clause in parts:
        if _OUTCOME.search(clause) and _TIE.search(clause) and len(_words(clause)) >= 3:
            return clause
    found = _MEASURE.search(text)
    return text[found.start() :] if found else None


def resume_bullet(fields: Mapping[str, Any]) -> list[Finding]:
    """A bullet shows the problem found, the decision made, and the result it moved or served."""
    text = _text(fields, "bullet")
    labels = ("the problem you found", "what you decided or shipped", "the result")
    if _stuffed(text):
        hint = (
            "This reads as a list of words rather than a sentence. Tell it as one line: "
            "the problem you found and who had it, what you chose to do, and what changed."
        )
        return [
            _unmet("bullet.problem", labels[0], hint),
            _unmet("bullet.decision", labels[1], "Name the option you chose and why."),
            _unmet("bullet.result", labels[2], "End with the number that moved."),
        ]
    parts = clauses(text)
    problem = _bullet_problem(parts)
    decision = _bullet_decision(parts, problem)
    result = _bullet_result(parts, text)
    return [
        _met("bullet.problem", labels[0], problem)
        if problem
        else _unmet(
            "bullet.problem",
            labels[0],
            "Open with the problem you found (_identified…_, _diagnosed…_, _mapped…_) and whose "
            "problem it was, not with what you built.",
        ),
        _met("bullet.decision", labels[1], decision)
        if decision
        else _unmet(
            "bullet.decision",
            labels[1],
            "Add the call you made: the options you compared, what you prioritized, or what "
            "you shipped because of the problem.",
        ),
        _met("bullet.result", labels[2], result)
        if result
        else _unmet(
            "bullet.result",
            labels[2],
            "End with the result: the metric that moved and by how much (_activation up 12%_), "
            "or the outcome the work was tied to.",
        ),
    ]


# -- the other kinds -----------------------------------------------------------------------------

_WHO = re.compile(
    r"\b(users?|customers?|clients?|developers?|engineers?|teams?|admins?|buyers?|sellers?|"
    r"merchants?|members?|subscribers?|people|patients?|students?|stakeholders?|prospects?|"
    r"accounts?|shoppers?|operators?|owners?|managers?|agents?|staff|partners?|visitors?|"
    r"readers?|drivers?|hosts?|guests?|cohort|newcomers?|beginners?|signups?|trials?)\b",
    re.IGNORECASE,
)
_FEATURE_VERBS = frozenset(
    [
        "build",
        "add",
        "ship",
        "launch",
        "implement",
        "create",
        "release",
        "develop",
        "migrate",
        "rewrite",
        "integrate",
        "introduce",
        "deliver",
        "make",
    ]
)
_REQUEST = re.compile(
    r"\b(want|wants|wanted|need|needs|wish|would like|'d like|please add|can you add|"
    r"could you add|should add|add an?|give us|feature request|asked for|requested)\b",
    re.IGNORECASE,
)
_SITUATION = re.compile(
    r"\b(can'?t|cannot|couldn'?t|unable|no way|have to|has to|had to|every (day|week|month|"
    r"time|monday|friday)|by hand|manually|takes?|took|spend\w*|wait\w*|stuck|confus\w*|lost|"
    r"los(e|es|ing)|fail\w*|break\w*|broke|slow|hard|frustrat\w*|gave up|give up|abandon\w*|"
    r"miss\w*|wrong|error\w*|because|so that|so they|boss|report\w*|instead|workaround|"
    r"rebuild\w*|copy\w*|paste\w*|hours?|minutes?|days?)\b",
    re.IGNORECASE,
)
_SOLUTION = re.compile(
    r"\b(we should (build|add|create|ship|implement|make)|the (fix|solution) is|solution:|"
    r"let'?s (build|add)|i propose|we propose|proposed solution|build an?|add an?)\b",
    re.IGNORECASE,
)


def evidence_items(raw: str) -> list[str]:
    """The pieces of evidence in a problem statement: one per non-empty line, bullets removed."""
    items = []
    for line in raw.splitlines():
        cleaned = line.strip().lstrip("-*•·").strip()
        if cleaned and cleaned.lower() not in _PLACEHOLDER:
            items.append(cleaned)
    return items


def decision(fields: Mapping[str, Any]) -> list[Finding]:
    """A journal entry: the decision, who made it, the data behind it (or none), the option
    not taken."""
    data = _text(fields, "data")
    return [
        _field_rule(
            fields, "decision", "decision.what", "the decision", "Say what was decided.", 3
        ),
        _field_rule(
            fields, "who", "decision.who", "who made it", "Add who made the call.", min_words=1
        ),
        _met("decision.data", "the data behind it", data)
        if _substantive(data, min_words=1) or data.lower().strip(". ") in {"none", "no data"}
        else _unmet(
            "decision.data",
            "the data behind it",
            "Add the data that informed it, or write _none_ if nobody had any.",
        ),
        _field_rule(
            fields,
            "alternative",
            "decision.alternative",
            "the option not taken",
            "Add the alternative that lost.",
        ),
    ]


def customer_insight(fields: Mapping[str, Any]) -> list[Finding]:
    """An insight records where it came from and the problem behind what the user asked for."""
    heard = _text(fields, "heard")
    source = _text(fields, "source")
    request = _REQUEST.search(heard)
    situation = _SITUATION.search(heard)
    if _substantive(heard, min_words=4) and situation and not _stuffed_insight(heard):
        problem = _met("insight.problem", "the problem behind it", heard)
    elif request:
        problem = _unmet(
            "insight.problem",
            "the problem behind it",
            "That is the request, not the problem. Ask why they want it and write down the "
            "situation (_I can't get my data into the report my boss reads_).",
        )
    else:
        problem = _unmet(
            "insight.problem",
            "the problem behind it",
            "Describe what the user was trying to do and what got in the way, in a sentence.",
        )
    return [
        problem,
        _met("insight.source", "where you heard it", source)
        if source
        else _unmet("insight.source", "where you heard it", "Say where you heard it."),
    ]


def _stuffed_insight(text: str) -> bool:
    words = _content(_words(text))
    return len(words) < 3


def problem_statement(fields: Mapping[str, Any]) -> list[Finding]:
    """A problem statement names who has the pain, holds three pieces of evidence and leaves
    the solution for later."""
    problem = _text(fields, "problem")
    items = evidence_items(fields.get("evidence") or "")
    count = len(items)
    who = _WHO.search(problem)
    if count >= MIN_EVIDENCE:
        evidence = _met("problem.evidence", "evidence", "; ".join(items))
    else:
        have = "no evidence" if count == 0 else plural(count, "piece") + " of evidence"
        evidence = _unmet(
            "problem.evidence",
            "evidence",
            f"You have {have}; a problem statement holds up with at least {MIN_EVIDENCE}. "
            "Add support tickets, user quotes or usage numbers, one per line.",
        )
    solution = _SOLUTION.search(problem)
    return [
        _met("problem.who", "who has it", problem)
        if who and _substantive(problem, min_words=4)
        else _unmet(
            "problem.who",
            "who has it",
            "Say who has the problem and when it shows up (_admins closing the month_).",
        ),
        evidence,
        _unmet(
            "problem.no_solution",
            "the problem alone",
            f"“{quote(solution.group(0))}” is a solution: keep it for the proposal and "
            "describe only the pain here.",
        )
        if solution
        else _met("problem.no_solution", "the problem alone", problem or "no solution proposed"),
    ]


def proposal(fields: Mapping[str, Any]) -> list[Finding]:
    """A proposal: problem, solution, a metric with a number and a direction, a timeline,
    the response it got and what was learned."""
    metric = _text(fields, "metric")
    if not metric:
        metric_finding = _unmet(
            "proposal.metric",
            "the metric",
            "There is no expected metric. Say which number should move and by how much, e.g. "
            "_checkout drop-off from 34% to 20%_: it's how you will know it worked.",
        )
    else:
        missing = []
        if not _NUMBER.search(metric):
            missing.append("a number")
        if not _DIRECTION.search(metric):
            missing.append("a direction (up, down, from … to …)")
        metric_finding = (
            _unmet(
                "proposal.metric",
                "the metric",
                f"The metric has no {' and no '.join(missing)}. A target like "
                "_support tickets about exports down from 40 to 10 a month_ can be checked.",
            )
            if missing
            else _met("proposal.metric", "the metric", metric)
        )
    return [
        _field_rule(
            fields,
            "problem",
            "proposal.problem",
            "the problem",
            "State the problem and its evidence.",
        ),
        _field_rule(
            fields,
            "solution",
            "proposal.solution",
            "the solution",
            "Describe the solution and its scope.",
        ),
        metric_finding,
        _field_rule(
            fields,
            "timeline",
            "proposal.timeline",
            "the timeline",
            "Add a timeline with milestones.",
        ),
        _field_rule(
            fields,
            "response",
            "proposal.response",
            "the answer it got",
            "Record the answer you got (yes, no, not now) and who gave it.",
            min_words=1,
        ),
        _field_rule(
            fields,
            "learned",
            "proposal.learned",
            "what you learned",
            "Say what you learned from that answer.",
        ),
    ]


def experiment(fields: Mapping[str, Any]) -> list[Finding]:
    """An experiment: the hypothesis, what was measured and found, what was learned."""
    result = " ".join(x for x in (_text(fields, "measured"), _text(fields, "result")) if x)
    return [
        _field_rule(
            fields,
            "hypothesis",
            "experiment.hypothesis",
            "the hypothesis",
            "Write the hypothesis (_we believed X would change Y_): without it, a result "
            "can't confirm or refute anything.",
            3,
        ),
        _met("experiment.result", "the measured result", result)
        if _substantive(result, min_words=2)
        else _unmet(
            "experiment.result",
            "the measured result",
            "Say what you measured and what the numbers showed, even if nothing moved.",
        ),
        _field_rule(
            fields,
            "learning",
            "experiment.learning",
            "what you learned",
            "Add what you learned, especially if it failed: a well-written failure is "
            "portfolio material.",
            3,
        ),
    ]


def teardown(fields: Mapping[str, Any]) -> list[Finding]:
    """A teardown: what a named competitor shipped, why you think so, what you would do."""
    shipped = " ".join(x for x in (_text(fields, "competitor"), _text(fields, "shipped")) if x)
    return [
        _met("teardown.shipped", "what they shipped", shipped)
        if _text(fields, "competitor") and _substantive(_text(fields, "shipped"))
        else _unmet(
            "teardown.shipped",
            "what they shipped",
            "Name the competitor and the product decision they made.",
        ),
        _field_rule(
            fields,
            "why",
            "teardown.why",
            "why they did it",
            "Say why you think they shipped it, and what you read it from (blog, forum, "
            "release notes).",
            3,
        ),
        _field_rule(
            fields,
            "differently",
            "teardown.differently",
            "what you would do",
            "Add what you would have done instead, and the evidence for it.",
            3,
        ),
    ]


def goal(fields: Mapping[str, Any]) -> list[Finding]:
    """An outcome-framed goal moves a number from X to Y; a feature list is not a goal."""
    text = _text(fields, "goal")
    words = text.split()
    first = words[0].lower().strip(".,:;!") if words else ""
    pair = " ".join(x for x in (_text(fields, "from"), _text(fields, "to")) if x)
    numbers = (
        _NUMBER.search(_text(fields, "from")) and _NUMBER.search(_text(fields, "to"))
    ) or re.search(r"\bfrom\b.*\d.*\b(to|down to|up to)\b.*\d", text, re.IGNORECASE)
    return [
        _unmet(
            "goal.outcome",
            "a user outcome",
            f"This reads like a feature (_{first} …_), not an outcome. Name the user result it "
            "should change, e.g. _time to first value from 14 days to 3_.",
        )
        if first in _FEATURE_VERBS or not text
        else _met("goal.outcome", "a user outcome", text),
        _met("goal.numbers", "a baseline and a target", f"{text} {pair}".strip())
        if numbers
        else _unmet(
            "goal.numbers",
            "a baseline and a target",
            "Give the starting point and the target as numbers (from X to Y), so everyone can "
            "tell whether the goal was met.",
        ),
    ]


def after_number(fields: Mapping[str, Any]) -> str:
    """A ship post's after-metric: the form's, or the one the follow-up collected."""
    followup = fields.get("followup")
    later = _text(followup, "after") if isinstance(followup, Mapping) else ""
    return later or _text(fields, "after")


def ship(fields: Mapping[str, Any]) -> list[Finding]:
    """A ship post: problem and who it hit, the metric before and after, user feedback, and
    what was learned."""
    problem = " — ".join(x for x in (_text(fields, "problem"), _text(fields, "who")) if x)
    before = _text(fields, "before")
    after = after_number(fields)
    return [
        _met("ship.problem", "the problem and who it hit", problem)
        if _substantive(_text(fields, "problem"), min_words=3) and _text(fields, "who")
        else _unmet(
            "ship.problem",
            "the problem and who it hit",
            "Say what problem you noticed and which users, or how many, it affected.",
        ),
        _met("ship.before", "the number before", before)
        if _NUMBER.search(before)
        else _unmet(
            "ship.before", "the number before", "Add the metric's value before the release."
        ),
        _met("ship.after", "the number after", after)
        if _NUMBER.search(after)
        else _unmet(
            "ship.after",
            "the number after",
            "Add the number after the release"
            + (" when the follow-up asks in a week." if fields.get("measuring") else "."),
        ),
        _field_rule(
            fields,
            "feedback",
            "ship.feedback",
            "what users said",
            "Ask one affected user whether it solved their problem, and add what they said.",
        ),
        _field_rule(
            fields,
            "learned",
            "ship.learned",
            "what you learned",
            "Say what you learned, including when the hypothesis turned out wrong.",
            3,
        ),
    ]


RULES: dict[str, Callable[[Mapping[str, Any]], list[Finding]]] = {
    "decision": decision,
    "customer_insight": customer_insight,
    "problem_statement": problem_statement,
    "proposal": proposal,
    "experiment": experiment,
    "teardown": teardown,
    "goal": goal,
    "resume_bullet": resume_bullet,
    "ship": ship,
}


def check(kind: str, fields: Mapping[str, Any]) -> list[Finding]:
    """Every rule for an entry of `kind`, met or not (empty for a kind without rules)."""
    rule = RULES.get(kind)
    return rule(fields) if rule else []


def is_strong(kind: str, fields: Mapping[str, Any]) -> bool:
    """True when an entry meets every rule of its kind."""
    findings = check(kind, fields)
    return bool(findings) and all(f.met for f in findings)


def best_entry(entries: Sequence[E]) -> E | None:
    """The entry that meets the most rules (the latest one on a tie)."""
    best: E | None = None
    score = -1
    for entry in entries:
        met = sum(f.met for f in check(entry.kind, entry.fields))
        if met >= score:
            best, score = entry, met
    return best


# -- the deliverable check ---------------------------------------------------------------------


@dataclass(frozen=True)
class DeliverableCheck:
    """Which rules a phase's evidence meets and what is still missing."""

    met: list[Finding]
    missing: list[Finding]

    @property
    def done(self) -> bool:
        """True when nothing is missing."""
        return not self.missing


def _minimum(kind: str) -> int:
    return MIN_STRONG_BULLETS if kind == "resume_bullet" else 1


def check_deliverable(
    evidence_kinds: Sequence[str], entries: Iterable[EntryLike]
) -> DeliverableCheck:
    """Check a phase's evidence against the rules the feedback and the portfolio use.

    `evidence_kinds` is the phase's `deliverable.evidence_kinds`; `entries` are the member's
    entries (any objects with `.kind` and `.fields`, e.g. `storage.models.Entry`; entries of
    other kinds are ignored, so passing all of them is fine). For each kind, the entry that
    meets the most rules is graded; resume bullets need three strong ones. Returns
    `DeliverableCheck(met=[Finding...], missing=[Finding...])`: each met Finding quotes the
    member's words in `.found`, each missing one says what would finish it in `.missing`;
    `.done` is True when nothing is missing.
    """
    pool = list(entries)
    met: list[Finding] = []
    missing: list[Finding] = []
    for kind in evidence_kinds:
        of_kind = [e for e in pool if e.kind == kind]
        singular, plural = KIND_NOUNS.get(kind, (kind, kind))
        need = _minimum(kind)
        if need > 1:
            strong = [e for e in of_kind if is_strong(kind, e.fields)]
            label = f"{need} strong {plural}"
            if len(strong) >= need:
                met.append(_met(f"{kind}.count", label, f"{len(strong)} strong {plural}"))
            else:
                missing.append(
                    _unmet(
                        f"{kind}.count",
                        label,
                        f"{len(strong)} of {need} {plural} "
                        f"{'is' if len(strong) == 1 else 'are'} strong so far: rework or add "
                        f"{need - len(strong)} more.",
                    )
                )
        best = best_entry(of_kind)
        if best is None:
            missing.append(
                _unmet(f"{kind}.logged", singular, f"Log {a_kind(kind)} for this deliverable.")
            )
            continue
        for finding in check(kind, best.fields):
            (met if finding.met else missing).append(finding)
    return DeliverableCheck(met=met, missing=missing)
