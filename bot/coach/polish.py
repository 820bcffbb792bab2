"""Let a configured LLM improve a grounded offline reply, or keep the offline reply.

Text leaves the process only after scrubbing. The answer may cite only the cards it was given;
anything else is dropped. Whatever goes wrong, the person gets the offline reply.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from bot.coach.composer import citation_line, cite, policy_month
from bot.coach.flows.runner import FlowRunner
from bot.coach.llm import CardBrief, LLMAnswer, LLMError, LLMRequest, LLMResponder
from bot.coach.plan import TurnPlan, check_reply
from bot.coach.stream import TextSink
from bot.config import Settings
from bot.content.llm_prompts import load_llm_prompts
from bot.content.templates import load_offline_templates
from bot.knowledge.retrieve import Retriever
from bot.models import Reply
from bot.store.conversations import Turn as StoredTurn

if TYPE_CHECKING:
    from bot.coach.engine import Turn
    from bot.privacy.scrub import Scrubber

log = logging.getLogger(__name__)
SOURCES = "\n\nSources: "
CARD_WORDS = 160
# the offline reply ends on a question, perhaps marked as a second card's ("...? [2]")
ENDS_ON_QUESTION = re.compile(r"\?(?:\s*\[\d+\])?\s*$")
AS_OF_NOTE = "That is the picture as of {month}, and it is still changing."


def describe(plan: TurnPlan) -> str:
    """The turn plan in plain words for the model (the same plan the offline reply follows)."""
    lines = [f"Kind of turn: {plan.kind}."]
    if plan.opening:
        lines.append(
            f"Open by reflecting the leader's own words, as the draft does: {plan.opening}"
        )
    if plan.feeling:
        lines.append(
            f"They named a feeling ({plan.feeling_word or plan.feeling}): name it back in the"
            " opening."
        )
    if plan.kind == "feeling":
        lines.append("Stay with the feeling: no idea, no card, one question.")
    elif len(plan.card_ids) > 1:
        lines.append(
            f"Offer one idea only, from card {plan.card_ids[0]}, cited first; the closing"
            f" question draws on card {plan.card_ids[1]}, cited second. Cite no other card."
        )
    elif plan.card_ids:
        lines.append(f"Offer one idea only, from card {plan.card_ids[0]}, and cite only it.")
    else:
        lines.append("Cite no card.")
    if plan.question:
        lines.append(f"End with exactly one open question, e.g.: {plan.question}")
    return "\n".join(lines)


class Polisher:
    def __init__(
        self,
        responder: LLMResponder,
        retriever: Retriever,
        flows: FlowRunner,
        scrubber: Scrubber | None,
        sources_heading: str = "Sources",
        as_of_note: str = AS_OF_NOTE,
    ) -> None:
        self.responder = responder
        self.retriever = retriever
        self.flows = flows
        self.scrubber = scrubber
        self.sources_heading = sources_heading
        self.as_of_note = as_of_note

    @classmethod
    def from_settings(
        cls, settings: Settings, retriever: Retriever, flows: FlowRunner
    ) -> Polisher | None:
        if settings.llm == "offline":
            return None
        prompts = load_llm_prompts(settings.prompts_dir)
        try:
            responder = LLMResponder.from_spec(
                settings.llm, prompts, timeout=settings.llm_timeout, base_url=settings.llm_base_url
            )
        except LLMError as exc:
            log.warning("LLM unavailable, using the offline composer: %s", exc)
            return None
        scrubber = None
        if settings.scrub_llm_input:
            from bot.privacy.scrub import Scrubber  # heavy (Presidio, spaCy): only when needed

            scrubber = Scrubber(data_dir=settings.data_dir)
        templates = load_offline_templates(settings.prompts_dir)
        return cls(
            responder,
            retriever,
            flows,
            scrubber,
            sources_heading=templates.sources_heading,
            as_of_note=templates.as_of,
        )

    def _clean(self, text: str) -> str:
        return self.scrubber.scrub(text) if self.scrubber else text

    def _brief(self, card_id: str) -> CardBrief:
        card = self.retriever.cards[card_id]
        words = " ".join([card.meta.summary, card.body]).split()
        return CardBrief(
            id=card_id,
            title=card.meta.title,
            text=" ".join(words[:CARD_WORDS]),
            as_of=card.meta.as_of_month,
        )

    def request(
        self, reply: Reply, turn: Turn, history: list[StoredTurn], seat: str = ""
    ) -> LLMRequest:
        draft = reply.reply.split(SOURCES)[0]
        flow = turn.state.flow
        voice = ""
        if flow is not None and flow.kind == "scenario":
            person = self.flows.scenarios[flow.ref].counterpart
            voice = self.responder.prompts.voice_scenario.format(
                name=person.name, role=person.role, cares=", ".join(person.cares_about)
            )
        return LLMRequest(
            message=self._clean(turn.text),
            history=[
                ("leader" if t.role == "user" else "anchor", self._clean(t.text)) for t in history
            ],
            cards=[self._brief(c.card_id) for c in reply.citations],
            draft=self._clean(draft),  # the opening reflects the leader's own words
            flow_kind=flow.kind if flow is not None and flow.kind != "menu" else None,
            flow_title=flow.title if flow is not None else None,
            voice=voice,
            plan=self._clean(describe(turn.plan)) if turn.plan is not None else "",
            seat=seat,
        )

    def polish(
        self,
        reply: Reply,
        turn: Turn,
        history: list[StoredTurn],
        on_text: TextSink | None = None,
        seat: str = "",
    ) -> Reply:
        """The LLM's better reply, or `reply` as it is. With `on_text`, the LLM's sentences
        are streamed to it as they arrive; the returned reply is always the one to keep."""
        request = self.request(reply, turn, history, seat)
        try:
            answer = self.responder.answer(request, on_text)
            if turn.plan is not None:
                allowed = {c.card_id for c in reply.citations}
                cited = [c for c in answer.cited_card_ids if c in allowed]
                problems = check_reply(turn.plan, turn.text, answer.reply, cited)
                if problems:
                    raise LLMError(f"answer broke the turn plan: {problems[0]}")
            return self._accept(reply, answer)
        except LLMError as exc:
            log.warning("LLM reply not used, offline reply sent instead: %s", exc)
            return reply

    def _accept(self, reply: Reply, answer: LLMAnswer) -> Reply:
        allowed = [c.card_id for c in reply.citations]
        cited = [c for c in dict.fromkeys(answer.cited_card_ids) if c in allowed]
        dropped = len(answer.cited_card_ids) - len(cited)
        if dropped:
            log.info("dropped %d citation(s) to cards the LLM was not given", dropped)
        text = answer.reply.strip()
        if "you should" in text.lower():
            raise LLMError("answer told the leader what they should do")
        if ENDS_ON_QUESTION.search(reply.reply.split(SOURCES)[0]) and "?" not in text:
            raise LLMError("answer dropped the question")
        missing = [o.label for o in reply.options if o.label not in text]
        if missing:
            raise LLMError("answer dropped the options")
        month = policy_month(self.retriever.cards, cited)
        if month and "as of" not in text.lower():  # said once, even if the LLM left it out
            text += "\n\n" + self.as_of_note.format(month=month)
        citations = cite(self.retriever.cards, cited)
        if citations:
            text += "\n\n" + citation_line(citations, self.sources_heading)
        return reply.model_copy(update={"reply": text, "citations": citations, "mode": "llm"})
