"""Reflecting the leader back: their own words in the second person, and any feeling named.

`listen` reads a message into what the opening of a reply needs: the situation as a short
clause ("the trust chief executive keeps blocking your shared bed plan"), the question as a
clause ("how you get the council to trust you"), or the topic of a request ("your first
partnership board"); and the feeling named, if any, with whether it is strong enough that the
turn should stay with it before offering any idea.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.coach.person import SECOND_PERSON
from bot.content.turns import TurnWords
from bot.privacy.word_lists import default_word_lists

Shape = Literal["statement", "question", "topic", "quoted", "brief"]

SWAP = SECOND_PERSON
AFTER_I = {"am": "are", "was": "were", "wasn't": "weren't"}
WORD = re.compile(r"[A-Za-z][A-Za-z']*|[^A-Za-z]+")
SENTENCE = re.compile(r"(?<=[.!?])\s+")
WH = "how|what|why|when|where|who|which"
MODALS = {
    "do": "",
    "does": "",
    "did": "",
    "can": "can ",
    "could": "could ",
    "should": "might ",
    "would": "would ",
    "will": "will ",
    "might": "might ",
    "may": "might ",
    "must": "must ",
}
WH_SELF = re.compile(
    rf"^({WH})\s+(do|does|did|can|could|should|would|will|might|may|must)\s+(i|we)\s+(.+)$", re.I
)
WH_BE_SELF = re.compile(rf"^({WH})\s+(am|are)\s+(i|we)\s+(.+)$", re.I)
WH_DO_OTHER = re.compile(
    rf"^({WH})\s+(do|does)\s+((?:the|my|our|a|an|some|all)\s+\w+|\w+)\s+(\w+)(.*)$", re.I
)
WH_IS = re.compile(rf"^({WH})\s+(is|are|was|were)\s+(.+)$", re.I)
WH_SUBJECT = re.compile(r"^(what|who|which)\s+(\w+s|helps|works|matters|happens)\b(.*)$", re.I)
HOW_TO = re.compile(r"^(how|what|when|where|whether)\s+to\s+(.+)$", re.I)
YES_NO = re.compile(
    r"^(should|can|could|do|does|did|is|are|was|would|will|am|have|has)\s+(i|we|it|there|this|that|you)\s+(.+)$",
    re.I,
)
REQUEST = re.compile(
    r"^(?:please\s+)?(?:can you\s+|could you\s+|would you\s+)?"
    r"(?:help me (?:think (?:about|through)|with|to think about|understand|prepare for"
    r"|get ready for)|(?:any|some) (?:advice|tips|ideas|thoughts|help) (?:on|about|for|with)"
    r"|advice (?:on|about|for)|tips (?:on|for)|tell me about|talk me through"
    r"|i(?:'d| would) like (?:to (?:think|talk) about|help with|some help with)"
    r"|i want to (?:think|talk) about|i need (?:help|advice|ideas) (?:with|on|about|for))"
    r"\s+(.+)$",
    re.I,
)
INTRODUCTION = re.compile(
    r"^(?:i'm|i am|as an?|as the|i work|i lead|i run|i've just|i have just)\b", re.I
)
# a sentence that only frames the message ("Sorry, my English is not perfect.", "Bit of an odd
# one.", "Quick question.") or leans on the one before ("Not the kind sleep fixes."): never the
# one reflected back
PREFACE = r"(?:a\s+|one\s+)?quick\s+(?:one|q\w*)|random\s+(?:one|q\w*)|bit\s+of\s+an?\s+\w+\s+one"
ASIDE = re.compile(
    rf"^(?:(?:so\s+)?sorry|apologies|forgive me|excuse me|bear with me|{PREFACE}"
    r"|an?\s+\w+\s+one(?:\s+this)?\W*$"
    r"|long\s+(?:message|post|one)\b|not\s+sure\s+(?:if|whether)\s+this\s+is\b|hi|hello|hey"
    r"|not\s+(?:the|that|a|in\s+the)\s+(?:kind|sort|way|type)\b)\b",
    re.I,
)
# a label before the situation ("NI context: ...", "Quick one - ..."): dropped
LABEL = re.compile(
    rf"^(?:(?:[\w&/ ]{{0,20}}\s)?(?:context|background|situation)|{PREFACE}"
    r"|(?:so\s+)?sorry(?:\s+to\s+(?:bother|trouble)\s+you|\s+for\s+the\s+\w+(?:\s+\w+)?)?)"
    r"\s*(?::|-|—|,)\s*",
    re.I,
)
QUESTION_START = re.compile(rf"^(?:{WH}|should|can|could|do|does|is|are|am|would|will)\b", re.I)
CLAUSE_CUT = re.compile(
    r",\s+|\s+(?:because|but|although|though|which|so that|while|since)\s+|;\s*|\s+-\s+|\s+—\s+"
)
MAX_WORDS, MIN_CUT = 26, 6
BARE = 5  # a statement shorter than this ("I'm furious.") names a feeling, not a situation
# a whole message this short ("budget cuts", "fix my wifi") is quoted, not made a clause of
SHORT_WORDS = 4
ADDRESSED = re.compile(r"\b(?:you|your|yours|anchor)\b", re.I)
THIRD_PERSON = {"have": "has", "do": "does", "go": "goes", "be": "is"}


@dataclass(frozen=True)
class Heard:
    shape: Shape
    clause: str
    feeling: str | None = None
    feeling_word: str | None = None
    strong: bool = False
    asks: bool = False


def second_person(text: str) -> str:
    """First person turned to second ("we've let them down" -> "you've let them down")."""
    out: list[str] = []
    prev = ""
    for token in WORD.findall(text):
        low = token.lower()
        if low == "i" and prev == "am":  # "so am I" -> "so are you"
            at = max(i for i, said in enumerate(out) if said.strip())
            out[at] = "Are" if out[at][0].isupper() else "are"
            out.append("you")
            prev = low
            continue
        if low in AFTER_I and prev == "i":
            swapped = AFTER_I[low]
        elif low in SWAP:
            swapped = SWAP[low]
        else:
            out.append(token)
            if token.strip():
                prev = low
            continue
        out.append(swapped.capitalize() if token[0].isupper() and not out else swapped)
        prev = low
    return "".join(out)


def _lower_first(text: str) -> str:
    """Lower-case the first letter unless the first word is a name or an acronym."""
    first = text.split(" ", 1)[0]
    if (first.isupper() and len(first) > 1) or first in ("I",):
        return text
    if (
        first[:1].isupper()
        and first[1:].islower()
        and first.lower() not in COMMON_STARTS
        and not _ordinary_word(first.lower())
    ):
        return text  # a name ("Sarah keeps ...", "Leeds is ...")
    return text[:1].lower() + text[1:]


def _ordinary_word(word: str) -> bool:
    """An English word that is not also a given name ("putting", not "will" or "hope")."""
    lists = default_word_lists()
    return lists.is_english(word) and not lists.is_given_name(word) and not lists.is_surname(word)


COMMON_STARTS = frozenset(
    [
        "the",
        "a",
        "an",
        "my",
        "our",
        "we",
        "i",
        "i'm",
        "i've",
        "i'd",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "there",
        "they",
        "their",
        "our",
        "you",
        "you're",
        "you've",
        "your",
        "everyone",
        "nobody",
        "no",
        "one",
        "some",
        "most",
        "all",
        "each",
        "every",
        "one",
        "two",
        "three",
        "partners",
        "people",
        "staff",
        "clinicians",
        "colleagues",
        "council",
        "trust",
        "our",
        "after",
        "before",
        "when",
        "since",
        "during",
        "last",
        "next",
        "how",
        "what",
        "why",
        "when",
        "where",
        "who",
        "which",
        "whether",
        "so",
        "and",
        "but",
        "if",
        "as",
        "also",
        "just",
        "still",
        "then",
        "now",
        "apparently",
        "honestly",
        "basically",
        "nobody's",
        "everyone's",
    ]
)


# words a clause does not start with: a connective left from the sentence before ("but the
# midwives...") or a filler; they are dropped from the reflection
LEADING = re.compile(
    r"^(?:(?:but|and|so|also|plus|anyway|well|ok|okay|honestly|basically|tbh|anyhow|still"
    r"|right(?=,|\s+so\b))\b[,:]?\s+)+",
    re.I,
)
# a sentence whose writer left out "I" ("Came across from local govt", "have to tell the
# charity"): the reflection puts the subject back
NO_SUBJECT = re.compile(
    r"^(?:have|has|had|got|need|needs|came|started|start|feel|felt|think|thought|want|wanted"
    r"|trying|tried|going|went|spent|spending|took|taking|keep|kept|can't|cannot|don't|didn't"
    r"|just|really|still|never|always|now|am|was|been|being)\b",
    re.I,
)
SUBJECT_FOR = {"been": "you've", "got": "you've"} | dict.fromkeys(
    ("trying", "going", "spending", "taking", "being"), "you're"
)


def _clause_start(clause: str) -> str:
    """The clause with its opening connective dropped and a missing "you" put back."""
    clause = LEADING.sub("", clause)
    match = NO_SUBJECT.match(clause)
    if match:
        first = match.group(0).lower()
        rest = clause[match.end() :]
        if first in ("am", "was"):
            return f"you {'are' if first == 'am' else 'were'}{rest}"
        return f"{SUBJECT_FOR.get(first, 'you')} {first}{rest}"
    return clause


def _trim(clause: str) -> str:
    words = clause.split()
    if len(words) <= MAX_WORDS:
        return clause
    for match in CLAUSE_CUT.finditer(clause):
        if MIN_CUT <= len(clause[: match.start()].split()) <= MAX_WORDS:
            return clause[: match.start()]
    return " ".join(words[:MAX_WORDS]).rstrip(",;:")


def _tidy(clause: str) -> str:
    clause = clause.strip().rstrip("?.!,;: ")
    return re.sub(r"\s+", " ", clause)


def _question_clause(q: str) -> str | None:
    """A question as an indirect clause ("How do I get X?" -> "how you get X"), or None."""
    q = _tidy(q)
    m = WH_SELF.match(q)
    if m:
        return f"{m[1].lower()} you {MODALS[m[2].lower()]}{second_person(m[4])}"
    m = WH_BE_SELF.match(q)
    if m:
        return f"{m[1].lower()} you are {second_person(m[4])}"
    m = HOW_TO.match(q)
    if m:
        return f"{m[1].lower()} to {second_person(m[2])}"
    m = WH_DO_OTHER.match(q)
    if m and m[3].lower() not in ("i", "we", "you", "it", "they", "people", "partners"):
        verb = m[4]
        if m[2].lower() == "does":
            verb = THIRD_PERSON.get(
                verb.lower(), verb + ("es" if verb.endswith(("s", "sh", "ch")) else "s")
            )
        return f"{m[1].lower()} {_lower_first(second_person(m[3]))} {verb}{second_person(m[5])}"
    m = WH_DO_OTHER.match(q)
    if m:
        return f"{m[1].lower()} {second_person(m[3])} {m[4]}{second_person(m[5])}"
    m = WH_IS.match(q)
    if m:
        rest = second_person(m[3])
        return f"{m[1].lower()} {rest} {m[2].lower()}" if len(rest.split()) <= 4 else None
    m = WH_SUBJECT.match(q)
    if m:
        return f"{m[1].lower()} {m[2]}{second_person(m[3])}"
    m = YES_NO.match(q)
    if m:
        aux, subj, rest = m[1].lower(), m[2].lower(), m[3]  # subj: a pronoun
        if subj in ("i", "we"):
            verb = {
                "should": "",
                "can": "can ",
                "could": "could ",
                "would": "would ",
                "will": "will ",
                "am": "are ",
                "are": "are ",
                "was": "were ",
                "have": "have ",
                "do": "",
                "did": "",
            }.get(aux, "")
            if aux == "should":
                return f"whether to {second_person(rest)}"
            return f"whether you {verb}{second_person(rest)}"
        if subj == "you":
            return None
        be = {
            "is": "is",
            "are": "are",
            "was": "was",
            "has": "has",
            "have": "have",
            "can": "can",
            "could": "could",
            "will": "will",
            "would": "would",
            "should": "should",
            "do": "",
            "does": "",
            "did": "",
        }.get(aux, "")
        if aux in ("do", "does", "did"):
            return None
        return f"whether {second_person(subj)} {be} {second_person(rest)}".replace("  ", " ")
    return None


def _feeling(text: str, words: TurnWords) -> tuple[str | None, str | None, bool]:
    for name, feeling in words.feelings.items():
        match = feeling.pattern.search(text)
        if match:
            strong = bool(feeling.strong_pattern and feeling.strong_pattern.search(text))
            return name, match.group(0).lower(), strong
    return None, None, False


LEAD_IN = re.compile(r"^(?:so|and|but|ok|okay|right|honestly)\b[,\s]*", re.I)  # "so why does..."


def asks_for_ideas(text: str) -> bool:
    """Whether the message asks for something (a question, a request or a need it names:
    "why does it feel...", "I need to not show it"), not only tells."""
    openings = (LEAD_IN.sub("", s.strip()) for s in SENTENCE.split(text))
    if "?" in text or any(QUESTION_START.match(s) for s in openings):
        return True
    return bool(
        re.search(
            r"\b(how (do|can|should) i|what (can|should|do) i|any (advice|ideas|tips)|help me"
            r"|advice|i (?:really )?(?:need|want|have) to|not sure (?:how|what|whether|if))\b",
            text.lower(),
        )
    )


def listen(message: str, words: TurnWords) -> Heard:
    """What the opening needs from `message`."""
    text = re.sub(r"\s+", " ", message).strip()
    feeling, said, strong = _feeling(text, words)
    asks = asks_for_ideas(text)
    sentences = [LABEL.sub("", s) for s in SENTENCE.split(text) if s.strip()]
    sentences = [s for s in sentences if not ASIDE.match(s)] or sentences
    for sentence in sentences:
        request = REQUEST.match(_tidy(sentence))
        if request:
            topic = _trim(second_person(_tidy(request[1])))
            return Heard("topic", topic, feeling, said, strong, True)
    questions = [s for s in sentences if s.rstrip().endswith("?") or QUESTION_START.match(s)]
    statements = [s for s in sentences if s not in questions and not ADDRESSED.search(s)]
    introduced = [s for s in statements if INTRODUCTION.match(s)]
    for question in questions if len(introduced) == len(statements) else []:
        clause = _question_clause(question)
        if clause:
            return Heard("question", _trim(clause), feeling, said, strong, True)
    if statements and (feeling or len(sentences) > 1 or len(text.split()) > SHORT_WORDS):
        # the sentence that names the feeling, else the first that says something
        substantive = [s for s in statements if len(s.split()) >= BARE]  # not "I'm furious."
        # who they are ("As a PCN CD ...") only when nothing else says what is happening
        situations = [s for s in substantive if not INTRODUCTION.match(s)]
        substantive = situations or substantive
        chosen = next(
            (s for s in substantive if feeling and words.feelings[feeling].pattern.search(s)),
            (substantive or statements)[0],
        )
        clause = _lower_first(_clause_start(_trim(second_person(_tidy(chosen)))))
        return Heard("statement", clause, feeling, said, strong, asks)
    if statements and not questions:
        return Heard("brief", _tidy(text), feeling, said, strong, True)
    quote = (questions[0] if questions else text).strip()
    if len(quote.split()) > MAX_WORDS:
        quote = _trim(_tidy(quote)) + "..."
    return Heard("quoted", quote, feeling, said, strong, True)
