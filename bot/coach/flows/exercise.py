"""A reflective exercise: steps in order, answers kept privately, a summary and a commitment."""

from __future__ import annotations

from bot.coach.flows.base import (
    FlowState,
    FlowTurn,
    numbered,
    options_for,
    parse_scale,
    pick_option,
    shorten,
)
from bot.content.coaching import FlowWords
from bot.content.flows import Exercise, Step
from bot.models import ReplyOption


class ExerciseFlow:
    def __init__(self, exercise: Exercise, words: FlowWords) -> None:
        self.exercise = exercise
        self.words = words

    def start(self) -> FlowTurn:
        ex = self.exercise
        state = FlowState(kind="exercise", ref=ex.id, title=ex.title)
        opening = self.words.exercise["start"].format(
            title=ex.title, minutes=ex.duration_minutes, intro=ex.intro.strip()
        )
        return self._ask(state, opening)

    def current(self, state: FlowState) -> FlowTurn:
        return self._ask(state)

    def _ask(self, state: FlowState, before: str = "") -> FlowTurn:
        step = self.exercise.steps[state.position]
        total = len(self.exercise.steps)
        lines = [before] if before else []
        lines.append(
            self.words.exercise["step"].format(
                n=state.position + 1, total=total, prompt=step.prompt.strip()
            )
        )
        options = []
        if step.answer == "choice":
            lines.append(numbered(step.choices))
            options = options_for(step.choices)
        elif step.answer == "scale" and step.scale_max - step.scale_min < 11:
            scale = range(step.scale_min, step.scale_max + 1)
            options = [ReplyOption(value=str(v), label=str(v)) for v in scale]
        if step.hint:
            lines.append(self.words.exercise["hint"].format(hint=step.hint.strip()))
        return FlowTurn(
            text="\n\n".join(lines),
            state=state,
            options=options,
            card_ids=list(self.exercise.cards),
            step=state.position + 1,
            total=total,
            answer=step.answer,
        )

    def _valid(self, step: Step, text: str) -> str | None:
        """The answer to keep, or None if it doesn't fit the step."""
        if step.answer == "scale":
            value = parse_scale(text, step.scale_min, step.scale_max)
            return None if value is None else str(value)
        if step.answer == "choice":
            index = pick_option(text, step.choices)
            return None if index is None else step.choices[index]
        return text.strip() or None

    def answer(self, state: FlowState, text: str) -> FlowTurn:
        step = self.exercise.steps[state.position]
        kept = self._valid(step, text)
        if kept is None:
            retry = {
                "scale": self.words.answers["scale"].format(min=step.scale_min, max=step.scale_max),
                "choice": self.words.answers["choice"],
            }.get(step.answer, self.words.answers["empty"])
            turn = self._ask(state)
            turn.text = f"{retry}\n\n{turn.text}"
            return turn
        state = state.model_copy(deep=True)
        state.answers[step.id] = kept
        return self._advance(state)

    def skip(self, state: FlowState) -> FlowTurn:
        return self._advance(state.model_copy(deep=True), self.words.controls["skipped"])

    def _advance(self, state: FlowState, before: str = "") -> FlowTurn:
        state.position += 1
        if state.position < len(self.exercise.steps):
            return self._ask(state, before)
        return self._finish(state)

    def _finish(self, state: FlowState) -> FlowTurn:
        ex = self.exercise
        lines = [self.words.exercise["summary_heading"]]
        commitment = None
        for step in ex.steps:
            given = state.answers.get(step.id)
            if given is None:
                continue
            if step.answer == "commitment":
                commitment = given
                continue
            lines.append(f"• {shorten(step.prompt, 70)} {shorten(given)}")
        if commitment:
            lines.append(
                self.words.exercise["commitment"].format(commitment=shorten(commitment, 300))
            )
        lines.append(ex.closing.strip())
        return FlowTurn(
            text="\n".join(lines[:1]) + "\n" + "\n".join(lines[1:-1]) + "\n\n" + lines[-1],
            state=None,
            card_ids=list(ex.cards),
            commitment=commitment,
            step=len(ex.steps),
            total=len(ex.steps),
        )
