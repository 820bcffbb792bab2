"""The coach service: one entry point for every front end (the CLI now, Slack later).

Order on every message: tidy the input, the safety gate, then routing: a flow control, a new
flow, an answer inside a flow, goals or help, small talk, or a grounded answer.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime

from bot.coach.composer import OfflineComposer, TurnMemory, choose, citation_line, cite
from bot.coach.dates import parse_due
from bot.coach.flows.base import FlowState, FlowTurn
from bot.coach.flows.runner import FlowRunner
from bot.coach.followup import resolve
from bot.coach.memory import answer as memory_answer
from bot.coach.memory import which as memory_question
from bot.coach.notes import ThemeCollector, make_scrubber
from bot.coach.plan import TurnPlan
from bot.coach.polish import Polisher
from bot.coach.router import Route, route
from bot.coach.safety import SafetyGate
from bot.coach.scope_model import load_scope_model
from bot.coach.state import CoachState
from bot.coach.stream import TextSink
from bot.config import Settings
from bot.content.coaching import RouterRules, load_router
from bot.content.templates import OfflineTemplates, load_offline_templates
from bot.content.turns import TurnWords, load_turn_words
from bot.knowledge.index import KnowledgeIndex, Progress
from bot.knowledge.retrieve import Retriever
from bot.knowledge.seats import SeatRules, load_seat_rules
from bot.models import FlowInfo, Reply, SafetyInfo, SafetyLevel
from bot.privacy.text_scrubber import TextScrubber, default_scrubber
from bot.store.activity import ActivityStore
from bot.store.conversations import ConversationStore
from bot.store.goals import GoalStore
from bot.store.open import Stores, open_stores

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


def with_note(reply: Reply, note: str) -> str:
    """The reply's text with a note about the message (truncated, files unread): before it,
    except in an emergency, whose first line is always the step to take now."""
    if reply.safety.level.at_least(SafetyLevel.EMERGENCY):
        return f"{reply.reply}\n\n{note}"
    return f"{note}\n\n{reply.reply}"


def today() -> date:
    return datetime.now(UTC).date()


@dataclass
class Turn:
    """One message being handled: who, where, their state, and what we know so far."""

    user_id: int
    conversation_id: int
    text: str
    state: CoachState
    safety: SafetyInfo
    plan: TurnPlan | None = None


class Coach:
    def __init__(
        self,
        settings: Settings,
        retriever: Retriever,
        store: ConversationStore,
        goals: GoalStore,
        gate: SafetyGate,
        templates: OfflineTemplates,
        flows: FlowRunner,
        router: RouterRules,
        polisher: Polisher | None = None,
        activity: ActivityStore | None = None,
        collector: ThemeCollector | None = None,
        words: TurnWords | None = None,
        seats: SeatRules | None = None,
    ) -> None:
        self.settings = settings
        self.retriever = retriever
        self.store = store
        self.goals = goals
        self.gate = gate
        self.templates = templates
        self.flows = flows
        self.router = router
        self.polisher = polisher
        self.activity = activity
        self.collector = collector
        self.words = words or load_turn_words(settings.prompts_dir)
        self.seats = seats or load_seat_rules(settings.prompts_dir)
        scope = load_scope_model(
            settings.prompts_dir, settings.knowledge_dir, settings.index_dir / "models"
        )
        self.composer = OfflineComposer(
            retriever, templates, self.words, top_k=settings.top_k, scope=scope
        )

    @classmethod
    def from_settings(
        cls, settings: Settings, progress: Progress | None = None, stores: Stores | None = None
    ) -> Coach:
        index = KnowledgeIndex(
            settings.knowledge_dir, settings.index_dir, chroma_url=settings.chroma_url
        )
        retriever = Retriever.open(index, progress)
        stores = stores or open_stores(settings)
        prompts = settings.prompts_dir
        flows = FlowRunner.from_dir(prompts)
        return cls(
            settings,
            retriever,
            stores.conversations,
            stores.goals,
            SafetyGate.from_dir(
                prompts, settings.eap_line, cache_dir=settings.index_dir / "models"
            ),
            load_offline_templates(prompts),
            flows,
            load_router(prompts),
            Polisher.from_settings(settings, retriever, flows),
            stores.activity,
            ThemeCollector(
                stores.consent, stores.notes, functools.partial(make_scrubber, settings)
            ),
        )

    def directory_names(self) -> frozenset[str]:
        """The people's names the scrubbers know from the directory (never shown anywhere)."""
        return self.collector.names if self.collector is not None else frozenset()

    def scrubber(self) -> TextScrubber:
        """The scrubber that knows the directory's names (built on first use), for workshop
        free text too."""
        if self.collector is not None:
            return self.collector.scrubber
        return default_scrubber()

    def add_directory_names(self, names: list[str]) -> None:
        """People's names (e.g. the Slack directory) for every scrubber the coach uses."""
        if self.collector is not None:
            self.collector.add_names(names)
        if self.polisher is not None and self.polisher.scrubber is not None:
            self.polisher.scrubber.add_names(names)

    def new_conversation(self, user: str, channel: str = "cli") -> None:
        self.store.start_new(self.store.user_id(user), channel)

    @property
    def streams(self) -> bool:
        """Whether replies can be streamed (only a configured LLM writes them piece by piece)."""
        return self.polisher is not None

    def respond(
        self,
        user: str,
        message: str,
        channel: str = "cli",
        on_text: TextSink | None = None,
        *,
        title: str | None = None,
    ) -> Reply:
        """Reply to a message in a private conversation: flows, goals and memory included.
        With `on_text`, an LLM's reply is also streamed to it sentence by sentence; the
        returned reply is the one to keep (it differs when the streamed answer was refused).
        `title` is the leader's profile title (Slack), read for their seat until they say it."""
        return self._respond(user, message, channel, private=True, on_text=on_text, title=title)

    def guidance(self, user: str, message: str, channel: str, *, title: str | None = None) -> Reply:
        """Reply in a shared space (a channel): the safety gate, then general, cited guidance.
        No flows start and nothing private (goals, follow-ups) is brought up; the thread keeps
        its own memory so "tell me more" works."""
        return self._respond(user, message, channel, private=False, title=title)

    def _respond(
        self,
        user: str,
        message: str,
        channel: str,
        *,
        private: bool,
        on_text: TextSink | None = None,
        title: str | None = None,
    ) -> Reply:
        with self.store.exclusive(user, channel):
            return self._turn(user, message, channel, private=private, on_text=on_text, title=title)

    def _turn(
        self,
        user: str,
        message: str,
        channel: str,
        *,
        private: bool,
        on_text: TextSink | None,
        title: str | None = None,
    ) -> Reply:
        tidied = tidy(message or "", self.settings.max_message_chars, self.templates)
        conversation = self.store.open_conversation(user, channel)
        user_id = conversation.user_id
        state = CoachState.model_validate(conversation.state)
        state.turns += 1
        log.debug(
            "turn %d in conversation %d (%d chars)", state.turns, conversation.id, len(tidied.text)
        )

        picked = self._picks_an_option(tidied.text, state)
        outcome = self.gate.assess(tidied.text, state.safety, free_text=not picked)
        state.safety = outcome.state
        if title and state.seat.sector is None and state.seat.role is None:
            state.seat = self.seats.from_title(title)
        if not picked:
            state.seat = state.seat.merged(self.seats.infer(tidied.text))
        if outcome.reply is not None:
            reply = Reply(reply=outcome.reply, safety=outcome.info)
        else:
            asked = outcome.answer if outcome.answer is not None else tidied.text
            turn = Turn(user_id, conversation.id, asked, state, outcome.info)
            if not private:
                reply = (
                    self._ask(turn)
                    if turn.text
                    else Reply(reply=self.templates.empty, safety=turn.safety)
                )
            else:
                reply = self._handle(turn)
            if self.polisher is not None and reply.citations:
                history = self.store.turns(conversation.id, 6)
                reply = self.polisher.polish(reply, turn, history, on_text, self._seat_words(state))
            if outcome.preface:
                reply.reply = f"{outcome.preface}\n\n{after_preface(reply, outcome.info)}"
        if tidied.note:
            reply.reply = with_note(reply, f"_{tidied.note}_")
            reply.notes.append(tidied.note)

        self.store.record_exchange(
            conversation.id,
            tidied.text,
            reply.reply,
            card_ids=[c.card_id for c in reply.citations],
            safety_level=reply.safety.level,
            state=state.model_dump(mode="json"),
        )
        if private and self.collector is not None:
            self._keep_for_themes(user_id, tidied.text, outcome.info, picked)
        return reply

    def _keep_for_themes(self, user_id: int, text: str, safety: SafetyInfo, picked: bool) -> None:
        assert self.collector is not None
        try:
            self.collector.collect(user_id, text, safety, picked)
        except Exception as exc:  # the reply matters more than a theme note: log and go on
            log.warning("could not keep a scrubbed copy for themes (%s)", type(exc).__name__)

    def _picks_an_option(self, text: str, state: CoachState) -> bool:
        """Whether the message is just one of the choices the current flow offered."""
        if state.flow is None or not text:
            return False
        wanted = text.strip().lower()
        offered = self.flows.resume(state.flow).options
        return any(wanted in (o.value.lower(), o.label.lower()) for o in offered)

    # --- routing ------------------------------------------------------------------------------

    def _handle(self, turn: Turn) -> Reply:
        state = turn.state
        if not turn.text:
            return Reply(reply=self.templates.empty, safety=turn.safety)
        where = route(turn.text, self.router, in_flow=state.flow is not None)
        ended, state.ended = state.ended, None
        if where.kind == "ask" and ended == "grow" and (after := self.flows.grow.after(turn.text)):
            state.ended = ended  # a bare "5" or "yes" just after GROW: say it has finished
            return Reply(reply=after, safety=turn.safety)
        if where.kind == "control":
            return self._control(turn, where.name)
        if where.kind == "start":
            return self._start(turn, where)
        if where.kind == "flow" and state.flow is not None:
            return self._flow_reply(turn, self.flows.answer(state.flow, turn.text))
        followup = self._due_followup(turn.user_id)
        reply = self._ask(turn)
        if followup:
            reply.reply = f"{followup}\n\n{reply.reply}"
        return reply

    def _due_followup(self, user_id: int) -> str | None:
        goal = self.goals.take_due_followup(user_id, today())
        if goal is None:
            return None
        return self.flows.words.goals["followup"].format(text=goal.text, due=goal.due_phrase)

    def _start(self, turn: Turn, where: Route) -> Reply:
        words = self.flows.words
        if where.name == "help":
            return Reply(reply=words.help.text(), safety=turn.safety)
        if where.name == "goals":
            return Reply(reply=self.goals_text(turn.user_id), safety=turn.safety)
        note = ""
        current = turn.state.flow
        if current is not None and current.kind != "menu":
            turn.state.paused = current
            note = words.controls["replaced"].format(title=current.title)
        related = self.retriever.rank_cards(where.rest, k=4) if where.rest else []
        flow_turn = self.flows.start(where.name, where.rest, related)
        reply = self._flow_reply(turn, flow_turn, opening=True)
        if note:
            reply.reply = f"{note}\n\n{reply.reply}"
        return reply

    def _control(self, turn: Turn, name: str) -> Reply:
        state, words = turn.state, self.flows.words.controls
        flow = state.flow
        if name == "resume":
            if state.paused is None:
                return Reply(reply=words["nothing_paused"], safety=turn.safety)
            state.flow, state.paused = state.paused, None
            resumed = self.flows.resume(state.flow)
            reply = self._flow_reply(turn, resumed)
            reply.reply = f"{words['resumed'].format(title=state.flow.title)}\n\n{reply.reply}"
            return reply
        if flow is None:
            return Reply(reply=words["not_in_flow"], safety=turn.safety)
        if name == "pause":
            state.paused, state.flow = flow, None
            return Reply(reply=words["paused"].format(title=flow.title), safety=turn.safety)
        if name == "quit":
            state.flow = None
            return Reply(reply=words["quit"].format(title=flow.title), safety=turn.safety)
        if name == "skip":
            return self._flow_reply(turn, self.flows.skip(flow))
        current = self.flows.resume(flow)
        status = words["status"].format(
            title=flow.title, n=current.step or 1, total=current.total or 1
        )
        reply = self._flow_reply(turn, current)
        reply.reply = f"{status}\n\n{reply.reply}"
        return reply

    def _flow_reply(self, turn: Turn, flow_turn: FlowTurn, *, opening: bool = False) -> Reply:
        state = turn.state
        before = state.flow
        state.flow = flow_turn.state
        finished = flow_turn.state is None
        if finished and before is not None:
            state.ended = before.kind
        text = flow_turn.text
        if flow_turn.commitment:
            goal = self.goals.add(
                turn.user_id,
                flow_turn.commitment,
                due=parse_due(flow_turn.commitment, today()),
                source=f"{before.kind}:{before.ref}" if before else "flow",
            )
            text += "\n\n" + self.flows.words.exercise["goal_saved"].format(due=goal.due_phrase)
        citations = cite(
            self.retriever.cards, [c for c in flow_turn.card_ids if c in self.retriever.cards]
        )
        if citations and (opening or finished):
            text += "\n\n" + citation_line(citations, self.templates.sources_heading)
        self._note_activity(turn.user_id, before, flow_turn.state, opening=opening)
        shown = flow_turn.state or before
        info = None
        if shown is not None and shown.kind != "menu":
            info = FlowInfo(
                kind=shown.kind,
                id=shown.ref,
                title=shown.title,
                step=flow_turn.step,
                total=flow_turn.total,
                answer=None if finished else flow_turn.answer,
                finished=finished,
            )
        return Reply(
            reply=text,
            citations=citations,
            options=flow_turn.options,
            flow=info,
            safety=turn.safety,
        )

    def _note_activity(
        self, user_id: int, before: FlowState | None, after: FlowState | None, *, opening: bool
    ) -> None:
        """Record a flow beginning (opened, or picked from a menu) or coming to its end."""
        if self.activity is None:
            return
        if after is not None and after.kind != "menu":
            moved = before is None or (before.kind, before.ref) != (after.kind, after.ref)
            if opening or moved:
                self.activity.record(user_id, after.kind, after.ref, "started")
        elif after is None and before is not None and before.kind != "menu":
            self.activity.record(user_id, before.kind, before.ref, "finished")

    def goals_text(self, user_id: int) -> str:
        words = self.flows.words.goals
        goals = self.goals.list(user_id)
        if not goals:
            return words["none"]
        lines = [words["heading"]]
        lines += [
            words["item"].format(n=n, text=goal.text, due=goal.due_phrase)
            for n, goal in enumerate(goals, start=1)
        ]
        return "\n".join(lines)

    # --- grounded answers ---------------------------------------------------------------------

    def _seat_words(self, state: CoachState) -> str:
        return self.seats.describe(state.seat)

    def _ask(self, turn: Turn) -> Reply:
        text, state, templates = turn.text, turn.state, self.templates
        for name, talk in templates.small_talk.items():
            if any(p.match(text) for p in talk.compiled):
                log.debug("small talk: %s", name)
                return Reply(reply=choose(talk.replies, f"{state.turns}{text}"), safety=turn.safety)
        asked_about = memory_question(text, self.words)
        if asked_about is not None:
            plan = memory_answer(asked_about, text, state.said, self.words)
            if asked_about == "already":
                state.heard(text)
            return self._planned(turn, plan)
        query = resolve(text, state.topic, templates)
        more = query.kind == "more"
        if more and not query.text:
            return Reply(reply=templates.more_without_topic, safety=turn.safety)
        memory = TurnMemory(
            seat=state.seat,
            used=set(state.used),
            asked=set(state.asked),
            frames=set(state.frames),
            lines=set(state.lines),
            last_units=list(state.last_units),
            last_cards=list(state.last_cards),
            seed=f"{turn.conversation_id}:{state.turns}:",
        )
        plan = self.composer.plan(text, query.text, memory, more=more, topic=state.topic or "")
        if not more:
            state.heard(text)
        found = plan.kind in ("idea", "no_fit", "feeling")
        if query.kind == "new" and found:
            state.topic = text
        elif query.kind == "shift" and plan.kind == "idea" and state.topic:
            state.topic = f"{text} {state.topic}"
        return self._planned(turn, plan)

    def _planned(self, turn: Turn, plan: TurnPlan) -> Reply:
        """Write the plan, and remember what it used (units, question, frame, feeling line)."""
        state = turn.state
        text, citations = self.composer.render(plan, set(state.lines))
        state.remember(plan.idea_keys, plan.question or None, plan.card_ids)
        state.opened(plan.frame, plan.feeling_line)
        state.opened(None, plan.as_of or None)
        state.opened(None, plan.once or None)
        turn.plan = plan
        return Reply(reply=text, citations=citations, safety=turn.safety, turn=plan.kind)


def after_preface(reply: Reply, safety: SafetyInfo) -> str:
    """What follows a safety preface. A clinical, legal or HR redirect already says the request
    is not Anchor's to answer and what it can help with instead, so a declined request keeps
    only its closing question rather than saying so twice."""
    if reply.turn == "out_of_scope" and safety.category.startswith("redirect_"):
        return reply.reply.rsplit("\n\n", 1)[-1]
    return reply.reply
