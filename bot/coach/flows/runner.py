"""Start, advance and skip any flow by kind; offer menus of exercises and scenarios."""

from __future__ import annotations

from pathlib import Path

from bot.coach.flows.base import FlowState, FlowTurn, numbered, options_for, pick_option
from bot.coach.flows.exercise import ExerciseFlow
from bot.coach.flows.grow import GrowFlow
from bot.coach.flows.scenario import ScenarioFlow
from bot.coach.router import find_named
from bot.content.coaching import FlowWords, GrowWords, load_flow_words, load_grow
from bot.content.flows import Exercise, Scenario, load_exercises, load_scenarios


class FlowRunner:
    def __init__(
        self,
        exercises: dict[str, Exercise],
        scenarios: dict[str, Scenario],
        words: FlowWords,
        grow: GrowWords,
    ) -> None:
        self.exercises = exercises
        self.scenarios = scenarios
        self.words = words
        self.grow = GrowFlow(grow)

    @classmethod
    def from_dir(cls, prompts_dir: Path) -> FlowRunner:
        return cls(
            load_exercises(prompts_dir),
            load_scenarios(prompts_dir),
            load_flow_words(prompts_dir),
            load_grow(prompts_dir),
        )

    def titles(self, kind: str) -> dict[str, str]:
        items: dict[str, Exercise] | dict[str, Scenario] = (
            self.exercises if kind == "exercise" else self.scenarios
        )
        return {item_id: item.title for item_id, item in items.items()}

    def start(self, kind: str, rest: str = "", related_cards: list[str] | None = None) -> FlowTurn:
        """Start GROW, or the exercise or scenario the person named or described (by the cards
        their words retrieve); when nothing fits clearly, offer the menu."""
        if kind == "grow":
            return self.grow.start(rest or None)
        if kind not in {"exercise", "scenario"}:
            raise ValueError(f"unknown flow {kind!r}")
        titles = self.titles(kind)
        named = rest if rest in titles else find_named(rest, titles) if rest else None
        if named is None and rest and related_cards:
            named = self.by_cards(kind, related_cards)
        return self.start_named(kind, named) if named else self.menu(kind)

    def by_cards(self, kind: str, ranked_cards: list[str]) -> str | None:
        """The item whose linked cards best match the cards ranked for the person's words."""
        items: dict[str, Exercise] | dict[str, Scenario] = (
            self.exercises if kind == "exercise" else self.scenarios
        )
        weight = {card: 1.0 / (1 + rank) for rank, card in enumerate(ranked_cards)}
        scores = {
            item_id: sum(weight.get(card, 0.0) for card in item.cards)
            for item_id, item in items.items()
        }
        best = max(scores, key=lambda item_id: (scores[item_id], item_id), default=None)
        return best if best is not None and scores[best] > 0 else None

    def start_named(self, kind: str, item_id: str) -> FlowTurn:
        if kind == "exercise":
            return ExerciseFlow(self.exercises[item_id], self.words).start()
        return ScenarioFlow(self.scenarios[item_id], self.words).start()

    def menu(self, kind: str) -> FlowTurn:
        titles = self.titles(kind)
        state = FlowState(kind="menu", ref=kind, title=f"the {kind} menu", items=list(titles))
        labels = list(titles.values())
        return FlowTurn(
            text=f"{self.words.menu[kind]}\n\n{numbered(labels)}",
            state=state,
            options=options_for(labels),
        )

    def answer(self, state: FlowState, text: str) -> FlowTurn:
        if state.kind == "menu":
            titles = [self.titles(state.ref)[i] for i in state.items]
            index = pick_option(text, titles)
            if index is None:
                named = find_named(text, self.titles(state.ref))
                index = state.items.index(named) if named in state.items else None
            if index is None:
                turn = self.menu(state.ref)
                turn.text = f"{self.words.menu['not_found']}\n\n{turn.text}"
                return turn
            return self.start_named(state.ref, state.items[index])
        return self._flow(state).answer(state, text)

    def _flow(self, state: FlowState) -> ExerciseFlow | ScenarioFlow | GrowFlow:
        if state.kind == "exercise":
            return ExerciseFlow(self.exercises[state.ref], self.words)
        if state.kind == "scenario":
            return ScenarioFlow(self.scenarios[state.ref], self.words)
        return self.grow

    def skip(self, state: FlowState) -> FlowTurn:
        return self.menu(state.ref) if state.kind == "menu" else self._flow(state).skip(state)

    def resume(self, state: FlowState) -> FlowTurn:
        """Say again where the person was, without changing anything."""
        return self.menu(state.ref) if state.kind == "menu" else self._flow(state).current(state)
