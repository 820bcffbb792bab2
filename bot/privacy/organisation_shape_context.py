"""Shape rules by the words around a name: "at Airedale", "the Royal have", "at St Thomas'"."""

from __future__ import annotations

import re

from bot.privacy.names import name_key
from bot.privacy.organisation_shape_places import PlaceRules
from bot.privacy.organisation_words import LOOK_BACK, Span, split_words
from bot.privacy.patterns import ORG_GAP, SENTENCE_START

_IN_A_PLACE = re.compile(r"[ \t]+in[ \t]+[A-Z]")  # "St Luke's in Ashford has a new CEO"
# Someone reported what a body says or does: "Hamish says Kelbridge are pulling out".
_REPORTED = re.compile(
    r"(?<![\w'’])(?:says|said|reckons|heard|hears|told[ \t]+(?:me|us))[ \t]+(?:that[ \t]+)?$"
)
_SAINT_CUE = re.compile(r"(?i)(?<![\w'’])(?:at|from|to|into|with|via|in|the)[ \t]+$")


class ContextRules(PlaceRules):
    """Bodies named by the words around them: "at", "the", a plural verb."""

    def _the_ones(self, text: str) -> list[Span]:
        """One capitalised word after "the" that names a hospital or body: before a plural
        verb ("the Royal have been brilliant", "the Whitworth have"), or after "at", "to" or
        "from" and before no lower-case noun ("moved to Ward 7 at the Whitworth, please");
        the word is no English word ("Royal": a place prefix), so not "the Board are", "from
        the Irish office", "the Tories have"."""
        found: list[Span] = []
        for match in self._the_one.finditer(text):
            key = name_key(match.group("word"))
            if key in self._generic or key in self._leading or key in self._not_bodies:
                continue
            if self._is_english(key) and key not in self._prefix_words:
                continue
            if match.group("verb") or (match.group("cue") and self._ends_phrase(text, match.end())):
                found.append(match.span("word"))
        return found

    def _ends_phrase(self, text: str, end: int) -> bool:
        """No lower-case content word follows: punctuation, the end, or a stop word."""
        after = split_words(text, end, min(len(text), end + 30))[:1]
        if not after or not ORG_GAP.match(text[end : after[0].start]):
            return True
        return after[0].key in self._stops

    def _plural_subjects(self, text: str) -> list[Span]:
        """Opening a sentence, a place or a word that is no English word, and up to two more
        capitalised words, before a plural verb: "Airedale have said", "Incommunities have
        agreed", "Ordsall Park want" (one person "has"); or any capitalised word before a
        street or site word: "Hollins Park are on board", "Harbour View want it"."""
        if self._plural_subject is None:
            return []
        found: list[Span] = []
        for match in self._plural_subject.finditer(text):
            key = name_key(match.group("word"))
            if key in self._generic or key in self._leading or key in self._not_bodies:
                continue
            more = [name_key(word) for word in match.group("more").split()]
            sited = bool(more) and more[-1] in self._streets
            if not (key in self._named_places or not self._is_english(key) or sited):
                continue  # "Bath were great": a place of the list's groups may be a place
            if any(word in self._not_bodies or word in self._leading for word in more):
                continue
            if more and self._thing_plural(more[-1]):
                continue  # "Schwartz Rounds are back": the subject is a plural thing
            if self._opens_clause(text, match.start()):
                found.append((match.start(), match.end("more")))
        return found

    @staticmethod
    def _opens_clause(text: str, start: int) -> bool:
        """Whether a subject at ``start`` opens a sentence or a reported clause: "Airedale
        have said", "Hamish says Kelbridge are pulling out"."""
        earliest = max(0, start - LOOK_BACK)
        return bool(
            SENTENCE_START.search(text, 0, start) or _REPORTED.search(text, earliest, start)
        )

    def _plural_abbreviations(self, text: str) -> list[Span]:
        """Opening a sentence, three to five capitals before a plural verb or "said they": a
        local body ("KAH are refusing", "GCH said they can't"), not a national one ("CQC
        are") nor an English word ("NICE have")."""
        if self._plural_abbreviation is None:
            return []
        found: list[Span] = []
        for match in self._plural_abbreviation.finditer(text):
            key = match.group("word").casefold()
            if key in self._generic or key in self._national or key in self._not_bodies:
                continue
            if self._is_english(key) or not SENTENCE_START.search(text, 0, match.start()):
                continue
            found.append(match.span("word"))
        return found

    def _departments(self, text: str) -> list[Span]:
        """A word that is no English word, place or body word before a hospital department:
        "Kingsbridge ED is a car park" (not "Leeds ED", "Covid ICU"); or a hospital's initials,
        "KGH ED was rammed" (not a national body's or another department's: "NHS ED", "AMU
        ICU"); or a given name's possessive, a hospital's nickname, before a department in
        capitals: "Benny's A&E was heaving" (not "Today's ED figures")."""
        if self._department is None:
            return []
        found: list[Span] = []
        for match in self._department.finditer(text):
            key = name_key(match.group("word"))
            possessive = match.group("possessive") is not None
            if key in self._generic or key in self._leading or key in self._not_bodies:
                continue
            if self._is_english(key) and not (possessive and self._is_given_name(key)):
                continue
            if key in self._places or key in self._named_places or key in self._shorthand:
                continue
            initials = match.group("word").isupper()
            if initials and (key in self._national or key in self._department_keys):
                continue
            named_unit = not match.group("department").isupper()  # "the Brennan Unit"
            if possessive and named_unit:
                continue  # "Brennan's Unit": a person's unit as much as a hospital's
            # the possessive is part of a nickname, as of "St James's": "<ORG> was heaving"
            name_end = match.end("possessive") if possessive else match.end("word")
            found.append(match.span() if named_unit else (match.start(), name_end))
        return found

    def _described_bodies(self, text: str) -> list[Span]:
        """Capitalised words described in brackets as a kind of body: "Harrowmere Pathways
        (the recovery charity)", "Castlebrook Homes (the housing association not the
        developer)"."""
        if self._described is None or "(" not in text:
            return []
        found: list[Span] = []
        previous_end = 0
        for match in self._described.finditer(text):
            words = self._name_words(
                text, max(previous_end, match.start() - LOOK_BACK), match.start()
            )
            previous_end = match.end()
            if words and not any(word.key in self._not_bodies for word in words):
                found.append((words[0].start, words[-1].end))
        return found

    def _thing_plural(self, key: str) -> bool:
        """An English plural that is no kind of body: "Rounds", "Meetings" (not "Carers",
        "Hospitals": those are generic words of bodies' names)."""
        return key.endswith("s") and key not in self._generic and self._is_english(key)

    def _after_at_cues(self, text: str) -> list[Span]:
        """Capitalised words after someone "at" them: "deputy DoN at Airedale", "someone at
        Roshni Ghar", "he's at Leeds Teaching now" (not "at Christmas")."""
        if self._at_cue is None:
            return []
        found: list[Span] = []
        for match in self._at_cue.finditer(text):
            named = self.named_at(text, match.end())
            if named is not None:
                found.append(named)
        return found

    def named_at(self, text: str, start: int) -> Span | None:
        """The capitalised words from ``start`` that a body is called by after someone "at" or
        "from" it ("Airedale", "Roshni Ghar"), or None: a lower-case word, or one that stops
        a run or is generic ("at Christmas", "a contact at NHS Property Services")."""
        words = split_words(text, start, min(len(text), start + LOOK_BACK))
        if not words or words[0].start != start:
            return None
        first = words[0]
        if not first.capitalised or first.key in self._run_stops or first.key in self._generic:
            return None
        end = self._run_end(text, words, 1, first.end)
        if first.key in self._places and self._a_station([w for w in words[1:] if w.end <= end]):
            return None  # "meet Sam at Leeds Piccadilly": a station, no body
        return first.start, end

    def _saints(self, text: str) -> list[Span]:
        """A saint's name with "'s" or "'" after "at", "from", "to" or before a plural verb: a
        hospital, hospice or church ("at St Thomas'", "from Guy's and St Thomas'", "St
        Luke's have offered beds"), not a place opening a sentence ("St Mary's and St Helens
        are nearby") nor a day ("St Patrick's Day")."""
        return [
            match.span()
            for match in self._saint.finditer(text)
            if _SAINT_CUE.search(text, max(0, match.start() - LOOK_BACK), match.start())
            or (self._verb_after is not None and self._verb_after.match(text, match.end()))
            or _IN_A_PLACE.match(text, match.end())
        ]
