"""`anchor eval style`: do offline replies read like a good coach, in every flow?

Per coaching turn: at least one open question; no instructions dressed up as coaching; within
length limits; citations when knowledge was used; plain English (Flesch reading ease). And the
checks of a free-form turn (definitions shared with `bot/evals/coaching.py`), over every flow:

- **fragments**: in a free-form turn, no sentence of its idea is a tag line, bare list number,
  heading, card self-reference or dangling connective; in every other reply (exercises,
  scenarios, GROW, help, goals), no sentence is a tag line, a bare list number or a card
  self-reference, the kinds that can only come from a card's text leaking in (their own option
  lists and narrative may use short headings and "Then...");
- **picks up the leader's words**: a free-form turn that reflects a new message (an idea, a
  feeling, or nothing fits; not "tell me more" or "what about X?", which reflect the topic) opens
  with at least two of the message's content words;
- **opening frames**: over all free-form turns that reflect the leader, no frame opens more than
  10% of them (`MAX_FRAME_SHARE`).

The eval fails (`ok` is false) on any problem.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

from bot.coach.engine import Coach
from bot.coach.followup import resolve
from bot.coach.plan import picks_up
from bot.config import PROJECT_ROOT, Settings
from bot.content.templates import OfflineTemplates
from bot.evals.coaching import SENTENCE, fragments, frame
from bot.evals.scratch import scratch_coach
from bot.knowledge.units import BULLET, fragment_kind
from bot.models import Reply, SafetyLevel

DEFAULT_SET = PROJECT_ROOT / "evals" / "data" / "style.yaml"
GROW_SET = PROJECT_ROOT / "evals" / "data" / "grow.yaml"
BOSSY = re.compile(r"\byou (should|must|need to|have to|ought to)\b", re.IGNORECASE)
CLOSED_OPENERS = (
    "is ",
    "are ",
    "do ",
    "does ",
    "did ",
    "can ",
    "could ",
    "will ",
    "would ",
    "have ",
    "has ",
    "should ",
)
ASK_WORDS, FLOW_WORDS, SUMMARY_WORDS = 190, 330, 450
VOWELS = re.compile(r"[aeiouy]+")
MIN_READING_EASE = 45.0
MAX_FRAME_SHARE = 0.10
LEAKS = frozenset({"tag line", "list number", "self-reference"})
REFLECTING = frozenset({"idea", "feeling", "no_fit"})


class Conversation(BaseModel):
    name: str
    turns: list[str]


class StyleSet(BaseModel):
    conversations: list[Conversation]
    scripted_answers: dict[str, str]


class TurnScore(BaseModel):
    conversation: str
    message: str
    problems: list[str] = Field(default_factory=list)
    words: int
    reading_ease: float


class StyleResult(BaseModel):
    turns: int
    passed: int
    open_question_rate: float
    bossy_turns: int
    over_length_turns: int
    missing_citations: int
    mean_reading_ease: float
    grow_problems: int = 0
    fragments: int = 0
    missed_pickups: int = 0
    reflecting_turns: int = 0
    top_frame: str = ""
    top_frame_share: float = 0.0
    failures: list[TurnScore] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures and self.top_frame_share <= MAX_FRAME_SHARE

    def table(self) -> str:
        lines = [
            f"Style eval: {self.turns} coaching turns, {self.passed} with no problem",
            f"open question per turn   {self.open_question_rate:.3f}",
            f"'you should' and similar {self.bossy_turns}",
            f"over the length limit    {self.over_length_turns}",
            f"knowledge without cites  {self.missing_citations}",
            f"GROW problems            {self.grow_problems}",
            f"fragments                {self.fragments}",
            f"openings missing words   {self.missed_pickups} of {self.reflecting_turns}",
            f"most common frame        {self.top_frame_share:.3f} ({self.top_frame!r};"
            f" at most {MAX_FRAME_SHARE:.2f})",
            f"mean Flesch reading ease {self.mean_reading_ease:.1f}"
            f" (plain English is 50+; each turn needs {MIN_READING_EASE:.0f}+)",
        ]
        for failure in self.failures[:10]:
            lines.append(f"  - {failure.conversation}: {'; '.join(failure.problems)}")
        return "\n".join(lines)


def syllables(word: str) -> int:
    word = word.lower().strip(".,;:!?'\"()")
    if not word:
        return 0
    count = len(VOWELS.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee")) and count > 1:
        count -= 1
    return max(count, 1)


def reading_ease(text: str) -> float:
    """Flesch reading ease: 206.835 - 1.015 words/sentence - 84.6 syllables/word."""
    sentences = max(1, len(re.findall(r"[.!?]+(\s|$)", text)))
    words = re.findall(r"[A-Za-z][A-Za-z'-]*", text)
    if not words:
        return 100.0
    syl = sum(syllables(w) for w in words)
    return 206.835 - 1.015 * (len(words) / sentences) - 84.6 * (syl / len(words))


def body(reply: Reply) -> str:
    return reply.reply.split("\n\nSources: ")[0]


def open_question(text: str) -> bool:
    questions = re.findall(r"[^.?!\n]*\?", text)
    return any(not q.strip().lower().startswith(CLOSED_OPENERS) for q in questions)


def score_turn(conversation: str, message: str, reply: Reply) -> TurnScore | None:
    """Problems with one coaching turn; None for turns that are not coaching (safety, summaries)."""
    if reply.safety.level.at_least(SafetyLevel.CRISIS):
        return None
    finished = reply.flow is not None and reply.flow.finished
    text = body(reply)
    words = len(text.split())
    problems = []
    if not finished and not open_question(text):
        problems.append("no open question")
    if BOSSY.search(text):
        problems.append("tells them what they should do")
    limit = SUMMARY_WORDS if finished else FLOW_WORDS if reply.flow else ASK_WORDS
    if words > limit:
        problems.append(f"{words} words (limit {limit})")
    if reply.citations and "Sources: " not in reply.reply and (reply.flow is None or finished):
        problems.append("used knowledge without citing it")
    ease = reading_ease(text)
    if ease < MIN_READING_EASE:
        problems.append(f"reading ease {ease:.0f}")
    problems += [f"fragment ({kind})" for kind in turn_fragments(reply)]
    return TurnScore(
        conversation=conversation,
        message=message[:80],
        problems=problems,
        words=words,
        reading_ease=ease,
    )


def turn_fragments(reply: Reply) -> list[str]:
    """The fragments in a reply: see the module docstring."""
    if reply.turn is not None:
        return fragments(reply.reply)
    found: list[str] = []
    for paragraph in body(reply).split("\n\n"):
        for line in paragraph.split("\n"):
            item = BULLET.sub("", line.strip())  # "1. Attending", "• Goal: ...": its own lists
            for sentence in SENTENCE.split(item):
                kind = fragment_kind(sentence) if sentence else None
                if kind in LEAKS:
                    found.append(kind)
    return found


def reflects(message: str, reply: Reply, templates: OfflineTemplates) -> bool:
    """Whether the reply should open on the leader's own words (see the module docstring)."""
    if reply.turn not in REFLECTING:
        return False
    return resolve(message, "a topic", templates).kind == "new"


