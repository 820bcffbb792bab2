"""Names found by their context, whatever the word: "met with Hope", "hi dawn,", "Joy Adeyemi".

A word list cannot tell "Grace" the colleague from "a grace period", nor know every name. The
words around it can. The cues are data (``prompts/privacy/lexicon.yaml``, section ``context``,
and ``prompts/privacy/surnames.yaml``); the rules are here. A word is a name when:

- **a surname follows it**: a known given name (also one that is an ordinary word, "Joy",
  "Will", "Virtue") or a directory name, capitalised, then a capitalised word that is a known
  surname or not an ordinary word ("Joy Adeyemi", "Will Turner"); any capitalised word before
  a known surname ("Comfort Asante"); in lower case, a given name then a known surname
  ("grace okafor").
- **a cue comes right before it**: "with", "to", "from", "told", "asked", "cc", "thanks",
  "spoke to", "met with"... then a capitalised word ("handed over to Tolu"). In lower case
  only a given name that is not an ordinary word or a directory name; after a strong cue
  ("told", "cc", "thanks") any known given or directory name, unless a function word follows
  ("thanks will do").
- **it is greeted**: at the start of a line, "hi", "morning", "dear"... then a capitalised
  word ("Morning Grace"), or up to three words and a comma, dash, "!" or the end of the line
  ("hi dawn,", "hey mei ling!").
- **it signs off**: "cheers", "thanks", "best", "kind regards"... then a comma, dash, colon
  or line break, and up to three words to the end of the line ("cheers, mark", "thanks -
  Will").
- **it is listed with a name**: "Dawn and Hope", "Dawn or Daniel", "Kemi, Tolu and Wale",
  "Priyanka Venkatesan and Olumide"; two workspace members in lower case ("faith and ivy"),
  or one and a nickname before a verb ("faz and danny are doing it").
- **it is a member's initials** ("GO-B and RH to take it"; initials that are also an
  abbreviation, "PR", only beside another member's), or a member's given name then their
  surname's initial, in any case ("will p", "chloe b's leaving do"): see member_initials.py.
- **it is in a state only a person is in**: a known given or directory name, in any case,
  then "is" or "was" and a state (``person_states``): "ruth is off today", "Precious is
  covering" (not "hope is off the table").
- **it is given an action**: opening a sentence, clause or line, a known given name or a
  name-like word, then "to" and a verb of ``action_verbs``: "Adaku to lead", "action: kemi
  to send the deck" (not "Finance to send").
- **it is added to a place of talk**: a known given or directory name, in any case, after
  "add" or "invite" and before "to the channel", "to the call"... ("pls add faith to the
  channel"; not "add hope to the list").
- **a phone number follows it**: a capitalised name part or name-like word, then a comma,
  dash or "on" and the number ("the contact is Marguerite, 01632 960381").
- **it is on duty**: a capitalised given name, also a word or a month that is never a name
  otherwise ("Summer", "May"), with "'s on" and a word of duty (``duty_words``) within three
  words: "Summer's on the on-call rota", "May's on leave" (not "Summer's on the way").
- **a verb only a person does follows it**: a known given or directory name in any case
  ("joy said", "Virtue reckons"), or a capitalised word inside a sentence ("and Ebunoluwa
  said"); also with one helping word between ("mark hasn't replied", "hope has said").

A name found so runs on through capitalised words that are not ordinary words, known
surnames and surname particles: "Mei Ling Wong", "Siobhán Ní Bhriain", "Oluwaseun
Adebayo-Smith". Words that are never names by context (``not_names``: "everyone", "Teams",
"Finance", "Summer", months and days, titles and offices, organisation words, places and the
words of the organisation list) stop every rule unless a workspace member is called so, so
"the will to change", "hope is not a strategy", "a frank conversation", "mark my words" and
"moved to Leeds" stay as written. After a strong cue or in a list, an ordinary word followed
by a function word is not a name ("thanks will do"), except the few that often follow a name
(``name_then``: "cc dawn on this").

Presidio's context enhancer is not used for this: it raises the score of a finding that a
recognizer already made, when a context word is within a few words of it. Here the context
decides whether a word is a finding at all, and only the next word counts ("the will to
change" has "to" five characters away from "will").
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass

from spacy.lang.en.stop_words import STOP_WORDS

from bot.config import PROJECT_ROOT
from bot.privacy.lexicon import Context
from bot.privacy.member_initials import MemberInitials
from bot.privacy.names import name_key
from bot.privacy.patterns import (
    DONE_ABBREVIATION,
    NAME_WORD,
    POSSESSIVE_ENDINGS,
    SENTENCE_START,
)
from bot.privacy.word_lists import WordLists

DEFAULT_SURNAMES = PROJECT_ROOT / "prompts" / "privacy" / "surnames.yaml"

Span = tuple[int, int]
MAX_NAME_WORDS = 4
MAX_GREETED_WORDS = 3
_BETWEEN_NAME_WORDS = re.compile(r"[ \t\u00a0]{1,2}")
_AFTER_GREETED = re.compile(r"[ \t]*(?:[,!.:;?)]|[-–—]|\n|$)")
_TO_LINE_END = re.compile(r"[ \t]*[.!)x]*[ \t]*(?:\n|$)")
_TO_TEXT_END = re.compile(r"[ \t]*[.!)x]*[ \t]*$")
_FROM_AT = frozenset({"from", "at"})
_PLACE_BEFORE = frozenset({"in", "near", "around", "across", "throughout"})  # "in Merthyr and"
# Not after a word alone: "Aberaeron are" is a place or a team.
_NOT_ALONE = frozenset({"are", "were", "do"})
_PLAIN_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_CONTRACTION = re.compile(r"['’]s[ \t]+")
_OPENS = re.compile(r"(?:^|[.!?:;\n—–-])[^\w]*$")
_LINE_START = re.compile(r"(?:^|\n)[ \t>*•\-]*$")
_INITIALS = re.compile(r"[A-Z]{2}")
LOOK_BEFORE_CUE = 40  # characters searched before "to" or "from" for a journey
# A word of two capitalised parts: "ConfedExpo" (first "Confed").
_CAMEL_CASE = re.compile(r"(?P<first>[A-Z][a-z]{4,})[A-Z][a-z]+")
# Someone had, has or got a capitalised word on the phone: "had Marguerite on the phone".
_ON_THE_PHONE = re.compile(
    r"(?<![\w'’])(?:[Hh]ad|[Hh]ave|[Hh]as|[Gg]ot|[Hh]aving)[ \t]+(?P<word>[A-Z][^\W\d_]+)"
    r"[ \t]+on[ \t]+the[ \t]+(?:phone|line|blower)(?![\w'’])"
)
_PLURAL_ABBREVIATION = re.compile(r"[A-Z]{2,}['’]?s")  # "GPs", "MPs": never a name
# A role's abbreviation with a small "of" inside: "DoF", "DoN", "HoN", "DoNQ", "CoS".
_ROLE_ABBREVIATION = re.compile(r"[A-Z]o[A-Z]{1,2}(?:['’]?s)?")
_DOTTED_INITIAL = re.compile(r"[A-Z]\.[ \t]?")
_BARE_INITIAL = re.compile(r"[A-HJ-Z] ")  # "K Liu" (not "I")
_COMMA_INITIAL = re.compile(r", ?[A-Z]\.")  # "Okonkwo, A."
_VOWELS = frozenset("aeiou")
_BARRELLED_INITIALS = re.compile(r"[A-Z]-[A-Z]")  # "Will P-J": a given name may be a word
_LONE_INITIAL = re.compile(rf"[B-HJ-Z]|{_BARRELLED_INITIALS.pattern}")  # "Jo B", "Will P-J"
_DUTY_REACH = 3  # words after "'s on" searched for a word of duty: "on the on-call rota"
_DUTY_MOVES = frozenset({"on", "off", "back"})  # "Summer's back from mat leave"
MIN_UNKNOWN_LOWER = 5  # letters of an unknown lower-case word taken for a name ("kelechi")
MIN_LISTED_INITIALS = 3
INITIALS_LETTERS = 2  # "AK" is a word of the English list, yet initials
MIN_PAIRED_INITIALS = 2
MIN_JOINED_PARTS = 2  # "jo-anne"
_AFTER_LISTED_INITIALS = frozenset({"have", "both", "were", "are"})  # "JB and MK have both"
# Not after a lower-case member's name opening a line: "hope is the key", "will do".
_NOT_AFTER_OPENING = frozenset(
    {"is", "was", "are", "were", "will", "would", "can", "could", "should", "might", "must"}
    | {"may", "am", "do", "does", "and", "also", "just", "never"}
)
_ADDRESSED = re.compile(r"[ \t]*(?:,|[-–—][ \t])")  # "dawn - your 3pm has moved"
_ARTICLES = frozenset({"the", "a", "an"})
_DETERMINERS = frozenset({"the", "a", "an", "my", "our", "your", "this", "that", "some", "no"})
# Mid-message, these greet the name after them when "!" or the end follows: "..., congrats Mo!"
_IN_MESSAGE_GREETING = re.compile(
    r"(?i)(?:^|[,;.!?—–-][ \t]*)(?:congrats|congratulations|welcome|well done|thanks|thank you)"
    r"[ \t]+(?=\w)"
)
_TO_EXCLAMATION = re.compile(r"[ \t]*(?:!|$)")
_LIST_JOIN = re.compile(r"(?:,[ \t]*|[ \t]+(?:and|or|&)[ \t]+|[ \t]*&[ \t]*)")
_LIST_JOIN_BEFORE = re.compile(r"(?:,[ \t]*|[ \t]+(?:and|or|&)[ \t]+|[ \t]*&[ \t]*)$")
_PAIR_JOIN = re.compile(r"(?:,[ \t]*|[ \t]+(?:and|or|&)[ \t]+|[ \t]*[&+][ \t]*)")  # "ivy or robin"
# Before a surname particle that is also a word, what opens a name: "bin Hamid said", ", de
# Silva + me", "Kowalczyk-Nowak + ap Rhys".
_BEFORE_PARTICLE = re.compile(r"(?:^|[.!?:;,+&(\n—–-]|\band)[ \t]*$")
_WITH_ME = re.compile(r"[ \t]+(?:and|&)[ \t]+(?:I|me|myself)(?![\w'’])")  # "Grace and I did"
# Two people described: "... are the two consultants", "... were both our leads".
_DESCRIBED_AS = re.compile(
    r"[ \t]+(?:are|were)[ \t]+(?:both[ \t]+)?(?:the[ \t]+two|the|our|my|both)[ \t]+"
    r"(?:(?:new|joint|two|senior|lead)[ \t]+)?(?P<noun>[A-Za-z]+)"
)
# a comma between words: "Tendai to run gold, Priyanka to hold", "our new matron, Destiny,"
_COMMA = re.compile(r"[ \t]*,[ \t]*")
# What a task done is done to: "did the night shift", "sent it round".
_DONE_OBJECTS = frozenset(
    {"the", "a", "an", "it", "them", "this", "that", "our", "my", "his", "her", "their", "all"}
    | {"round", "out", "over"}  # "sent round the figures", "sent out the invites"
)
_DONE_HELPERS = frozenset({"has", "had", "just", "already"})  # "Sunny has sent round"
# Words that open a clause before its subject: "When Sunny did the night shift".
_CLAUSE_JOINERS = frozenset(
    {"when", "because", "since", "after", "before", "once", "if", "and", "but", "so", "while"}
)
_WILL = frozenset({"will", "shall", "can"})  # "Precious will take minutes"
_PLURAL_VERBS = frozenset({"are", "have", "were", "want", "need", "say", "reckon"})
_VERDICTS = frozenset({"right", "wrong", "correct"})  # "Frank's right that ..."
_AFTER_VERDICT = frozenset(
    {"that", "about", "though", "tbh", "imo", "i", "we", "you", "on", "re", "again"}
)
_CLAUSE_END = re.compile(r"[ \t]*(?:[,;:.!?)]|[-–—][ \t]|$)")
_ME_AND = re.compile(r"(?<![\w'’])(?:[Mm]e|[Mm]yself)[ \t]+(?:and|&|\+)[ \t]+$")  # "me and kwame"
LOOK_BEFORE_ME = 16
_WITH_ME_LOWER = re.compile(r"[ \t]+(?:and|&)[ \t]+(?:i|I|me|myself)(?![\w'’])")  # "joy and i"
_IN_BRACKETS = re.compile(r"[ \t]*\([ \t]*$")
_TIE_AFTER = re.compile(r"['’]s?[ \t]+(?P<word>[A-Za-z]+)")  # "Grace's mum"
_APPOSITION_CLOSE = re.compile(r"[ \t]*(?:,|[.!?;:]|$)")
_BRACKET_CLOSE = re.compile(r"[ \t]*[,)]")
_INITIAL_THEN = re.compile(r"[ \t]*(?:[,:;.!?)]|[-–—][ \t]|$)")  # "priyanka r - can you"
_NOT_LOWER_INITIALS = frozenset({"a", "i", "u", "x", "o", "s"})
_NUMBER_AFTER = re.compile(r"[ \t]*(?:[,:–—-]|on)[ \t]*(?:\+44|\(?0)\d")  # ", 01632 ..."
_NOT_MEMBER_INITIALS = frozenset({"I", "a", "i"})
_VERSUS = frozenset({"vs", "v", "versus"})
_WORD_BEFORE = re.compile(r"(?P<word>[^\W\d_]+)[ \t]+$")
_VERSUS_GAP = re.compile(r"[ \t]+(?:vs|v|versus)\.?[ \t]+")
_ADDRESSED_THEN = frozenset({"if", "when", "can", "could", "would", "are", "did", "have", "pls"})
# Opening a line, a name then a modal and "you": "hope can u pick it up", "Mark could you".
_MODAL_YOU = re.compile(
    r"[ \t]+(?:can|could|would|will)[ \t]+(?:you|u|ya)(?![\w'’])(?:[ \t]+(?P<verb>\w+))?", re.I
)
# A bracketed aside after a name, then the words after it: "Olu (the new GP) wants" (not a
# year cited: "Alderwick (2015) called this").
_ASIDE_THEN = re.compile(
    r"[ \t]*\((?P<aside>[ \t]*[^\W\d_][^()\n]{0,80})\)[ \t]+(?P<first>[\w'’]+)"
    r"(?:[ \t]+(?P<second>[\w'’]+))?"
)
# The words of an aside that says who someone is, up to a place: "the patient's wife".
# A sentence about a person after a name ends one: "worried about Joy. She's been ..."
_PRONOUN_SENTENCE = re.compile(r"[.!?][ \t]+(?:She|He)(?:['’](?:s|d|ll))?(?![\w'’])")
# A local part of an email address, split where a name's parts are: "kerry.doyle@".
_EMAIL_LOCAL = re.compile(r"(?<![\w.+'’-])(?P<local>[A-Za-z][\w.'’-]*)@\w")
_EMAIL_SPLIT = re.compile(r"[._'’-]+")
MIN_EMAIL_PART = 3
# Taking up a role: "Summer starts as our new trainee", "Precious is the new HCA".
_NEW_IN_ROLE = re.compile(
    r"[ \t]+(?:(?:is|was)[ \t]+(?:the|our|your|a)[ \t]+new|"
    r"(?:starts|started|joins|joined|starting|joining)[ \t]+(?:as|us[ \t]+as)[ \t]+"
    r"(?:the|our|your|a|an)(?:[ \t]+new)?)"
    r"(?P<words>(?:[ \t]+[\w-]+){1,4})",
    re.I,
)
_AFTER_CLAUSE_MARK = re.compile(r"[;,][ \t]*$")  # "...; Faith to review", "Rowan, Faith to"
_CLAUSE_BREAK = re.compile(r"[,;:.!?()\n—–]")
MIN_TEAM_LETTERS, MAX_TEAM_LETTERS = 2, 4  # a team's initials: "HR", "IT", "BI"
MAX_FROM_WORDS = 4  # words between "from the" and a person's verb: "from the men's shed wants"
_MODAL_NAMES = frozenset({"will", "may"})  # "will can you ...": a modal before a modal is a name
# Thanked for a part taken: "big thanks to grace and joy for facilitating".
_THANKED_FOR = re.compile(
    r"(?i)(?<![\w&])(?:thanks|thank[ \t]+you)[ \t]+to[ \t]+"
    r"(?P<names>[^\W\d_]+(?:(?:,[ \t]*|[ \t]+(?:and|&)[ \t]+|,[ \t]*and[ \t]+)[^\W\d_]+){0,3})"
    r"[ \t]+for[ \t]+[^\W\d_]+ing(?![\w'’])"  # a part taken: "for facilitating"
)
_THANKED_SPLIT = re.compile(r"(?:,[ \t]*(?:and[ \t]+)?|[ \t]+(?:and|&)[ \t]+)")
_WHO_ASIDE = re.compile(
    r"[ \t]*(?:the|our|my|her|his|their)[ \t]+(?P<words>(?:[\w'’-]+[ \t]*){1,4}?)"
    r"(?:[ \t]+(?:at|from|in|on|for)[ \t].*)?[ \t]*$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int  # without a possessive ending
    key: str
    capitalised: bool  # "Grace", not "grace" or "GRACE"
    lower: bool
    possessive: bool


def _keys(words: Iterable[str]) -> frozenset[str]:
    return frozenset(name_key(word) for word in words)


def _alternatives(phrases: Iterable[str]) -> str:
    return "|".join(
        r"[ \t]+".join(re.escape(part) for part in phrase.split())
        for phrase in sorted(set(phrases), key=lambda p: (-len(p), p))
    )


class ContextNameFinder:
    """Finds names from the words around them; immutable, so safe across threads."""

    def __init__(
        self,
        context: Context,
        *,
        given_names: Collection[str],
        ordinary_words: Collection[str],
        surnames: Collection[str],
        never_names: Collection[str],
        particles: Collection[str],
        function_words: Collection[str],
        verbs_after_a_name: Collection[str],
        in_directory: Callable[[str], bool],
        word_lists: WordLists | None = None,
        not_after: Collection[str] = (),
        members: MemberInitials | None = None,
        time_words: Collection[str] = (),
    ) -> None:
        """``given_names``: known given names, also those that are ordinary words ("Joy");
        ``ordinary_words``: words that are also names ("will", "green"); ``never_names``: words
        never a name by context (besides ``context.not_names`` and ``context.places``);
        ``in_directory``: whether a word (its ``name_key``) is part of a member's name;
        ``word_lists``: the broad lists (census surnames, English words), if any;
        ``not_after``: words after which a word is part of a place ("King George");
        ``members``: the directory's initials ("RH", "will p"); ``time_words``: seasons and
        months, also given names ("Summer", "June")."""
        self._ordinary_words = _keys(ordinary_words)
        self._word_names = _keys(given_names) & self._ordinary_words
        self._given = _keys(given_names) - self._ordinary_words
        self._surnames = _keys(surnames)
        self._lists = word_lists
        self._not_after = _keys(not_after)
        self._particles = _keys(particles)
        self._function_words = _keys(function_words)
        self._never = (
            _keys([*never_names, *context.not_names, *context.places, *context.products])
            - self._given
        )
        self._in_directory = in_directory
        self._members = members
        self._time_words = _keys(time_words)
        self._person_verbs = _keys(context.person_verbs)
        self._verb_helpers = _keys(context.verb_helpers)
        self._add_verbs = _keys(context.add_verbs)
        self._gatherings = _keys(context.gatherings)
        self._after_contraction = _keys(context.after_contraction)
        self._duty_words = _keys(context.duty_words)
        self._requests = _keys(context.requests)
        self._not_initials = _keys(context.not_initials)
        self._family_nouns = _keys(context.family_nouns)
        self._person_nouns = _keys(context.person_nouns)
        self._verbs_after_a_name = _keys(verbs_after_a_name) | self._person_verbs
        self._cues = self._cue_pattern(context.cues)
        self._strong_cues = self._cue_pattern(context.strong_cues)
        self._light_cues = self._cue_pattern(context.light_cues)
        self._light_cues_before_to = self._cue_pattern(context.light_cues_before_to)
        self._journeys = (
            re.compile(
                rf"(?i)(?<![\w&])(?:{_alternatives(context.journeys)})[ \t]+(?:to|from)[ \t]*$"
            )
            if context.journeys
            else None
        )
        self._person_states = _state_pattern(context.person_states)
        self._personal_events = _event_pattern(context.personal_events)
        self._action_verbs = _keys(context.action_verbs)
        self._verbs_before_to = _keys(context.verbs_before_to)
        self._done_verbs = _keys(context.done_verbs)
        self._greetings = re.compile(
            r"(?im)^[ \t>*•\-]*(?:<[@#!][^>\s]*>[ \t]*)?"
            rf"(?:{_alternatives(context.greetings)})(?![\w&])[ \t]*,?[ \t]*(?=\w)"
        )
        self._sign_offs = re.compile(
            rf"(?i)(?<![\w&])(?:{_alternatives(context.sign_offs)})"
            r"(?P<sep>[ \t]*[,:\-–—][ \t]*\n?[ \t]*|[ \t]*\n[ \t]*|[ \t]+)(?=\w)"
        )

    @staticmethod
    def _cue_pattern(cues: Iterable[str]) -> re.Pattern[str]:
        return re.compile(rf"(?i)(?<![\w&])(?:{_alternatives(cues)})[ \t]*:?[ \t]+(?=\w)")

    # ------------------------------------------------------------------ finding

    def find(self, text: str, known: Iterable[Span] = ()) -> list[Span]:
        """Names in ``text`` by context; ``known`` are names found otherwise (for lists)."""
        tokens = [
            self._token(text, m)
            for m in NAME_WORD.finditer(text)
            if not text[m.end() : m.end() + 1].isdigit()
        ]
        if not tokens:
            return []
        at = {token.start: index for index, token in enumerate(tokens)}
        found: list[Span] = []
        for index in range(len(tokens) - 1):
            if self._surname_follows(text, tokens, index) or self._person_verb_follows(
                text, tokens, index
            ):
                found.append(self._run_on(text, tokens, index))
        found.extend(self._name_shaped(text, tokens))
        found.extend(self._pair_from(text, tokens))
        found.extend(self._contracted(text, tokens))
        found.extend(self._on_duty(text, tokens))
        found.extend(self._judged(text, tokens))
        found.extend(self._named_place(text, tokens))
        found.extend(self._introduced(text, tokens))
        found.extend(self._before_a_number(text, tokens))
        found.extend(self._asked(text, tokens))
        found.extend(self._added(text, tokens))
        found.extend(self._in_a_state(text))
        found.extend(self._assigned(text, tokens))
        found.extend(self._will_do(text, tokens))
        found.extend(self._pair_described(text, tokens))
        found.extend(self._initials(text, tokens))
        found.extend(self._dotted_initials(text, tokens))
        found.extend(self._member_initials(text, tokens))
        found.extend(self._member_with_initial(text, tokens))
        found.extend(self._after_cues(text, tokens, at))
        found.extend(self._on_the_phone(text, tokens, at))
        found.extend(self._greeted(text, tokens, at))
        found.extend(self._signed(text, tokens, at))
        found.extend(self._directory_pairs(text, tokens))
        found.extend(self._listed(text, tokens, at, [*known, *found]))
        found.extend(self._listed_before(text, tokens, [*known, *found]))
        found.extend(self._given_then_initial(text, tokens))
        found.extend(self._opening_member(text, tokens))
        found.extend(self._greeted_in_message(text, tokens, at))
        found.extend(self._lower_initial(text, tokens, [*known, *found]))
        found.extend(self._opening_lower(text, tokens))
        found.extend(self._addressed_with_a_modal(text, tokens))
        found.extend(self._aside_then_verb(text, tokens))
        found.extend(self._event_of(text, tokens))
        found.extend(self._with_me(text, tokens))
        found.extend(self._then_a_pronoun(text, tokens))
        found.extend(self._in_an_email(text, tokens))
        found.extend(self._new_in_role(text, tokens))
        found.extend(self._thanked_for(text))
        found.extend(self._surname_first(text, tokens))
        found.extend(self._in_a_team(text, tokens))
        found.extend(self._from_then_verb(text, tokens))
        found.extend(self._versus(text, tokens))
        found.extend(self._in_brackets(text, tokens))
        found.extend(self._family(text, tokens))
        found.extend(self._continued(text, tokens, [*known, *found]))
        found.extend(self._particles_before(text, tokens, [*known, *found]))
        found.extend(self._repeated(text, tokens, [*known, *found]))
        found = [_without_done_abbreviation(text, span) for span in found]
        return [span for span in found if span[1] > span[0] and not self._never_a_name(text, span)]

    def _never_a_name(self, text: str, span: Span) -> bool:
        """A plural abbreviation ("GPs"), a role's ("DoF"), a function word's contraction
        ("I've", "We'd") or a word joined in camel case, a product or an event ("going to
        ShareFest"; not "MacLeod", "DeShawn", "MaryAnn", "FitzGerald")."""
        if _PLURAL_ABBREVIATION.fullmatch(text, *span) or _ROLE_ABBREVIATION.fullmatch(text, *span):
            return True
        if self._camel_case(text[span[0] : span[1]]):
            return True
        word = name_key(text[span[0] : span[1]])
        return "'" in word and self._is_function_word(word)

    def _camel_case(self, written: str) -> bool:
        """One word of two capitalised parts, the first of five letters or more and no name:
        "ConfedExpo", "ShareFest" (a short or given first part may be a name's: "MacLeod",
        "SarahJane"), unless a member is called so."""
        match = _CAMEL_CASE.fullmatch(written)
        if match is None or self._in_directory(name_key(written)):
            return False
        return not self._is_given(name_key(match.group("first")))

    def _surname_follows(self, text: str, tokens: list[_Token], index: int) -> bool:
        first, second = tokens[index], tokens[index + 1]
        if first.possessive or not self._joined(text, first, second):
            return False
        if second.key in self._never:
            return False
        if first.key in self._never:
            return first.key in self._time_words and self._season_name(first, second)
        known_first = self._is_given(first.key)
        plain_surname = self._is_surname(second.key) and not self._ordinary(second.key)
        if first.capitalised and second.capitalised:
            if plain_surname or (known_first and self._is_surname(second.key)):
                return True  # "Comfort Asante", "Will Turner"
            if (
                known_first
                and not self._ordinary(second.key)
                and not self._english_only(second.key)
            ):
                return True  # "Joy Okonjo-Iweala", not "Liberty Protection Safeguards"
            if (
                self._census_given_word(first.key)
                and self._foreign_word(second.key)
                and not self._capital_follows(text, tokens, index + 1)
            ):
                return True  # "Sam Oduya", not "Sunshine Homecare Ltd": a word name, a name
            return self._unknown_pair(first.key, second.key) or (
                self._foreign(first.key) and self._double_barrelled(text, second)
            )
        if first.lower and second.lower:
            return known_first and plain_surname  # "grace okafor", not "church hall"
        return False

    def _season_name(self, first: _Token, second: _Token) -> bool:
        """A season or month that is a census given name, capitalised before a surname that is
        no English word: "Summer Adeyinka", "June Okonkwo" (not "Summer Fair", "May Day")."""
        lists = self._lists
        return (
            lists is not None
            and first.capitalised
            and second.capitalised
            and first.key not in STOP_WORDS  # "In Edmondson's study"
            and lists.is_given_name(first.key)
            and self._is_surname(second.key)
            and self._foreign(second.key)
        )

    def _person_verb_follows(self, text: str, tokens: list[_Token], index: int) -> bool:
        """A known name (any case), or a capitalised word inside a sentence, before a verb
        only a person does: "joy said", "and Ebunoluwa reckons"."""
        word, verb = tokens[index], tokens[index + 1]
        if not self._joined(text, word, verb):
            return False
        if verb.key in self._verb_helpers and index + 2 < len(tokens):
            helped = tokens[index + 2]  # "mark hasn't replied", "Grace has already said"
            if self._joined(text, verb, helped):
                verb = helped
        if verb.key not in self._person_verbs:
            return False
        if self._never_here(word.key) or word.possessive or not (word.capitalised or word.lower):
            return False
        if word.lower and index and self._after_a_word(text, tokens[index - 1], word):
            return False  # "conventional wisdom says": a noun after its adjective
        if word.lower and index and self._determined(text, tokens[index - 1], word):
            return False  # "the will said", "my mark has said": a noun
        if self._is_given(word.key) or (word.capitalised and self._foreign(word.key)):
            return True  # also at a sentence start: "Mthunzi reckons"
        if word.capitalised and self._english_only(word.key):
            return False  # a body or a team: "Nobody from Region said"
        if word.capitalised and self._word_given_name(word.key):
            return True  # also at a sentence start: "Jo said", not "Nan said"
        start = tokens[index - 1].end if index else 0
        return word.capitalised and SENTENCE_START.search(text, start, word.start) is None

    def _name_shaped(self, text: str, tokens: list[_Token]) -> list[Span]:
        """A capitalised word that is no English word, with a possessive or before a word that
        follows a name ("Nasser's out", "Mthunzi has the figures", "Valentina's reframe"), or a
        known given name before "from" or "at" and a team or place ("Rose from comms")."""
        found: list[Span] = []
        for index, token in enumerate(tokens):
            if not token.capitalised:
                continue
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            joined = following is not None and self._joined(text, token, following)
            in_a_place = index > 0 and (
                tokens[index - 1].key in self._not_after
                or (tokens[index - 1].key in _PLACE_BEFORE and not token.possessive)
            )
            verb_after = (
                joined
                and following is not None
                and following.key in self._verbs_after_a_name
                and following.key not in _NOT_ALONE
                and not self._listed_with_a_thing(text, tokens, index)
            )
            if self._foreign(token.key) and not in_a_place and (token.possessive or verb_after):
                found.append(self._run_on(text, tokens, index))
            elif (
                joined
                and not (index and self._in_a_title(text, tokens[index - 1], token))
                and following is not None
                and following.key in _FROM_AT
                and (
                    self._is_given(token.key)
                    or self._foreign_word(token.key)
                    or self._word_given_name(token.key)
                )
                and self._team_or_place_after(text, tokens, index + 2)
            ):
                found.append((token.start, token.end))
        return found

    @staticmethod
    def _listed_with_a_thing(text: str, tokens: list[_Token], index: int) -> bool:
        """Opening a sentence, then "and" and a lower-case word: "Musculoskeletal and stress
        still top two" (a word the English list lacks), not "Lerato and Thandeka from"."""
        if index + 2 >= len(tokens) or tokens[index + 1].key != "and":
            return False
        start = tokens[index - 1].end if index else 0
        opens = SENTENCE_START.search(text, start, tokens[index].start) is not None
        return opens and tokens[index + 2].lower

    def _pair_from(self, text: str, tokens: list[_Token]) -> list[Span]:
        """Two capitalised words before "from": both name-like ("Sione Taufa from"), or a
        census given name and a census surname ("Hunter Brookes from the alliance")."""
        found: list[Span] = []
        for index in range(len(tokens) - 2):
            first, second, after = tokens[index : index + 3]
            if after.key != "from" or not (first.capitalised and second.capitalised):
                continue
            if first.possessive or second.possessive:
                continue
            if not (self._joined(text, first, second) and self._joined(text, second, after)):
                continue
            if first.key in self._never or second.key in self._never:
                continue
            both_foreign = self._foreign_word(first.key) and self._foreign_word(second.key)
            lists = self._lists
            census = (
                lists is not None
                and lists.is_given_name(first.key)
                and lists.is_surname(second.key)
                and not self._ordinary(second.key)
            )
            if both_foreign or census:
                found.append((first.start, second.end))
        return found

    def _in_a_title(self, text: str, before: _Token, word: _Token) -> bool:
        """After a capitalised English word that is no name: "the People Promise at"."""
        return (
            before.capitalised
            and not before.possessive
            and self._joined(text, before, word)
            and self._lists is not None
            and self._lists.is_english(before.key)
            and not self._lists.is_given_name(before.key)
            and not self._is_given(before.key)
        )

    def _after_a_word(self, text: str, before: _Token, word: _Token) -> bool:
        """Whether ``word`` follows a content word in the same phrase: a lower-case one, or a
        capitalised English word that is no name part ("Conventional wisdom says")."""
        return (
            (before.lower or (before.capitalised and self._english_only(before.key)))
            and self._joined(text, before, word)
            and not self._is_function_word(before.key)
            and before.key not in self._verbs_after_a_name
        )

    def _determined(self, text: str, before: _Token, word: _Token) -> bool:
        """Whether ``word`` follows a determiner in the same phrase ("the will")."""
        return before.key in _DETERMINERS and self._joined(text, before, word)

    def _census_given_word(self, key: str) -> bool:
        """A census given name, also one that is an English word ("Sam", "Jo")."""
        return self._lists is not None and self._lists.is_given_name(key) and key not in self._never

    def _word_given_name(self, key: str) -> bool:
        """A census given name that is an English word but no ordinary name word nor a word
        for a person: "Jo", "Sam", not "Nan", "Guy", "Will"."""
        return (
            self._census_given_word(key)
            and not self._ordinary(key)
            and key not in self._person_nouns
        )

    def _census_given(self, key: str) -> bool:
        """A given name of the census or the curated list that is no ordinary word."""
        known = key in self._given or (self._lists is not None and self._lists.is_given_name(key))
        return known and not self._ordinary(key) and key not in self._never

    def _contracted(self, text: str, tokens: list[_Token]) -> list[Span]:
        """A given name with "'s" for "has" or "is": "Hunter's been", "Our Jordan's just", and
        in lower case opening a line: "nell's off sick"."""
        found: list[Span] = []
        for token, following in itertools.pairwise(tokens):
            if not token.possessive or not self._census_given(token.key):
                continue
            if not (
                token.capitalised or (token.lower and _LINE_START.search(text, 0, token.start))
            ):
                continue
            if following.key in self._after_contraction and _CONTRACTION.fullmatch(
                text, token.end, following.start
            ):
                found.append((token.start, token.end))
        return found

    def _on_duty(self, text: str, tokens: list[_Token]) -> list[Span]:
        """A capitalised given name, also a word or a month, with "'s on", "'s off" or "'s
        back" and a word of duty within a few words: "Summer's on the on-call rota", "May's on
        leave", "Summer's back from mat leave" (not "Summer's on the way", "Summer's back"):
        only a person is on a rota or back from leave."""
        found: list[Span] = []
        for index, token in _possessive_before(text, tokens, _DUTY_MOVES):
            if not (self._is_given(token.key) or self._census_given(token.key)):
                continue  # "Summer", "Jaylen"; not "Sunday", "Easter", "Ward"
            after = tokens[index + 2 : index + 2 + _DUTY_REACH]
            if any(word.key in self._duty_words for word in after):
                found.append((token.start, token.end))
        return found

    def _named_place(self, text: str, tokens: list[_Token]) -> list[Span]:
        """A capitalised given name with "'s" before a plural verb is a place or body named
        after someone, told as a name: "Jimmy's are short of porters" (not "Summer's are",
        an ordinary word, nor "Mum's are")."""
        found: list[Span] = []
        for _, token in _possessive_before(text, tokens, _PLURAL_VERBS):
            if token.key in self._person_nouns or not self._census_given(token.key):
                continue
            found.append((token.start, token.end))
        return found

    def _judged(self, text: str, tokens: list[_Token]) -> list[Span]:
        """A capitalised given name, also a word, with "'s right" or "'s wrong" and then a
        clause or nothing: "Frank's right that the data is patchy", "Rose's wrong about it"
        (not "Mark's right hand", "the Patient's right to refuse")."""
        found: list[Span] = []
        for index, token in _possessive_before(text, tokens, _VERDICTS):
            if self._judged_name(text, tokens, token, index + 1):
                found.append((token.start, token.end))
        found.extend(self._judged_in_full(text, tokens))
        return found

    def _judged_in_full(self, text: str, tokens: list[_Token]) -> list[Span]:
        """The same with "is" written out: "Gill is right about the governance", "I think Rose
        is wrong that..." (not "the Patient is right to refuse")."""
        found: list[Span] = []
        for index in range(len(tokens) - 2):
            token, verb, verdict = tokens[index], tokens[index + 1], tokens[index + 2]
            if not token.capitalised or token.possessive or verb.key not in {"is", "was"}:
                continue
            if verdict.key not in _VERDICTS or not self._joined(text, token, verb):
                continue
            if self._joined(text, verb, verdict) and self._judged_name(
                text, tokens, token, index + 2
            ):
                found.append((token.start, token.end))
        return found

    def _judged_name(self, text: str, tokens: list[_Token], token: _Token, at: int) -> bool:
        """Whether ``token``, judged by the verdict at ``at``, is a given name with a clause or
        nothing after the verdict ("right that...", "wrong.")."""
        inside = not SENTENCE_START.search(text, 0, token.start)
        surname = inside and self._surname_not_noun(token.key)  # "I think Gill is right"
        if not (self._is_given(token.key) or self._census_given_word(token.key) or surname):
            return False
        if token.key in self._person_nouns or self._never_here(token.key):
            return False
        after = tokens[at + 1] if at + 1 < len(tokens) else None
        return (
            after is None
            or after.key in _AFTER_VERDICT
            or bool(_CLAUSE_END.match(text, tokens[at].end))
        )

    def _before_a_number(self, text: str, tokens: list[_Token]) -> list[Span]:
        """A capitalised name right before a phone number: "the contact is Marguerite, 01632
        960381", "ring Sioned on 01632 960744" (not "Switchboard on 0121 ...")."""
        found: list[Span] = []
        for index, token in enumerate(tokens):
            if (
                not token.capitalised
                or token.possessive
                or not _NUMBER_AFTER.match(text, token.end)
            ):
                continue
            if self._never_here(token.key) or self._is_function_word(token.key):
                continue
            if self._english_only(token.key) or not (
                self._name_part(token.key)
                or self._census_given(token.key)
                or self._foreign(token.key)
            ):
                continue
            found.append(self._run_on_back(text, tokens, index))
        return found

    def _introduced(self, text: str, tokens: list[_Token]) -> list[Span]:
        """Capitalised words before "here", opening a sentence: "— Mere Tūhoe here, on ..."."""
        found: list[Span] = []
        for index, token in enumerate(tokens):
            if token.key != "here" or not _AFTER_GREETED.match(text, token.end) or not index:
                continue
            first = index
            while (
                first > 0
                and index - first < MAX_GREETED_WORDS
                and tokens[first - 1].capitalised
                and not self._never_here(tokens[first - 1].key)
                and not self._is_function_word(tokens[first - 1].key)
                and self._joined(text, tokens[first - 1], tokens[first])
            ):
                first -= 1
            words = tokens[first:index]
            opens = _OPENS.search(text, 0, words[0].start) if words else None
            if opens and any(self._foreign(w.key) or self._name_part(w.key) for w in words):
                found.append((words[0].start, words[-1].end))
        return found

    def _assigned(self, text: str, tokens: list[_Token]) -> list[Span]:
        """A name given an action, opening a sentence, clause or line: "Adaku to lead; Somto
        deputy", "action: kemi to send the deck" (not "Finance to send", "Trust to confirm")."""
        found: list[Span] = []
        for index in range(len(tokens) - 2):
            token, to, verb = tokens[index], tokens[index + 1], tokens[index + 2]
            if to.key != "to" or verb.key not in self._action_verbs:
                continue
            if not (self._joined(text, token, to) and self._joined(text, to, verb)):
                continue
            start = tokens[index - 1].end if index else 0
            opens = _OPENS.search(text, start, token.start) is not None
            listed = token.capitalised and _COMMA.fullmatch(text, start, token.start)
            if self._never_here(token.key):
                continue
            if (opens or listed) and (
                self._assignable(token) or (opens and self._is_initials(text, token))
            ):
                found.append((token.start, token.end))  # also initials: "TW to send it"
            elif self._member_assigned(text, start, token):
                found.append((token.start, token.end))  # "...; Faith to review"
        return found

    def _action_after(self, text: str, tokens: list[_Token], index: int) -> bool:
        """Whether "to" and an action verb follow the word at ``index``: "... to send"."""
        if index + 2 >= len(tokens):
            return False
        to, verb = tokens[index + 1], tokens[index + 2]
        return (
            to.key == "to"
            and verb.key in self._action_verbs
            and self._joined(text, tokens[index], to)
            and self._joined(text, to, verb)
        )

    def _will_do(self, text: str, tokens: list[_Token]) -> list[Span]:
        """A capitalised given name opening a sentence or clause, then "will" and an action:
        someone taking a task on ("Precious will take minutes", "Faith will chase the
        bank"), or a task done ("Sunny did the night shift", "Ruby has sent round the
        notes"), a name that is also a word too;
        not "Finance will send" (no given name)."""
        found: list[Span] = []
        for index in range(len(tokens) - 2):
            token, will, verb = tokens[index], tokens[index + 1], tokens[index + 2]
            if (
                will.key in _DONE_HELPERS
                and index + 3 < len(tokens)
                and self._joined(text, will, verb)
            ):
                will, verb = verb, tokens[index + 3]  # "Sunny has sent round the figures"
            if not (
                self._joined(text, token, tokens[index + 1]) and self._task_after(text, will, verb)
            ):
                continue
            if not token.capitalised or token.possessive or self._never_here(token.key):
                continue
            start = tokens[index - 1].end if index else 0
            after_joiner = index > 0 and tokens[index - 1].key in _CLAUSE_JOINERS
            if _OPENS.search(text, start, token.start) is None and not after_joiner:
                continue
            if self._is_given(token.key) or self._census_given(token.key):
                found.append((token.start, token.end))
        return found

    def _task_after(self, text: str, first: _Token, second: _Token) -> bool:
        """A task taken on ("will take", "can chase") or done ("did the", "sent it")."""
        if first.key in _WILL:
            return second.key in self._action_verbs and self._joined(text, first, second)
        return (
            first.key in self._done_verbs
            and second.key in _DONE_OBJECTS
            and self._joined(text, first, second)
        )

    def _pair_described(self, text: str, tokens: list[_Token]) -> list[Span]:
        """Two capitalised surnames joined by "and", described as people: "Shepherd and Marsh
        are the two consultants", "Birch and Pike were our leads" (not "Leeds and Bradford
        are the two places", "Finance and Estates are our partners": no surnames)."""
        found: list[Span] = []
        for index in range(len(tokens) - 2):
            first, joiner, second = tokens[index], tokens[index + 1], tokens[index + 2]
            if joiner.key != "and" or not (first.capitalised and second.capitalised):
                continue
            if not (self._joined(text, first, joiner) and self._joined(text, joiner, second)):
                continue
            described = _DESCRIBED_AS.match(text, second.end)
            if described is None or not self._people_noun(described.group("noun")):
                continue
            if self._pair_word(first.key) and self._pair_word(second.key):
                found.extend([(first.start, first.end), (second.start, second.end)])
        return found

    def _pair_word(self, key: str) -> bool:
        """A surname or given name of the lists that is no place, word never a name, nor a
        word for a person ("Shepherd", "Marsh"; not "Leeds", "Finance", "Mum")."""
        lists = self._lists
        named = self._is_given(key) or (
            lists is not None and (lists.is_surname(key) or lists.is_given_name(key))
        )
        return named and not self._never_here(key) and key not in self._person_nouns

    def _people_noun(self, word: str) -> bool:
        """A plural word for people in a role: "consultants", "leads", "GPs"."""
        key = name_key(word)
        return key.endswith("s") and key[:-1] in self._person_nouns

    def _member_assigned(self, text: str, start: int, token: _Token) -> bool:
        """A member's name that is also a word, given an action after a clause: capitalised
        after ";" or "," ("Rowan and I will draft; Faith to check"), in lower case after ";"
        ("...; faith to check"); not opening a sentence, where "Hope to send it" is "(I) hope
        to", nor in lower case after a comma ("thanks, hope to send it soon")."""
        mark = _AFTER_CLAUSE_MARK.search(text, start, token.start)
        if mark is None or not (self._ordinary(token.key) and self._in_directory(token.key)):
            return False
        return token.capitalised or (token.lower and ";" in mark.group())

    def _assignable(self, token: _Token) -> bool:
        """A known given name or a name-like word, capitalised; in lower case a given name
        that is no ordinary word, a member's, or a long name-like word ("kelechi")."""
        if self._ordinary(token.key):
            return (  # "Joy to review"; not "Hope to send it tomorrow": (I) hope to
                token.capitalised
                and token.key in self._word_names
                and token.key not in self._verbs_before_to
            )
        if token.capitalised:
            return (
                self._is_given(token.key)
                or self._census_given(token.key)
                or self._foreign_word(token.key)
            )
        if not token.lower:
            return False
        return (
            self._plain_name(token.key)
            or self._census_given(token.key)
            or (self._foreign_word(token.key) and len(token.key) >= MIN_UNKNOWN_LOWER)
        )

    def _in_a_state(self, text: str) -> list[Span]:
        """A known name, in any case, or two capitals (initials), then "is" or "was" and a
        state only a person is in: "ruth is off today", "Precious is covering the desk", "mark
        was on nights", "TK's off sick" (not "hope is off the table", "Summer is off")."""
        if self._person_states is None:
            return []
        found: list[Span] = []
        for match in self._person_states.finditer(text):
            if match.group("other") is None:
                if self._in_state(text, match, "word"):
                    found.append(match.span("word"))
            elif self._in_state(text, match, "word") and self._in_state(text, match, "other"):
                found.extend([match.span("word"), match.span("other")])  # "Sue and Pat are"
        return found

    def _in_state(self, text: str, match: re.Match[str], group: str) -> bool:
        """Whether the word of ``group`` before a person's state is a name."""
        start = match.start(group)
        key = name_key(match.group(group))
        if self._never_here(key) or (self._is_function_word(key) and not self._in_directory(key)):
            return False  # "Nobody is covering", but a member's "will is off today"
        before = _WORD_BEFORE.search(text, 0, start)
        if before is not None and name_key(before.group("word")) in _DETERMINERS:
            return False  # "the will is off"
        if _INITIALS.fullmatch(match.group(group)) and key not in self._not_initials:
            return True  # "TK's off sick", but not "ED's on black"
        capitalised = match.group(group)[:1].isupper()
        known = self._is_given(key) or self._census_given(key)
        census_word = capitalised and self._census_given_word(key)
        return known or census_word or (capitalised and self._foreign_word(key))

    def _added(self, text: str, tokens: list[_Token]) -> list[Span]:
        """A known name, in any case, added or invited to a place of talk: "pls add faith to
        the channel", "invited Hope to the huddle" (not "add hope to the list")."""
        found: list[Span] = []
        for index in range(1, len(tokens) - 2):
            verb, token, to = tokens[index - 1], tokens[index], tokens[index + 1]
            if verb.key not in self._add_verbs or to.key != "to" or self._never_here(token.key):
                continue
            if not (self._joined(text, verb, token) and self._joined(text, token, to)):
                continue
            if not (self._is_given(token.key) or self._census_given(token.key)):
                continue
            place = index + 2
            if place < len(tokens) - 1 and tokens[place].key in _DETERMINERS:
                place += 1
            if tokens[place].key in self._gatherings:
                found.append(self._run_on(text, tokens, index))
        return found

    def _asked(self, text: str, tokens: list[_Token]) -> list[Span]:
        """A name in lower case opening a line, before a request: "kelechi pls call me"."""
        found: list[Span] = []
        for token, following in itertools.pairwise(tokens):
            if not token.lower or following.key not in self._requests:
                continue
            if not self._joined(text, token, following) or self._never_here(token.key):
                continue
            if self._ordinary(token.key):
                continue  # "will you come?", "will do"
            if not _LINE_START.search(text, 0, token.start):
                continue
            plain = token.key in self._given or self._in_directory(token.key)
            if plain or (self._foreign(token.key) and len(token.key) >= MIN_UNKNOWN_LOWER):
                found.append((token.start, token.end))
        return found

    def _is_initials(self, text: str, token: _Token) -> bool:
        """Two capitals that are no known abbreviation, English word or never a name."""
        return (
            _INITIALS.fullmatch(text, token.start, token.end) is not None
            and token.key not in self._not_initials
            and token.key not in self._never
            and not (
                len(token.key) > INITIALS_LETTERS  # two letters: the lists above decide
                and self._lists is not None
                and self._lists.is_english(token.key)
            )
        )

    def _initials(self, text: str, tokens: list[_Token]) -> list[Span]:
        """Initials before a person's verb ("JB said") or three or more listed ("SK, RM and
        JT")."""
        found: list[Span] = []
        run: list[int] = []
        for index, token in enumerate(tokens):
            if not self._is_initials(text, token):
                continue
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            if following is not None and self._person_after_initials(text, token, tokens, index):
                found.append((token.start, token.end))
            if run and _LIST_JOIN.fullmatch(text, tokens[run[-1]].end, token.start):
                run.append(index)
            else:
                found.extend(self._initials_listed(text, tokens, run))
                run = [index]
        found.extend(self._initials_listed(text, tokens, run))
        return found

    def _person_after_initials(
        self, text: str, token: _Token, tokens: list[_Token], index: int
    ) -> bool:
        """Initials before a person's verb ("JB said"), with "'s" before a person ("JT's
        wife"), or before "from" and a capitalised word ("JT from Mid Yorks rang")."""
        following = tokens[index + 1]
        if token.possessive:
            return (
                following.key in self._person_nouns
                and _CONTRACTION.fullmatch(text, token.end, following.start) is not None
            )
        if not self._joined(text, token, following):
            return False
        if following.key in self._person_verbs:
            return True
        after = tokens[index + 2] if index + 2 < len(tokens) else None
        return (
            following.key == "from"
            and after is not None
            and after.capitalised
            and self._joined(text, following, after)
        )

    def _initials_listed(self, text: str, tokens: list[_Token], run: list[int]) -> list[Span]:
        """Three or more listed, or two before a person's verb or an action ("JB and MK have
        both", "TW and RB to draft it")."""
        if len(run) < MIN_PAIRED_INITIALS:
            return []
        if len(run) < MIN_LISTED_INITIALS:
            last = run[-1]
            following = tokens[last + 1] if last + 1 < len(tokens) else None
            if following is None or not self._joined(text, tokens[last], following):
                return []
            action = self._action_after(text, tokens, last)
            if following.key not in self._person_verbs | _AFTER_LISTED_INITIALS and not action:
                return []
        return [(tokens[i].start, tokens[i].end) for i in run]

    def _member_initials(self, text: str, tokens: list[_Token]) -> list[Span]:
        """A member's initials ("RH to take the workstream", "who is 'DW'?"); initials that
        are also an abbreviation or a word ("PR", "MS") only beside another member's."""
        if self._members is None:
            return []
        plain: list[Span] = []
        also_words: list[Span] = []
        for token in tokens:
            if token.lower:
                continue
            written = text[token.start : token.end]
            if not self._members.is_initials(written):
                continue
            if sum(char.isupper() for char in written) < INITIALS_LETTERS:
                continue
            key = token.key.replace("-", "")
            english = self._lists is not None and self._lists.is_english(key)
            if key in self._not_initials or key in self._never or english:
                also_words.append((token.start, token.end))
            else:
                plain.append((token.start, token.end))
        return [*plain, *also_words] if plain else []

    def _member_with_initial(self, text: str, tokens: list[_Token]) -> list[Span]:
        """A member's given name, in any case, then the initial of that member's surname:
        "will p re the winter plan", "mark s and I met", "chloe b's leaving do"."""
        if self._members is None:
            return []
        found: list[Span] = []
        for token, initial in itertools.pairwise(tokens):
            if token.possessive or not (token.lower or token.capitalised):
                continue
            letters = self._members.surname_initials(token.key)
            if not letters or not self._joined(text, token, initial):
                continue
            written = text[initial.start : initial.end]
            letter = written[:1]
            rest = written[1:].replace("’", "'")
            if not letter.isalpha() or rest not in ("", "'s") or letter.lower() not in letters:
                continue
            if letter in _NOT_MEMBER_INITIALS and self._ordinary_or_english(token.key):
                continue  # "Hope I can", "will a new plan"
            found.append((token.start, initial.start + 1))
        return found

    def _ordinary_or_english(self, key: str) -> bool:
        return self._ordinary(key) or (self._lists is not None and self._lists.is_english(key))

    def _dotted_initials(self, text: str, tokens: list[_Token]) -> list[Span]:
        """An initial with a full stop before a surname: "A. Rahman", "K. Liu"; without the
        stop ("K Liu"; "A" only before a vowel, where the article would be "An": "A
        Okonkwo"); or a surname, a comma and an initial with its stop: "Okonkwo, A."."""
        found: list[Span] = []
        for index, (token, name) in enumerate(itertools.pairwise(tokens)):
            if not self._surname_like(name):
                continue
            if _DOTTED_INITIAL.fullmatch(text, token.start, name.start) or (
                _BARE_INITIAL.fullmatch(text, token.start, name.start)
                and (token.key != "a" or name.key[:1] in _VOWELS)
            ):
                found.append((token.start, self._run_on(text, tokens, index + 1)[1]))
        for token in tokens:
            initial = None if token.possessive else _COMMA_INITIAL.match(text, token.end)
            if initial is not None and self._surname_like(token):
                found.append((token.start, initial.end()))
        return found

    def _surname_like(self, token: _Token) -> bool:
        """A capitalised surname or name-like word: "Rahman", "Okonkwo"."""
        return token.capitalised and (self._is_surname(token.key) or self._foreign(token.key))

    def _opening_member(self, text: str, tokens: list[_Token]) -> list[Span]:
        """A member's name in lower case opening a line, with a possessive, addressed, or
        before a verb that follows a name: "will's paper", "dawn - your 3pm has moved",
        "peace has gone off sick" (but "hope is the key", "will do", "will hasn't been
        shared")."""
        found: list[Span] = []
        for index, token in enumerate(tokens):
            if not token.lower or not self._in_directory(token.key):
                continue
            if self._never_here(token.key) or not _LINE_START.search(text, 0, token.start):
                continue
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            verb = (
                following is not None
                and self._joined(text, token, following)
                and following.key in self._verbs_after_a_name
                and following.key not in _NOT_AFTER_OPENING
                and not ("'" in following.key and self._ordinary(token.key))
            )  # "will hasn't been shared with the family": the document
            addressed = not token.possessive and _ADDRESSED.match(text, token.end) is not None
            if token.possessive or addressed or verb:
                found.append((token.start, token.end))
        return found

    def _greeted_in_message(
        self, text: str, tokens: list[_Token], at: dict[int, int]
    ) -> list[Span]:
        """A capitalised name greeted inside a message, then "!" or the end: "Ruth has the
        role, congrats Mo!", "..., welcome Shosh!"."""
        found: list[Span] = []
        for match in _IN_MESSAGE_GREETING.finditer(text):
            index = at.get(match.end())
            if index is None:
                continue
            first = tokens[index]
            if not first.capitalised or self._never_here(first.key):
                continue
            if self._english_only(first.key):
                continue  # "welcome Back!"
            span = self._run_on(text, tokens, index)
            if _TO_EXCLAMATION.match(text, span[1]):
                found.append(span)
        return found

    def _repeated(self, text: str, tokens: list[_Token], names: list[Span]) -> list[Span]:
        """A one-word name found in the message is a name again in lower case: "Pearl's
        spreadsheet ... yes pearl built it" (not after "the", "a": "the heath"); the first
        word of a name found is a name again capitalised inside a sentence: "Dawn Whiteley
        (our Dawn, the ward sister)"."""
        keys = {name_key(text[start:end]) for start, end in names}
        firsts = {name_key(text[start:end].split()[0]) for start, end in names if end > start}
        found: list[Span] = []
        for index, token in enumerate(tokens):
            if self._is_function_word(token.key) or self._never_here(token.key):
                continue
            if token.capitalised:
                if token.key not in firsts or len(token.key) < 2:
                    continue
                before = tokens[index - 1].end if index else 0
                if self._ordinary(token.key) and SENTENCE_START.search(text, before, token.start):
                    continue  # "Will Turner ... Will you come?"
            elif not token.lower or token.key not in keys:
                continue
            previous = tokens[index - 1].key if index else ""
            if previous in (_ARTICLES if token.capitalised else _DETERMINERS):
                continue  # "the heath", "the Dawn chorus"; but "our Dawn"
            if not any(start <= token.start < end for start, end in names):
                found.append((token.start, token.end))
        return found

    def _particles_before(self, text: str, tokens: list[_Token], names: list[Span]) -> list[Span]:
        """Surname particles right before a name found: "van der Berg's paper", "bin Hamid
        said", "ni bhriain wants". One particle that is also a word ("bin", "van", "de") only
        where a name may open: at the start, after punctuation, "+" or "and"."""
        starts = {token.start: index for index, token in enumerate(tokens)}
        found: list[Span] = []
        for start, end in names:
            index = starts.get(start)
            if index is None or tokens[index].key in self._particles:
                continue
            first = index
            while (
                first > 0
                and tokens[first - 1].key in self._particles
                and not tokens[first - 1].possessive
                and self._joined(text, tokens[first - 1], tokens[first])
            ):
                first -= 1
            if first == index:
                continue
            particle = tokens[first]
            plain = not (
                self._is_function_word(particle.key)
                or (self._lists is not None and self._lists.is_english(particle.key))
            )
            opens = _BEFORE_PARTICLE.search(text, 0, particle.start) is not None
            if index - first > 1 or plain or opens:
                found.append((particle.start, end))
        return found

    def _lower_initial(self, text: str, tokens: list[_Token], names: list[Span]) -> list[Span]:
        """A name found, or a given name that is no word, in lower case and one letter, a
        surname's initial: "priyanka r - can you send", "jonathan t has the keys" (not
        "priyanka r u free?")."""
        ends = {token.end: index for index, token in enumerate(tokens)}
        given = [(t.start, t.end) for t in tokens if t.lower and t.key in self._given]
        found: list[Span] = []
        for start, end in [*names, *given]:
            index = ends.get(end)
            if index is None or index + 1 >= len(tokens) or tokens[index].possessive:
                continue
            name, initial = tokens[index], tokens[index + 1]
            if not name.lower or not self._joined(text, name, initial):
                continue
            if len(initial.key) != 1 or not initial.lower or initial.key in _NOT_LOWER_INITIALS:
                continue
            following = tokens[index + 2] if index + 2 < len(tokens) else None
            verb = (
                following is not None
                and self._joined(text, initial, following)
                and following.key in self._verbs_after_a_name
            )
            if verb or _INITIAL_THEN.match(text, initial.end):
                found.append((start, initial.end))
        return found

    def _opening_lower(self, text: str, tokens: list[_Token]) -> list[Span]:
        """A name in lower case opening a line, whoever it is: a word of no English with a
        possessive or before "from" or a verb after a name ("emeka's covering", "nkechi from
        the night team"); a member's name, even an English word, before "from" and a
        capitalised body ("joy from Kelmouth Carers"); a given name addressed before a request
        ("grace, if you see this")."""
        found: list[Span] = []
        for index, token in enumerate(tokens):
            if not token.lower or not _LINE_START.search(text, 0, token.start):
                continue
            if self._never_here(token.key) or self._is_function_word(token.key):
                continue
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            joined = following is not None and self._joined(text, token, following)
            after = following.key if joined and following is not None else ""
            from_a_team = after in _FROM_AT and self._capitalised_after(tokens, index + 2)
            member_from = after == "from" and self._in_directory(token.key)
            if member_from and from_a_team and not token.possessive:
                found.append((token.start, token.end))  # "joy from Kelmouth Carers came"
            elif self._foreign_word(token.key) and len(token.key) >= MIN_UNKNOWN_LOWER:
                if (
                    token.possessive
                    or from_a_team
                    or (after in self._verbs_after_a_name and after not in _NOT_AFTER_OPENING)
                ):
                    found.append((token.start, token.end))
            elif (
                self._is_given(token.key)
                and not token.possessive
                and following is not None
                and following.key in _ADDRESSED_THEN | self._requests
                and text[token.end : following.start].strip() == ","
            ):
                found.append((token.start, token.end))
        return found

    def _addressed_with_a_modal(self, text: str, tokens: list[_Token]) -> list[Span]:
        """A given name opening a line, in any case, then "can/could/would/will you": the
        person asked ("hope can u pick up the data", "Mark could you send it")."""
        found: list[Span] = []
        for token in tokens:
            if token.possessive or not _LINE_START.search(text, 0, token.start):
                continue
            if self._is_function_word(token.key) and token.key not in _MODAL_NAMES:
                continue
            asked = _MODAL_YOU.match(text, token.end)
            if asked is None:
                continue
            verb = asked.group("verb")
            if self._never_here(token.key):
                if self._season_asked(token, verb):
                    found.append((token.start, token.end))  # "summer could you send it"
                continue
            if self._asked_by_name(token, verb):
                found.append((token.start, token.end))
        return found

    def _season_asked(self, token: _Token, verb: str | None) -> bool:
        """A season or month that is a census given name, asked to do a task: "june can you
        send the slides" (not "march can you believe it": no task)."""
        return (
            token.key in self._time_words
            and self._census_given_word_any(token.key)
            and verb is not None
            and name_key(verb) in self._action_verbs
        )

    def _asked_by_name(self, token: _Token, verb: str | None) -> bool:
        """A given name; in lower case a known one, and if it is also a word, only when a task
        is asked ("hope can u pick up", not "promise could you make", wrapped from "What
        promise")."""
        key = token.key
        if token.capitalised:
            return self._is_given(key) or self._census_given(key)
        if self._in_directory(key) or (key in self._given and key not in self._word_names):
            return True
        if key in _MODAL_NAMES and key in self._word_names:
            return True  # "will can you grab the notes": a modal does not open "can you"
        return key in self._word_names and verb is not None and name_key(verb) in self._action_verbs

    def _aside_then_verb(self, text: str, tokens: list[_Token]) -> list[Span]:
        """A capitalised name, a bracketed aside, then a verb only a person does: "Olu (the new
        GP partner) wants to shadow", "Jo (our lead) has already said"; or an aside that says
        who the person is: "Pat (the patient's wife) is ringing every hour"."""
        found: list[Span] = []
        for index, token in enumerate(tokens):
            if not token.capitalised or token.possessive or self._never_here(token.key):
                continue
            after = _ASIDE_THEN.match(text, token.end)
            if after is None:
                continue
            verb = self._verb_words(after.group("first"), after.group("second"))
            if not (verb or self._says_who(after.group("aside"))):
                continue
            key = token.key
            if self._is_given(key) or self._foreign_word(key) or self._word_given_name(key):
                found.append(self._run_on_back(text, tokens, index))
        return found

    def _says_who(self, aside: str) -> bool:
        """An aside naming a person's role or tie, after "the/our/my/her/his": "the patient's
        wife", "our new matron" (not "the big review", "see below")."""
        described = _WHO_ASIDE.match(aside)
        return described is not None and any(
            name_key(word) in self._person_nouns for word in described.group("words").split()
        )

    def _verb_words(self, first: str, second: str | None) -> bool:
        """A person's verb, perhaps after a helping word ("has already said")."""
        verb = name_key(first)
        if verb in self._verb_helpers and second is not None:
            verb = name_key(second)
        return verb in self._person_verbs

    def _event_of(self, text: str, tokens: list[_Token]) -> list[Span]:
        """A capitalised given name's possessive, or initials', before an event only a person
        has, or a person tied to them: "Joy's leaving do", "Grace's birthday", "Honor's
        husband" (a name that is also a word, too), "TW's leaving do"."""
        if self._personal_events is None:
            return []
        found: list[Span] = []
        for token in tokens:
            if not token.possessive or self._never_here(token.key):
                continue
            if not (self._personal_events.match(text, token.end) or self._tie_after(text, token)):
                continue
            if self._is_initials(text, token):
                found.append((token.start, token.end))
                continue
            if not token.capitalised:
                continue
            key = token.key
            if self._is_given(key) or self._census_given_word(key) or self._foreign_word(key):
                found.append((token.start, token.end))
        return found

    def _tie_after(self, text: str, token: _Token) -> bool:
        """A possessive then a word for a person tied to it: "Honor's husband", "Grace's mum"."""
        after = _TIE_AFTER.match(text, token.end)
        return after is not None and name_key(after.group("word")) in self._person_nouns

    def _versus(self, text: str, tokens: list[_Token]) -> list[Span]:
        """Two capitalised name-like words either side of "vs": "Mahmood vs Hargreaves round
        2" (not "Leeds vs Bradford", "Quality vs Cost")."""
        found: list[Span] = []
        for index in range(1, len(tokens) - 1):
            left, middle, right = tokens[index - 1 : index + 2]
            if middle.key not in _VERSUS or not (left.capitalised and right.capitalised):
                continue
            if not _VERSUS_GAP.fullmatch(text, left.end, right.start):
                continue
            if any(self._never_here(t.key) or self._english_only(t.key) for t in (left, right)):
                continue
            if self._name_like(left.key) and self._name_like(right.key):
                found.extend([(left.start, left.end), (right.start, right.end)])
        return found

    def _name_like(self, key: str) -> bool:
        """A known or census name part, or a word that is no English word."""
        lists = self._lists
        census = lists is not None and (lists.is_given_name(key) or lists.is_surname(key))
        return self._name_part(key) or census or self._foreign(key)

    def _with_me(self, text: str, tokens: list[_Token]) -> list[Span]:
        """A capitalised name before "and I" or "and me": "Grace and I did the walkround"; in
        lower case a given name that is no English word before "and i" or after "me and": "me
        and kwame are doing it", "siobhan and i will"."""
        found: list[Span] = []
        for index, token in enumerate(tokens):
            if self._member_with_me(text, token) or self._lower_with_me(text, token):
                found.append((token.start, token.end))  # "joy and i are going"
                continue
            if not token.capitalised or token.possessive or not _WITH_ME.match(text, token.end):
                continue
            if self._never_here(token.key) or self._english_only(token.key):
                continue
            if self._is_given(token.key) or self._census_given(token.key):
                found.append(self._run_on_back(text, tokens, index))
            elif self._surname_not_noun(token.key):
                found.append((token.start, token.end))  # a nickname: "Harps and I are"
        return found

    def _then_a_pronoun(self, text: str, tokens: list[_Token]) -> list[Span]:
        """A capitalised given name, also a word, inside a sentence and ending it, then a
        sentence about "she" or "he": "I'm concerned for Mercy. She hasn't slept", "I rang
        Grace. He..." (after a function word or a person's verb; not after "the" or a noun:
        "the boat Hope. She sails")."""
        found: list[Span] = []
        for index, token in enumerate(tokens):
            if not token.capitalised or token.possessive or not index:
                continue
            if not _PRONOUN_SENTENCE.match(text, token.end) or self._never_here(token.key):
                continue
            before = tokens[index - 1]
            if SENTENCE_START.search(text, before.end, token.start) or before.key in _DETERMINERS:
                continue
            if not (before.key in STOP_WORDS or before.key in self._verbs_after_a_name):
                continue  # "the boat Hope. She sails": a thing's name after its noun
            if self._is_given(token.key) or self._census_given_word(token.key):
                found.append((token.start, token.end))
        return found

    def _in_an_email(self, text: str, tokens: list[_Token]) -> list[Span]:
        """A capitalised name part that is also a part of an email address's local part in
        the message: "write to Kerry at kerry.lund@..." (the address itself is an email)."""
        locals_ = list(_EMAIL_LOCAL.finditer(text))
        parts = {
            name_key(part)
            for match in locals_
            for part in _EMAIL_SPLIT.split(match.group("local"))
            if len(part) >= MIN_EMAIL_PART
        }
        if not parts:
            return []
        found: list[Span] = []
        for token in tokens:
            if not token.capitalised or token.key not in parts:
                continue
            if any(m.start() <= token.start < m.end() for m in locals_):
                continue  # a word of the address itself
            if self._never_here(token.key) or self._is_function_word(token.key):
                continue
            if self._name_like(token.key) or self._census_given_word(token.key):
                found.append((token.start, token.end))
        return found

    def _new_in_role(self, text: str, tokens: list[_Token]) -> list[Span]:
        """A capitalised given name, also a word or a season, opening a sentence or clause and
        taking up a role: "Blessing is the new ward clerk", "Autumn starts as our deputy
        manager" (not "Summer is the new normal": no role)."""
        found: list[Span] = []
        for index, token in enumerate(tokens):
            if not token.capitalised or token.possessive:
                continue
            start = tokens[index - 1].end if index else 0
            if _OPENS.search(text, start, token.start) is None:
                continue
            role = _NEW_IN_ROLE.match(text, token.end)
            if role is None or not self._names_a_role(role.group("words")):
                continue
            key = token.key
            season = key in self._time_words and self._census_given_word_any(key)
            if self._never_here(key) and not season:
                continue
            if season or self._is_given(key) or self._census_given_word(key):
                found.append((token.start, token.end))
        return found

    def _census_given_word_any(self, key: str) -> bool:
        """A census given name, also one never a name by context ("Summer")."""
        return self._lists is not None and self._lists.is_given_name(key)

    def _names_a_role(self, words: str) -> bool:
        """Words up to a role: "graduate management trainee", "HCA on ward 4" (a role's
        initials end the phrase: not "the new NHS strategy")."""
        split = words.split()
        for index, word in enumerate(split):
            if name_key(word) in self._person_nouns:
                return True
            following = split[index + 1] if index + 1 < len(split) else None
            ends = following is None or name_key(following) in STOP_WORDS
            if word.isupper() and len(word) > 1 and ends:
                return True
        return False

    def _thanked_for(self, text: str) -> list[Span]:
        """Known given names, also words, in any case, thanked "for" a part taken: "thanks to
        hope and ruby for organising" (not "thanks to hard work and luck for": no names; not
        "thanks to unity and harmony for the result": no part taken)."""
        found: list[Span] = []
        for match in _THANKED_FOR.finditer(text):
            start = match.start("names")
            words: list[Span] = []
            position = start
            for part in _THANKED_SPLIT.split(match.group("names")):
                at = text.index(part, position)
                words.append((at, at + len(part)))
                position = at + len(part)
            keys = [name_key(text[a:b]) for a, b in words]
            if len(words) > 1 and all(
                self._is_given(key) and not self._never_here(key) for key in keys
            ):
                found.extend(words)
        return found

    def _surname_first(self, text: str, tokens: list[_Token]) -> list[Span]:
        """A member's surname, then given name, in lower case: "okafor chidi is on" (one of the
        two no English word). Only members': two unknown words in lower case are as often
        another language ("partido del")."""
        found: list[Span] = []
        for first, second in itertools.pairwise(tokens):
            if not (first.lower and second.lower) or first.possessive:
                continue
            if not (self._in_directory(first.key) and self._in_directory(second.key)):
                continue
            if not _BETWEEN_NAME_WORDS.fullmatch(text, first.end, second.start):
                continue
            if self._foreign(first.key) or self._foreign(second.key):
                found.append((first.start, second.end))
        return found

    def _in_a_team(self, text: str, tokens: list[_Token]) -> list[Span]:
        """A capitalised given name, also a word, then "in" and a team, then a verb that follows
        a name: "..., Ruby in finance would know", "Heather in HR has the keys"; a name that
        is also a word only inside a sentence ("Faith in finance has gone": trust) (not "Leeds in
        finance": no given name; not "hope in finance": lower case)."""
        found: list[Span] = []
        for index in range(len(tokens) - 3):
            token, word, team, verb = tokens[index : index + 4]
            if not token.capitalised or token.possessive or word.key != "in":
                continue
            if not self._is_team(text, team) or self._never_here(token.key):
                continue
            if not all(
                self._joined(text, a, b) for a, b in itertools.pairwise(tokens[index : index + 4])
            ):
                continue
            if verb.key not in self._verbs_after_a_name or not self._is_given(token.key):
                continue
            start = tokens[index - 1].end if index else 0
            opening = SENTENCE_START.search(text, start, token.start) is not None
            if opening and self._ordinary(token.key):
                continue  # "Faith in finance has gone", "Hope in IT is fading"
            found.append((token.start, token.end))
        return found

    def _is_team(self, text: str, team: _Token) -> bool:
        """A team in lower case that is never a name ("finance"), or a team's initials ("HR",
        "IT")."""
        if team.lower:
            return team.key in self._never
        written = text[team.start : team.end]
        return written.isupper() and MIN_TEAM_LETTERS <= len(written) <= MAX_TEAM_LETTERS

    def _from_then_verb(self, text: str, tokens: list[_Token]) -> list[Span]:
        """A capitalised given name, also a word, then "from the", a few words and a verb only
        a person does: "Rose from the tenants' forum wants a say" (not "Hope from the start
        was thin": no such verb)."""
        found: list[Span] = []
        for index in range(len(tokens) - 3):
            token, word, the = tokens[index : index + 3]
            if not token.capitalised or token.possessive or word.key != "from" or the.key != "the":
                continue
            if not (self._joined(text, token, word) and self._joined(text, word, the)):
                continue
            if self._never_here(token.key) or not self._is_given(token.key):
                continue
            after = tokens[index + 3 : index + 4 + MAX_FROM_WORDS]
            clause_end = _CLAUSE_END.match(text, the.end)
            if clause_end is None and any(t.key in self._person_verbs for t in after[1:]):
                verb = next(t for t in after[1:] if t.key in self._person_verbs)
                if not _CLAUSE_BREAK.search(text, the.end, verb.start):
                    found.append((token.start, token.end))
        return found

    def _lower_with_me(self, text: str, token: _Token) -> bool:
        """A lower-case given name, no English word, beside "me and" or "and i" (not "hope and
        i will try")."""
        if not token.lower or token.possessive or self._never_here(token.key):
            return False
        if self._lists is None or self._lists.is_english(token.key):
            return False
        beside = bool(
            _ME_AND.search(text, max(0, token.start - LOOK_BEFORE_ME), token.start)
            or _WITH_ME_LOWER.match(text, token.end)
        )
        return beside and (token.key in self._given or self._lists.is_given_name(token.key))

    def _surname_not_noun(self, key: str) -> bool:
        """A census surname, also one that is an English word ("Harps", "Ade"), that is no
        ordinary word nor a word for a person or a family ("Nan", "Mum")."""
        return (
            self._census_surname(key)
            and key not in self._person_nouns
            and key not in self._family_nouns
            and key not in self._never
        )

    def _member_with_me(self, text: str, token: _Token) -> bool:
        """A member's given name in lower case opening a line before "and i": "joy and i are
        going", even an English word (not "hope and i", unless a member is called Hope)."""
        return (
            token.lower
            and not token.possessive
            and self._in_directory(token.key)
            and _LINE_START.search(text, 0, token.start) is not None
            and _WITH_ME_LOWER.match(text, token.end) is not None
        )

    def _run_on_back(self, text: str, tokens: list[_Token], index: int) -> Span:
        """A name ending at ``index``, with a given name before it: "Dawn Whiteley and I"."""
        first = index
        if (
            index
            and tokens[index - 1].capitalised
            and self._joined(text, tokens[index - 1], tokens[index])
            and self._is_given(tokens[index - 1].key)
            and not self._never_here(tokens[index - 1].key)
        ):
            first = index - 1
        return tokens[first].start, tokens[index].end

    def _in_brackets(self, text: str, tokens: list[_Token]) -> list[Span]:
        """A given name in brackets after a person: "our ward clerk (Blessing) found it", "the
        granddaughter (Precious, lovely, very anxious)", "their nurse (Lucy-Ann)"; or between
        commas: "our new matron, Destiny, starts Monday"."""
        found: list[Span] = []
        for index in range(1, len(tokens)):
            token, before = tokens[index], tokens[index - 1]
            if not token.capitalised or before.key not in self._person_nouns:
                continue
            opened = before.end + (2 if before.possessive else 0)
            bracket = _IN_BRACKETS.fullmatch(text, opened, token.start)
            comma = _COMMA.fullmatch(text, opened, token.start)
            if not (bracket or comma) or (before.possessive and comma):
                continue
            if self._never_here(token.key) or not self._given_parts(token.key):
                continue
            span = self._run_on(text, tokens, index)
            close = _BRACKET_CLOSE if bracket else _APPOSITION_CLOSE
            if close.match(text, span[1]):
                found.append(span)
        return found

    def _given_parts(self, key: str) -> bool:
        """A given name, or one of given names joined by hyphens ("Lucy-Ann")."""
        return all(
            self._is_given(part) or self._census_given(part) for part in key.split("-") if part
        )

    def _family(self, text: str, tokens: list[_Token]) -> list[Span]:
        """A surname after "the" that is a family's: before a family word ("the Smith family",
        "the Kapoor girls"), or a plural of a surname of no English ("the Okafors")."""
        found: list[Span] = []
        for index in range(1, len(tokens)):
            token, before = tokens[index], tokens[index - 1]
            if before.key != "the" or not token.capitalised or token.possessive:
                continue
            if not self._joined(text, before, token) or self._never_here(token.key):
                continue
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            family = (
                following is not None
                and following.key in self._family_nouns
                and self._joined(text, token, following)
            )
            if family and (self._is_surname(token.key) or self._census_surname(token.key)):
                found.append((token.start, token.end))
            elif (
                token.key.endswith("s")
                and self._is_surname(token.key[:-1])
                and self._foreign(token.key)
            ):
                found.append((token.start, token.end))  # "the Okafors have been patient"
        return found

    def _census_surname(self, key: str) -> bool:
        lists = self._lists
        return lists is not None and lists.is_surname(key) and not self._ordinary(key)

    def _given_then_initial(self, text: str, tokens: list[_Token]) -> list[Span]:
        """A given name and the initial of a surname: "Jo B and Jo K sent apologies", or of a
        double-barrelled one: "Will P-J is on the panel"."""
        found: list[Span] = []
        for index, (token, initial) in enumerate(itertools.pairwise(tokens)):
            if not token.capitalised or token.possessive:
                continue
            if not (
                self._census_given(token.key)
                or (
                    _BARRELLED_INITIALS.fullmatch(text, initial.start, initial.end)
                    and self._is_given(token.key)
                    and not self._question_after(tokens, index + 1)
                )
            ):
                continue
            if _LONE_INITIAL.fullmatch(text, initial.start, initial.end) and self._joined(
                text, token, initial
            ):
                found.append((token.start, initial.end))
        return found

    def _continued(self, text: str, tokens: list[_Token], names: list[Span]) -> list[Span]:
        """A surname particle and a capitalised word after any name found: "Rhys ap Iorwerth"."""
        ends = {token.end: index for index, token in enumerate(tokens)}
        found: list[Span] = []
        for start, end in names:
            index = ends.get(end)
            if index is None or index + 2 >= len(tokens) or tokens[index].possessive:
                continue
            particle, word = tokens[index + 1], tokens[index + 2]
            if (
                particle.key in self._particles
                and particle.lower
                and word.capitalised
                and self._joined(text, tokens[index], particle)
                and self._joined(text, particle, word)
                and not self._never_here(word.key)
            ):
                found.append((start, self._run_on(text, tokens, index + 2)[1]))
        return found

    def _greeted_given_name(self, text: str, token: _Token) -> bool:
        """A census given name that is never a name elsewhere, greeted and then a comma or
        dash: "hiya Summer —" (but "Morning all,", "hi team -")."""
        lists = self._lists
        return (
            token.capitalised
            and not token.possessive
            and lists is not None
            and lists.is_given_name(token.key)
            and _AFTER_GREETED.match(text, token.end) is not None
        )

    @staticmethod
    def _double_barrelled(text: str, token: _Token) -> bool:
        """A capitalised hyphenated word: "Adeyemi-Hart", "Khumalo-Pather"."""
        parts = text[token.start : token.end].split("-")
        return len(parts) > 1 and all(part[:1].isupper() and part[1:].islower() for part in parts)

    @staticmethod
    def _capitalised_after(tokens: list[_Token], index: int) -> bool:
        """A capitalised word next, perhaps after "the": "from the Ashfield Lodge team"."""
        if index < len(tokens) and tokens[index].key == "the":
            index += 1
        return index < len(tokens) and tokens[index].capitalised

    def _team_or_place_after(self, text: str, tokens: list[_Token], index: int) -> bool:
        """A capitalised word, a body's initials ("from the LA") or a team ("from comms")."""
        if index < len(tokens) and tokens[index].key == "the":
            index += 1
        if index >= len(tokens):
            return False
        token = tokens[index]
        initials = text[token.start : token.end].isupper() and token.end - token.start > 1
        return token.capitalised or initials or (token.lower and token.key in self._never)

    def _after_cues(self, text: str, tokens: list[_Token], at: dict[int, int]) -> list[Span]:
        strong = {m.end() for m in self._strong_cues.finditer(text)}
        found: list[Span] = []
        for match in self._cues.finditer(text):
            index = at.get(match.end())
            if index is None or self._journey_before(text, match.end()):
                continue
            if self._fits_cue(text, tokens, index, match.end() in strong):
                found.append(self._run_on(text, tokens, index))
        for end in strong:
            index = at.get(end)
            if index is not None and self._fits_cue(text, tokens, index, True):
                found.append(self._run_on(text, tokens, index))
        for match in self._light_cues.finditer(text):
            index = at.get(match.end())
            if index is not None and self._fits_light_cue(text, tokens, index):
                found.append(self._run_on(text, tokens, index))
        for match in self._light_cues_before_to.finditer(text):
            index = at.get(match.end())
            if (
                index is not None
                and self._to_after(text, tokens, index)
                and self._fits_light_cue(text, tokens, index)
            ):
                found.append(self._run_on(text, tokens, index))
        return found

    def _journey_before(self, text: str, end: int) -> bool:
        """Whether a journey comes before "to" or "from" ending at ``end``: a place follows,
        not a person ("a trip to Kenya", "the best route from Leon")."""
        if self._journeys is None:
            return False
        return self._journeys.search(text, max(0, end - LOOK_BEFORE_CUE), end) is not None

    def _on_the_phone(self, text: str, tokens: list[_Token], at: dict[int, int]) -> list[Span]:
        """A capitalised word someone had on the phone: "just had Marguerite on the phone",
        "I've got Tobenna on the line" (not a word never a name: "had Teams on the phone")."""
        found: list[Span] = []
        for match in _ON_THE_PHONE.finditer(text):
            index = at.get(match.start("word"))
            if index is None:
                continue
            token = tokens[index]
            if token.capitalised and not self._never_here(token.key):
                found.append((token.start, token.end))
        return found

    def _to_after(self, text: str, tokens: list[_Token], index: int) -> bool:
        """Whether "to" follows the word at ``index`` in the same phrase."""
        if index + 1 >= len(tokens):
            return False
        following = tokens[index + 1]
        return following.key == "to" and self._joined(text, tokens[index], following)

    def _fits_light_cue(self, text: str, tokens: list[_Token], index: int) -> bool:
        """After a light cue ("met"), a capitalised word alone or a known given name: "met
        Abdulrahman from the mosque", "met Sarah Oyelaran" (not "met Cedar Lodge": a body)."""
        token = tokens[index]
        if not token.capitalised or self._never_here(token.key) or token.end - token.start < 2:
            return False
        if self._is_given(token.key):
            return True
        return not self._english_only(token.key) and not self._capital_follows(text, tokens, index)

    def _fits_cue(self, text: str, tokens: list[_Token], index: int, strong: bool) -> bool:
        token = tokens[index]
        if self._never_here(token.key) or token.end - token.start < 2:
            return False
        if token.capitalised:  # "Discharge to Assess." is no name; "from Umbrella Carers" is
            return not self._english_only(token.key) or self._capital_follows(text, tokens, index)
        if not token.lower:  # initials only after a strong cue: "cc TW", not "went to OH"
            return strong and self._is_initials(text, token)
        plain_directory_name = self._in_directory(token.key) and not self._ordinary(token.key)
        if token.key in self._given or plain_directory_name or self._joined_given(token.key):
            return True
        known = self._is_given(token.key) or self._in_directory(token.key)
        return strong and known and not self._function_word_joined(text, tokens, index)

    def _greeted(self, text: str, tokens: list[_Token], at: dict[int, int]) -> list[Span]:
        found: list[Span] = []
        for match in self._greetings.finditer(text):
            index = at.get(match.end())
            if index is None:
                continue
            if self._never_here(tokens[index].key):
                if self._greeted_given_name(text, tokens[index]):
                    found.append((tokens[index].start, tokens[index].end))  # "hiya Summer -"
                continue
            words = self._words_to(text, tokens, index, _AFTER_GREETED)
            if words:
                found.append((tokens[index].start, tokens[index + words - 1].end))
            elif tokens[index].capitalised or self._fits_cue(text, tokens, index, False):
                found.append(self._run_on(text, tokens, index))
        return found

    def _signed(self, text: str, tokens: list[_Token], at: dict[int, int]) -> list[Span]:
        found: list[Span] = []
        for match in self._sign_offs.finditer(text):
            index = at.get(match.end())
            if index is None:
                continue
            spaces_only = not match.group("sep").strip(" \t")
            words = self._words_to(
                text, tokens, index, _TO_TEXT_END if spaces_only else _TO_LINE_END
            )
            if words:
                found.append((tokens[index].start, tokens[index + words - 1].end))
        return found

    def _words_to(self, text: str, tokens: list[_Token], index: int, end: re.Pattern[str]) -> int:
        """How many words from ``index`` (at most three, none a never-name) reach ``end``."""
        for count in range(1, MAX_GREETED_WORDS + 1):
            last = tokens[index + count - 1]
            if self._never_here(last.key) or self._is_function_word(last.key):
                return 0
            if count == 1 and last.lower and self._english_only(last.key):
                return 0  # "thank you, genuinely"
            if count > 1 and not (last.capitalised or self._name_part(last.key)):
                return 0  # "Morning, hope you're well": only the first word may be any word
            if end.match(text, last.end + (2 if last.possessive else 0)):
                return count
            if index + count >= len(tokens) or not self._joined(text, last, tokens[index + count]):
                return 0
        return 0

    def _listed(
        self, text: str, tokens: list[_Token], at: dict[int, int], names: list[Span]
    ) -> list[Span]:
        """Names listed with a name: "Dawn and Hope", "Kemi, Tolu and Wale"."""
        found: list[Span] = []
        queue = sorted(names)
        while queue:
            _, end = queue.pop(0)
            join = _LIST_JOIN.match(text, end)
            index = at.get(join.end()) if join else None
            if index is None:
                continue
            token = tokens[index]
            if self._never_here(token.key) or not (
                token.capitalised or (token.lower and self._plain_name(token.key))
            ):
                continue
            following = tokens[index + 1].key if index + 1 < len(tokens) else ""
            if (
                self._ordinary(token.key)
                and self._function_word_after(tokens, index)
                and following not in self._verbs_after_a_name
            ):
                continue  # "Dawn, Hope you're well", but "Dawn and Hope are on leave"
            span = self._run_on(text, tokens, index)
            if span not in found:
                found.append(span)
                queue.append(span)
        return found

    def _listed_before(self, text: str, tokens: list[_Token], names: list[Span]) -> list[Span]:
        """Capitalised words listed before a name: "Priyanka Venkatesan and Olumide"."""
        ends = {token.end: index for index, token in enumerate(tokens)}
        found: list[Span] = []
        for start, _ in names:
            join = _LIST_JOIN_BEFORE.search(text, max(0, start - 8), start)
            last = ends.get(join.start()) if join else None
            if last is None:
                continue
            first = last
            while (
                first >= 0
                and last - first < MAX_NAME_WORDS - 1
                and tokens[first].capitalised
                and not self._never_here(tokens[first].key)
                and (first == last or self._joined(text, tokens[first], tokens[first + 1]))
            ):
                first -= 1
            if first < last:
                found.append((tokens[first + 1].start, tokens[last].end))
        return found

    def _directory_pairs(self, text: str, tokens: list[_Token]) -> list[Span]:
        """Two workspace members in lower case, listed: "faith and ivy both said no"."""
        found: list[Span] = []
        pairs = [*itertools.pairwise(tokens), *zip(tokens, tokens[2:], strict=False)]
        after = {token.start: index + 1 for index, token in enumerate(tokens)}
        for left, right in pairs:
            join = _PAIR_JOIN.fullmatch(text, left.end, right.start)
            if not join or not (left.lower and right.lower):
                continue
            plain = [self._plain_name(t.key) for t in (left, right)]
            nickname = any(plain) and all(
                known or self._foreign_word(t.key)
                for known, t in zip(plain, (left, right), strict=True)
            )  # "faz and danny are doing it": a nickname beside a name, before a verb
            if all(plain) or (nickname and self._verb_at(tokens, after[right.start])):
                found.extend([(left.start, left.end), (right.start, right.end)])
        return found

    def _verb_at(self, tokens: list[_Token], index: int) -> bool:
        return index < len(tokens) and tokens[index].key in self._verbs_after_a_name

    def _plain_name(self, key: str) -> bool:
        """A given name that is no ordinary word, or a workspace member's name."""
        return key in self._given or self._in_directory(key)

    # ------------------------------------------------------------------ helpers

    def _run_on(self, text: str, tokens: list[_Token], index: int) -> Span:
        """The name from ``index``, through surnames, particles and name-like words."""
        first = tokens[index]
        last = first
        position = index + 1
        count = 1
        while position < len(tokens) and count < MAX_NAME_WORDS and not last.possessive:
            word = tokens[position]
            if not self._joined(text, last, word):
                break
            if word.key in self._particles and position + 1 < len(tokens):
                after = tokens[position + 1]
                if after.capitalised and self._joined(text, word, after):
                    last, position, count = after, position + 2, count + 2
                    continue
                break
            if not self._runs_on(first, word):
                break
            last, position, count = word, position + 1, count + 1
        return first.start, last.end

    def _runs_on(self, first: _Token, word: _Token) -> bool:
        if word.key in self._never:
            return False
        if self._is_surname(word.key):
            return word.capitalised or first.lower
        if word.capitalised:
            return not self._ordinary(word.key)
        return first.lower and word.lower and word.key in self._given

    def _never_here(self, key: str) -> bool:
        """Never a name by context, unless a workspace member is called so ("hey summer -")."""
        return key in self._never and not self._in_directory(key)

    def _joined_given(self, key: str) -> bool:
        """Given names joined by hyphens, not all English words: "jo-anne", "mary-beth" (not
        "rose-bud")."""
        parts = key.split("-")
        if len(parts) < MIN_JOINED_PARTS or self._lists is None:
            return False
        lists = self._lists
        given = all(part in self._given or lists.is_given_name(part) for part in parts)
        return given and not all(
            lists.is_english(part) and part not in self._given for part in parts
        )

    def _is_given(self, key: str) -> bool:
        return key in self._given or key in self._word_names or self._in_directory(key)

    def _ordinary(self, key: str) -> bool:
        return key in self._ordinary_words or key in self._function_words

    def _name_part(self, key: str) -> bool:
        return self._is_given(key) or self._is_surname(key)

    def _is_surname(self, key: str) -> bool:
        """A curated surname, or a census surname that is no English word ("Okafor")."""
        if key in self._surnames:
            return True
        lists = self._lists
        return lists is not None and lists.is_surname(key) and not lists.is_english(key)

    def _foreign(self, key: str) -> bool:
        """No English word, no ordinary word, never a name by context: name-like ("Wi-Fi" is
        never a name as "wifi" is not)."""
        lists = self._lists
        return (
            lists is not None
            and len(key) > 2
            and _PLAIN_WORD.fullmatch(key) is not None
            and not lists.is_english(key)
            and not self._ordinary(key)
            and key not in self._never
            and key.replace("-", "") not in self._never
        )

    def _foreign_word(self, key: str) -> bool:
        """Name-like and one word: "Ceri", not "Sign-off"."""
        return "-" not in key and self._foreign(key)

    def _english_only(self, key: str) -> bool:
        """An English word that is no known name part, ordinary name word or census name."""
        lists = self._lists
        return (
            lists is not None
            and lists.is_english(key)
            and not lists.is_given_name(key)
            and not lists.is_surname(key)
            and not self._name_part(key)
            and key not in self._ordinary_words
        )

    def _unknown_pair(self, first: str, second: str) -> bool:
        """Two capitalised words that are no English words, one of them a known name part
        ("Zhang Wei", "Chen Xiaoling"): a name."""
        if not (self._foreign(first) and self._foreign(second)):
            return False
        return self._name_part(first) or self._name_part(second)

    def _is_function_word(self, key: str) -> bool:
        """A function word, also with a contraction ("you're", "that's")."""
        return key in self._function_words or key.split("'")[0] in self._function_words

    def _capital_follows(self, text: str, tokens: list[_Token], index: int) -> bool:
        """A capitalised word follows in the same phrase."""
        if index + 1 >= len(tokens):
            return False
        following = tokens[index + 1]
        return following.capitalised and self._joined(text, tokens[index], following)

    def _question_after(self, tokens: list[_Token], index: int) -> bool:
        """A function word that is no verb after a name follows: "Will A-E be open?"."""
        if index + 1 >= len(tokens):
            return False
        key = tokens[index + 1].key
        return self._is_function_word(key) and key not in self._verbs_after_a_name

    def _function_word_after(self, tokens: list[_Token], index: int) -> bool:
        return index + 1 < len(tokens) and self._is_function_word(tokens[index + 1].key)

    def _function_word_joined(self, text: str, tokens: list[_Token], index: int) -> bool:
        """A function word follows in the same phrase ("thanks will do"); after a colon,
        comma or dash it starts another ("via joy: the list is long")."""
        return self._function_word_after(tokens, index) and self._joined(
            text, tokens[index], tokens[index + 1]
        )

    @staticmethod
    def _joined(text: str, left: _Token, right: _Token) -> bool:
        return bool(_BETWEEN_NAME_WORDS.fullmatch(text, left.end, right.start))

    @staticmethod
    def _token(text: str, match: re.Match[str]) -> _Token:
        word = match.group()
        cut = next((len(e) for e in POSSESSIVE_ENDINGS if word.endswith(e) and len(word) > 3), 0)
        base = word[: len(word) - cut] if cut else word
        capitalised = base[:1].isupper() and (len(base) == 1 or not base.isupper())
        return _Token(
            match.start(), match.end() - cut, name_key(base), capitalised, base.islower(), cut > 0
        )


def _event_pattern(events: Iterable[str]) -> re.Pattern[str] | None:
    """A possessive ending then one of ``events``: "'s leaving do"."""
    if not events:
        return None
    return re.compile(rf"(?i)['’]s?[ \t]+(?:{_alternatives(events)})(?![\w-])")


def _state_pattern(states: Iterable[str]) -> re.Pattern[str] | None:
    """A word, "is", "was" or "'s" and one of ``states``, whole words, any case; or two
    words joined by "and", "are" or "were" and a state ("Sue and Pat are covering")."""
    if not states:
        return None
    return re.compile(
        r"(?i)(?<![\w'’-])(?P<word>[^\W\d_]+)"
        r"(?:[ \t]+(?:is|was)|['’]s|[ \t]+(?:and|&)[ \t]+(?P<other>[^\W\d_]+)[ \t]+(?:are|were))"
        r"[ \t]+"
        rf"(?:{_alternatives(states)})(?![\w'’-])"
    )


def _possessive_before(
    text: str, tokens: list[_Token], keys: frozenset[str]
) -> Iterator[tuple[int, _Token]]:
    """Each capitalised token with a contracted "'s" right before one of ``keys``: "Summer's
    back", "Jimmy's are", "Frank's right"; with its index."""
    for index, (token, following) in enumerate(itertools.pairwise(tokens)):
        if (
            token.possessive
            and token.capitalised
            and following.key in keys
            and _CONTRACTION.fullmatch(text, token.end, following.start)
        ):
            yield index, token


def _without_done_abbreviation(text: str, span: Span) -> Span:
    """``span`` without an abbreviation made a verb at its end ("Sarah CC'd me in" keeps
    "Sarah"; "CC'd" alone is no name)."""
    done = DONE_ABBREVIATION.search(text, span[0], span[1])
    if done is None or done.end() != span[1]:
        return span
    return span[0], span[0] + len(text[span[0] : done.start()].rstrip())
