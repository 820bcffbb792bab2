"""The offline composer: a coaching turn planned the way a good coach works.

Listen, reflect, offer at most one fitting idea, ask one question. `OfflineComposer.plan`
builds a `TurnPlan` (`bot/coach/plan.py`); `TurnPlan.render` writes it. In order:

1. Out of scope (weather, code, tax, another language...): say so, say what Anchor can help
   with, cite nothing (`bot/coach/scope.py`).
2. Reflect: the opening turns the leader's own words to the second person inside a frame not
   yet used in this conversation (`bot/coach/reflect.py`, frames in prompts/system/turns.yaml),
   then names any feeling they named.
3. A strong feeling with no request for ideas: stay with it, one question, no idea.
4. One idea: the best-fitting quotable units of the top cards for this leader's seat (one or
   two sentences of one card). Below the fit floor nothing is quoted: the reply says so and
   offers what Anchor can do.
5. One question: the reflection question nearest the message, never one already asked, of the
   quoted card or, when clearly nearer, of the next card that fits; that card is then cited
   second and the question marked [2].
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import numpy as np

from bot.coach.plain import plain_words, vocabulary
from bot.coach.plan import TurnPlan
from bot.coach.reflect import Heard, listen
from bot.coach.scope import FRAME as SCOPE_FRAME
from bot.coach.scope import out_of_scope, scope_reply
from bot.coach.scope_model import ScopeModel
from bot.coach.sentences import Candidate, SentenceBank, best_card, next_card, pick
from bot.content.templates import OfflineTemplates
from bot.content.turns import TurnWords
from bot.knowledge.retrieve import Retriever
from bot.knowledge.seats import Seat
from bot.knowledge.units import compile_cards
from bot.models import Card, Citation, month_year

# below this fit (cosine plus the share of the message's content stems) no unit suits; a
# message with no word of work, leadership or care needs CLOSE_FIT (on the retrieval sets, 95%
# of leaders' questions have a best unit at 0.29+, while everyday questions reach 0.42)
FIT_FLOOR = 0.30
CLOSE_FIT = 0.50
# "tell me more" may go a little wider than a first answer, never below this
MORE_FLOOR = 0.34
CARDS_CONSIDERED = 3
# how much nearer a second card's reflection question must be to be asked instead
OWN_QUESTION = 0.1


@dataclass
class TurnMemory:
    """What the composer needs to know of the conversation (read from and kept in its state)."""

    seat: Seat = field(default_factory=Seat)
    used: set[str] = field(default_factory=set)
    asked: set[str] = field(default_factory=set)
    frames: set[str] = field(default_factory=set)
    lines: set[str] = field(default_factory=set)
    last_units: list[str] = field(default_factory=list)
    last_cards: list[str] = field(default_factory=list)
    seed: str = ""


def choose(options: list[str], seed: str) -> str:
    """A stable choice, so the same conversation reads the same way when replayed."""
    return options[zlib.crc32(seed.encode("utf-8")) % len(options)]


def fresh(options: list[str], used: set[str], seed: str) -> str:
    """A stable choice among the options not yet used (any, once all have been)."""
    left = [o for o in options if o not in used]
    return choose(left or options, seed)


def cite(cards: dict[str, Card], card_ids: list[str]) -> list[Citation]:
    return [
        Citation(card_id=cid, title=cards[cid].meta.title, sources=list(cards[cid].meta.sources))
        for cid in card_ids
    ]


def policy_month(cards: dict[str, Card], card_ids: list[str]) -> str | None:
    """The month of the oldest policy picture among these cards (those with `as_of`), if any:
    a reply that draws on several dated cards is only as current as the oldest of them."""
    dated = [d for cid in card_ids if cid in cards and (d := cards[cid].meta.as_of) is not None]
    return month_year(min(dated)) if dated else None


def citation_line(citations: list[Citation], heading: str) -> str:
    parts = [
        f"[{n}] {c.title} ({'; '.join(s.short() for s in c.sources[:2])})."
        for n, c in enumerate(citations, start=1)
    ]
    return f"{heading}: " + " ".join(parts)


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


class OfflineComposer:
    """Plans and writes replies from compiled card units; holds no conversation state."""

    def __init__(
        self,
        retriever: Retriever,
        templates: OfflineTemplates,
        words: TurnWords,
        top_k: int = 5,
        scope: ScopeModel | None = None,
    ) -> None:
        self.retriever = retriever
        self.templates = templates
        self.words = words
        self.top_k = top_k
        self.scope = scope
        units = compile_cards(list(retriever.cards.values()))
        self.bank = SentenceBank(retriever.embedder, units)
        texts = [u.text for found in units.values() for u in found]
        self.known = vocabulary([*texts, " ".join(words.english_words)])

    def fit_text(self, query: str) -> str:
        """The query as sentence fit reads it: names out, acronyms spelled out."""
        return plain_words(query, self.known, self.words.acronyms)

    # --- the opening ---------------------------------------------------------------------

    def opening(self, heard: Heard, memory: TurnMemory, seed: str) -> tuple[str, str | None]:
        """The reflection and the frame it used ('' and None when there is nothing to say)."""
        if not heard.clause:
            return "", None
        w = self.words
        frames = {
            "statement": w.statement_frames,
            "question": w.question_frames,
            "topic": w.topic_frames,
            "quoted": w.quoted_frames,
            "brief": w.brief_frames,
        }[heard.shape]
        frame = fresh(frames, memory.frames, seed + "frame")
        text = frame.format(
            situation=heard.clause,
            asking=heard.clause,
            topic=heard.clause,
            topic_cap=capitalised(heard.clause),
            quote=heard.clause,
        )
        return capitalised(text), frame

    def feeling_line(self, heard: Heard, memory: TurnMemory, seed: str) -> str | None:
        if heard.feeling is None:
            return None
        return fresh(self.words.feelings[heard.feeling].lines, memory.lines, seed + "feel")

    # --- the plan --------------------------------------------------------------------------

    def plan(
        self, message: str, query: str, memory: TurnMemory, *, more: bool = False, topic: str = ""
    ) -> TurnPlan:
        seed = memory.seed + message
        says = out_of_scope(message, self.words, self.scope, in_conversation=bool(topic))
        if says is not None and not more:
            body, question = scope_reply(says, self.words, again=SCOPE_FRAME in memory.frames)
            return TurnPlan(
                kind="out_of_scope", opening="", offer=body, question=question, frame=SCOPE_FRAME
            )
        if more:
            example = any(p.search(message) for p in self.templates.followups.example_compiled)
            return self._more(topic, query, memory, seed, example=example)
        heard = listen(message, self.words)
        opening, frame = self.opening(heard, memory, seed)
        feeling = self.feeling_line(heard, memory, seed)
        base = TurnPlan(
            kind="idea",
            opening=opening,
            frame=frame,
            feeling=heard.feeling,
            feeling_line=feeling,
            feeling_word=heard.feeling_word,
        )
        if heard.feeling and heard.strong and not heard.asks:
            questions = [
                q for q in self.words.feelings[heard.feeling].questions if q not in memory.asked
            ]
            base.kind = "feeling"
            base.question = choose(
                questions or self.words.feelings[heard.feeling].questions, seed + "q"
            )
            return base
        # the spelled-out acronyms help the word vectors only: as shared stems they made any
        # sentence that spells the words out ("integrated care systems") outscore the one that
        # answers the question ("how many ICSs are there?" -> "42 ICSs at launch...")
        qvec = self.bank.embedder.embed([self.fit_text(query)])[0]
        stems = plain_words(query, self.known, {})
        found = self.retriever.cards_for(query, classify=message)
        ranked = found.cards[:CARDS_CONSIDERED]
        candidates = self.bank.candidates(
            qvec, stems, ranked, exclude=memory.used, seat=memory.seat
        )
        work = bool(self.words.work_pattern.search(message))
        floor = FIT_FLOOR if work else CLOSE_FIT
        chosen = best_card(candidates, ranked)
        # about work, a card both rankers put first needs no floor: its best unit is quoted
        # however few words it shares with the message
        sure = work and found.sure and bool(chosen) and chosen[0].card_id == ranked[0]
        if not chosen or (not sure and max(c.fit for c in candidates) < floor):
            return self._no_fit(base, memory, seed)
        second = next_card(candidates, ranked, chosen[0].card_id, floor)
        return self._idea(base, pick(chosen), qvec, memory, seed, second)

    def _idea(
        self,
        base: TurnPlan,
        chosen: list[Candidate],
        qvec: np.ndarray,
        memory: TurnMemory,
        seed: str,
        second: str | None = None,
    ) -> TurnPlan:
        card_id = chosen[0].card_id
        base.kind = "idea"
        base.lead = choose(self.words.idea_leads, seed + "lead")
        base.idea = [c.text for c in chosen]
        base.idea_keys = [c.key for c in chosen]
        base.card_ids = [card_id]
        cards = [self.retriever.cards[c] for c in (card_id, second) if c is not None]
        base.question, source = self.question_for(cards, qvec, memory, seed)
        if source is not None and source != card_id:
            base.card_ids.append(source)  # the question is the second card's: cited [2]
        return base

    def _no_fit(self, base: TurnPlan, memory: TurnMemory, seed: str) -> TurnPlan:
        w = self.words
        base.kind = "no_fit"
        said = w.offer in memory.lines  # what Anchor can do is said once in a conversation
        base.offer = choose(w.no_fit, seed + "nofit") + ("" if said else f" {w.offer}")
        base.once = "" if said else w.offer
        base.question = fresh(w.no_fit_questions, memory.asked, seed + "q")
        return base

    def _more(
        self, topic: str, query: str, memory: TurnMemory, seed: str, *, example: bool = False
    ) -> TurnPlan:
        """Deeper on the same topic: what follows in the card just used (for an example, its
        practical part first), else the best unit of a related card, else a question that
        narrows. Never "we've covered it"."""
        heard = listen(topic, self.words) if topic else None
        about = ""
        if heard is not None and heard.clause and heard.shape not in ("quoted", "brief"):
            about = f"how {heard.clause}" if heard.shape == "statement" else heard.clause
        frame = fresh(self.words.more_frames, memory.frames, seed + "more") if about else None
        opening = capitalised(frame.format(about=about)) if frame else ""
        base = TurnPlan(kind="idea", opening=opening, frame=frame)
        fit = self.fit_text(query)
        qvec = self.bank.embedder.embed([fit])[0] if fit else None
        chosen = self._next_units(memory, qvec, fit, example)
        if not chosen and qvec is not None:
            related = self._related(memory)
            candidates = self.bank.candidates(
                qvec, fit, related, exclude=memory.used, seat=memory.seat
            )
            if candidates and candidates[0].fit >= MORE_FLOOR:
                chosen = pick(candidates)
        if not chosen or qvec is None:
            base.kind = "narrow"
            base.question = fresh(self.words.narrowing, memory.asked, seed + "narrow")
            return base
        return self._idea(base, chosen, qvec, memory, seed)

    def _next_units(
        self, memory: TurnMemory, qvec: np.ndarray | None, query: str, example: bool
    ) -> list[Candidate]:
        """The units the leader asked for more of: in the card last quoted, the next ones in
        reading order from the same section (for an example, the practical sections' first).
        They asked to go on with that card, so how well a unit fits the topic does not decide
        (the units that fitted best were quoted already); when that card has nothing left for
        this seat, the card quoted before it."""
        if qvec is None:
            return []
        practical = self.templates.followups.practical_compiled
        for key in reversed(memory.last_units):
            card_id = key.split("#", 1)[0]
            left = self.bank.candidates(
                qvec, query, [card_id], exclude=memory.used, seat=memory.seat
            )
            if not left:
                continue
            left.sort(key=lambda c: c.place)
            if example and (
                useful := [c for c in left if any(p.match(c.section) for p in practical)]
            ):
                return in_section(useful)
            start = self.bank.place(key)
            after = [c for c in left if start is None or c.place > start]
            return in_section(after or left)
        return []

    def _related(self, memory: TurnMemory) -> list[str]:
        cards = self.retriever.cards
        out: list[str] = []
        for card_id in memory.last_cards:
            if card_id in cards:
                out += [r for r in cards[card_id].meta.related if r in cards and r not in out]
        return out or [c for c in memory.last_cards if c in cards]

    def question_for(
        self, cards: list[Card], qvec: np.ndarray, memory: TurnMemory, seed: str
    ) -> tuple[str, str | None]:
        """The reflection question of `cards` nearest the message, never one already asked,
        and the card it comes from (None for a general question when every one was asked)."""
        left = [
            (q, card.meta.id)
            for card in cards
            for q in card.meta.reflection_questions
            if q not in memory.asked
        ]
        if not left:
            return fresh(self.templates.fallback_questions, memory.asked, seed + "fallback"), None
        near = self.bank.vectors(tuple(q for q, _ in left)) @ qvec
        # the first card's own questions win unless another card's is clearly nearer
        near = near + np.array([OWN_QUESTION if c == cards[0].meta.id else 0.0 for _, c in left])
        return left[int(np.argmax(near))]

    def render(self, plan: TurnPlan, said: set[str] | None = None) -> tuple[str, list[Citation]]:
        """The reply's text and its citations (the cards the idea uses, best first). The note
        on how current a policy card is is said once in a conversation (`said`: lines said)."""
        citations = cite(self.retriever.cards, plan.card_ids)
        month = policy_month(self.retriever.cards, plan.card_ids)
        as_of = self.templates.as_of.format(month=month) if month else ""
        if as_of in (said or set()):
            as_of = ""
        plan.as_of = as_of
        text = plan.render(as_of)
        if citations:
            text += "\n\n" + citation_line(citations, self.templates.sources_heading)
        return text, citations


def in_section(units: list[Candidate], most: int = 2) -> list[Candidate]:
    """The first of `units` (in reading order) and the next ones of the same section."""
    first = units[0]
    return [u for u in units if u.section == first.section][:most]