class Openings:
    """Free-form turns that reflect the leader: their words picked up, and frames counted."""

    def __init__(self, templates: OfflineTemplates) -> None:
        self.templates = templates
        self.frames: Counter[str] = Counter()
        self.missed = 0

    def check(self, message: str, reply: Reply) -> list[str]:
        if not reflects(message, reply, self.templates):
            return []
        self.frames[frame(message, reply.reply)] += 1
        if picks_up(message, body(reply)):
            return []
        self.missed += 1
        return ["opening does not pick up their words"]

    @property
    def turns(self) -> int:
        return sum(self.frames.values())

    def top(self) -> tuple[str, float]:
        if not self.frames:
            return "", 0.0
        name, count = self.frames.most_common(1)[0]
        return name, count / self.turns


def scripted_answer(reply: Reply, answers: dict[str, str]) -> str:
    """What a cooperative leader types at this point of a flow."""
    expected = reply.flow.answer if reply.flow else None
    return answers.get(expected or "text", answers["text"])


def run_flow(
    coach: Coach, user: str, start: str, answers: dict[str, str]
) -> list[tuple[str, Reply]]:
    turns: list[tuple[str, Reply]] = []
    message = start
    for _ in range(30):
        reply = coach.respond(user, message)
        turns.append((message, reply))
        if reply.flow is None or reply.flow.finished:
            break
        message = scripted_answer(reply, answers)
    return turns


def evaluate(coach: Coach, data: StyleSet) -> StyleResult:
    openings = Openings(coach.templates)
    scores: list[TurnScore] = []

    def keep(name: str, message: str, reply: Reply) -> None:
        scored = score_turn(name, message, reply)
        if scored:
            scored.problems += openings.check(message, reply)
            scores.append(scored)

    for n, conversation in enumerate(data.conversations):
        for message in conversation.turns:
            keep(conversation.name, message, coach.respond(f"style:{n}", message))
    for kind, items in (("exercise", coach.flows.exercises), ("scenario", coach.flows.scenarios)):
        for item_id, item in items.items():
            for message, reply in run_flow(
                coach, f"style:{kind}:{item_id}", f"{kind} {item.title}", data.scripted_answers
            ):
                keep(f"{kind} {item_id}", message, reply)
    scores += evaluate_grow(coach, load_grow_set(), openings)
    failures = [s for s in scores if s.problems]
    top_frame, top_share = openings.top()
    return StyleResult(
        turns=len(scores),
        passed=len(scores) - len(failures),
        open_question_rate=1 - sum("no open question" in s.problems for s in scores) / len(scores),
        bossy_turns=sum("tells them what they should do" in s.problems for s in scores),
        over_length_turns=sum(any("limit" in p for p in s.problems) for s in scores),
        missing_citations=sum("used knowledge without citing it" in s.problems for s in scores),
        mean_reading_ease=statistics.fmean(s.reading_ease for s in scores),
        grow_problems=sum(p.startswith(GROW) for s in scores for p in s.problems),
        fragments=sum(p.startswith("fragment") for s in scores for p in s.problems),
        missed_pickups=openings.missed,
        reflecting_turns=openings.turns,
        top_frame=top_frame,
        top_frame_share=top_share,
        failures=failures,
    )


