"""The coach service: one entry point for every front end (CLI now, Slack later).

Order on every message: tidy the input, the safety gate, small talk, then a grounded reply.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.coach.composer import OfflineComposer, choose
from bot.coach.followup import resolve
from bot.coach.safety import SafetyGate
from bot.coach.state import CoachState
from bot.config import Settings
from bot.content.templates import OfflineTemplates, load_offline_templates
from bot.knowledge.index import KnowledgeIndex, Progress
from bot.knowledge.retrieve import Retriever
from bot.models import Reply, SafetyInfo
from bot.store.conversations import ConversationStore, make_engine
from bot.store.crypto import Cipher, load_or_create_key

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Tidied:
    text: str
    note: str | None


def tidy(raw: str, limit: int, templates: OfflineTemplates) -> Tidied:
    """Strip control characters and truncate over-long input, saying so."""
    text = "".join(ch for ch in raw if ch in "\n\t" or ch.isprintable()).strip()
    if len(text) > limit:
        cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
        return Tidied(cut, templates.truncated.format(limit=limit))
    return Tidied(text, None)


class Coach:
    def __init__(
        self,
        settings: Settings,
        retriever: Retriever,
        store: ConversationStore,
        gate: SafetyGate,
        templates: OfflineTemplates,
    ) -> None:
        self.settings = settings
        self.retriever = retriever
        self.store = store
        self.gate = gate
        self.templates = templates
        self.composer = OfflineComposer(retriever, templates, top_k=settings.top_k)

    @classmethod
    def from_settings(cls, settings: Settings, progress: Progress | None = None) -> Coach:
        index = KnowledgeIndex(
            settings.knowledge_dir, settings.index_dir, chroma_url=settings.chroma_url
        )
        retriever = Retriever.open(index, progress)
        key = load_or_create_key(
            settings.encryption_key.get_secret_value() if settings.encryption_key else None,
            settings.data_dir,
        )
        store = ConversationStore(make_engine(settings.resolved_database_url), Cipher(key))
        gate = SafetyGate.from_dir(settings.prompts_dir, settings.eap_line)
        return cls(settings, retriever, store, gate, load_offline_templates(settings.prompts_dir))

    def new_conversation(self, user: str, channel: str = "cli") -> None:
        self.store.start_new(self.store.user_id(user), channel)

    def respond(self, user: str, message: str, channel: str = "cli") -> Reply:
        tidied = tidy(message or "", self.settings.max_message_chars, self.templates)
        conversation = self.store.current(self.store.user_id(user), channel)
        state = CoachState.model_validate(conversation.state)
        state.turns += 1
        log.debug("turn %d in conversation %d (%d chars)", state.turns, conversation.id, len(tidied.text))

        outcome = self.gate.assess(tidied.text, state.safety)
        state.safety = outcome.state
        if outcome.reply is not None:
            reply = Reply(reply=outcome.reply, safety=outcome.info)
        else:
            reply = self._coach(tidied.text, state, outcome.info)
            if outcome.preface:
                reply.reply = f"{outcome.preface}\n\n{reply.reply}"
        if tidied.note:
            reply.reply = f"_{tidied.note}_\n\n{reply.reply}"
            reply.notes.append(tidied.note)

        self.store.add_turn(conversation.id, "user", tidied.text, safety_level=reply.safety.level)
        self.store.add_turn(
            conversation.id, "coach", reply.reply, card_ids=[c.card_id for c in reply.citations]
        )
        self.store.save_state(conversation.id, state.model_dump(mode="json"))
        return reply

    def _coach(self, text: str, state: CoachState, safety: SafetyInfo) -> Reply:
        templates = self.templates
        if not text:
            return Reply(reply=templates.empty, safety=safety)
        for name, talk in templates.small_talk.items():
            if any(p.match(text) for p in talk.compiled):
                log.debug("small talk: %s", name)
                return Reply(reply=choose(talk.replies, f"{state.turns}{text}"), safety=safety)
        query = resolve(text, state.topic, templates)
        composed = self.composer.compose(
            text,
            query.text,
            followup=query.kind != "new",
            prefer_cards=state.last_cards if query.kind == "more" else None,
            used=set(state.used),
            asked=set(state.asked),
            seed=str(state.turns),
        )
        if query.kind == "new" and composed.matched:
            state.topic = text
        elif query.kind == "shift" and composed.matched and state.topic:
            state.topic = f"{text} {state.topic}"
        state.remember(composed.used, composed.asked, [c.card_id for c in composed.citations])
        return Reply(reply=composed.text, citations=composed.citations, safety=safety)