# --- GROW: options that are options, no praise for a low commitment, a clean echo ----------

GROW = "GROW: "
PRAISE = re.compile(r"\b(well done|great job|good job|excellent|brilliant|fantastic)\b", re.I)
FIRST_PERSON = re.compile(r"\b(I|I'm|I've|I'd|I'll|me|my|mine|myself|we|we're|us|our|ours)\b")
QUOTES = re.compile(r"\"[^\"]*\"|“[^”]*”|(?<!\w)'(?:[^']|'(?=\w))*'(?!\w)")
ECHOES = ("So ", "• Goal: ", "• Your commitment: ")
# judged here, not by the flow's own rules: a number, yes/no and the like, or a command
BARE = re.compile(
    r"^\s*(?:/\S+|[\d\s./%-]+|yes|yeah|yep|no|nope|ok|okay|sure|fine|maybe|hmm|help|exercise"
    r"|scenario)\s*[.!?]*\s*$",
    re.IGNORECASE,
)


class GrowSet(BaseModel):
    conversations: list[Conversation]


def load_grow_set(path: Path = GROW_SET) -> GrowSet:
    return GrowSet.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def echo_problems(text: str) -> list[str]:
    """First-person words left in the lines that say the leader's words back (quotes aside)."""
    problems = []
    for line in text.split("\n"):
        if line.startswith(ECHOES):
            if "your goal is that you" in line.lower():
                problems.append(f"{GROW}echo 'your goal is that you...'")
            left = FIRST_PERSON.findall(QUOTES.sub("", line))
            if left:
                problems.append(f"{GROW}echo keeps {', '.join(sorted(set(left)))}")
    return problems


def grow_problems(turns: list[tuple[str, Reply]]) -> list[list[str]]:
    """For each turn of one conversation, what a coach would not accept in GROW: an option
    that is a number, yes/no or a command; praise after a commitment under 7; an echo in the
    first person; a knowledge answer to a bare reply just after GROW finished."""
    found: list[list[str]] = []
    low = False  # the last commitment score given was under 7
    asked_score = finished = False
    for message, reply in turns:
        problems: list[str] = []
        if asked_score and message.strip().isdigit():
            low = int(message) < 7
        in_grow = reply.flow is not None and reply.flow.kind == "grow"
        if in_grow:
            text = body(reply)
            listed = [o.label for o in reply.options]
            listed += [
                piece
                for line in text.split("\n")
                if line.startswith("• Options you came up with: ")
                for piece in line.split(": ", 1)[1].split("; ")
            ]
            problems += [f"{GROW}option {o!r} is not an option" for o in listed if BARE.match(o)]
            if low and PRAISE.search(text):
                problems.append(f"{GROW}praise after a commitment under 7")
            problems += echo_problems(text)
        elif finished and BARE.match(message) and (reply.citations or reply.flow):
            problems.append(f"{GROW}bare {message!r} after GROW got {reply.reply[:40]!r}")
        asked_score = in_grow and reply.flow is not None and reply.flow.answer == "scale"
        finished = (in_grow and reply.flow is not None and reply.flow.finished) or (
            finished and not in_grow and bool(BARE.match(message))
        )
        found.append(problems)
    return found


def evaluate_grow(coach: Coach, data: GrowSet, openings: Openings | None = None) -> list[TurnScore]:
    """The GROW conversations, each turn scored for style and for the GROW checks above (and,
    with `openings`, the free-form turns among them for their openings)."""
    openings = openings or Openings(coach.templates)
    scores: list[TurnScore] = []
    for n, conversation in enumerate(data.conversations):
        turns = [(m, coach.respond(f"style:grow:{n}", m)) for m in conversation.turns]
        for (message, reply), extra in zip(turns, grow_problems(turns), strict=True):
            scored = score_turn(conversation.name, message, reply) or TurnScore(
                conversation=conversation.name,
                message=message[:80],
                words=len(body(reply).split()),
                reading_ease=reading_ease(body(reply)),
            )
            scored.problems += extra + openings.check(message, reply)
            scores.append(scored)
    return scores


def load_set(path: Path = DEFAULT_SET) -> StyleSet:
    return StyleSet.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def run_style_eval(settings: Settings) -> StyleResult:
    with scratch_coach(settings, "style") as coach:
        return evaluate(coach, load_set())
