"""A GROW coaching conversation (Whitmore): Goal, Reality, Options, Will, one question at a time."""

from __future__ import annotations

import re

from bot.coach.flows.base import (
    FlowState,
    FlowTurn,
    numbered,
    options_for,
    parse_scale,
    pick_option,
    second_person,
    shorten,
)
from bot.content.coaching import GrowWords

LOW_COMMITMENT = 7
ANSWERS = {"choose": "choice", "score": "scale", "what": "commitment"}


class GrowFlow:
    def __init__(self, words: GrowWords) -> None:
        self.w = words

    @property
    def stages(self) -> list[str]:
        reality = [f"reality:{i}" for i in range(len(self.w.reality.questions))]
        return ["goal", *reality, "options", "choose", "what", "when", "score", "support"]

    def _turn(self, state: FlowState, text: str, options: list[str] | None = None) -> FlowTurn:
        stage = state.data["stage"]
        index = self.stages.index(stage) if stage in self.stages else 0
        return FlowTurn(
            text=text,
            state=state,
            options=options_for(options) if options else [],
            card_ids=list(self.w.cards),
            step=index + 1,
            total=len(self.stages),
            answer=ANSWERS.get(stage, "text"),
        )

    def start(self, topic: str | None = None) -> FlowTurn:
        state = FlowState(kind="grow", ref="grow", title="GROW coaching", data={"stage": "goal"})
        if topic and len(topic.split()) >= 2:
            state.data["topic"] = topic
            ask = self.w.goal.ask_with_topic.format(topic=second_person(topic))
        else:
            ask = self.w.goal.ask
        return self._turn(state, f"{self.w.intro}\n\n{ask}")

    def answer(self, state: FlowState, text: str) -> FlowTurn:
        state = state.model_copy(deep=True)
        stage = state.data["stage"]
        text = text.strip()
        handler = getattr(self, "_on_" + stage.split(":")[0])
        return handler(state, text)  # type: ignore[no-any-return]

    def current(self, state: FlowState) -> FlowTurn:
        state = state.model_copy(deep=True)
        stage = state.data["stage"]
        return self._to_choose(state) if stage == "choose" else self._go(state, stage)

    def skip(self, state: FlowState) -> FlowTurn:
        state = state.model_copy(deep=True)
        stage = state.data["stage"]
        if stage == "options":
            return self._to_choose(state) if state.items else self._go(state, "what")
        following = self.stages[self.stages.index(stage) + 1 :] if stage in self.stages else []
        if not following:
            return self._finish(state)
        return self._go(state, following[0])

    # --- stages -----------------------------------------------------------------------------

    def _go(self, state: FlowState, stage: str, before: str = "") -> FlowTurn:
        state.data["stage"] = stage
        w = self.w
        if stage.startswith("reality:"):
            ask = w.reality.questions[int(stage.split(":")[1])]
        elif stage == "options":
            ask = w.options.first
        elif stage == "what":
            chosen = state.answers.get("chosen") or w.summary.goal.format(
                goal=state.answers.get("goal", "")
            )
            ask = w.will.what.format(option=chosen)
        elif stage == "when":
            ask = w.will.when
        elif stage == "score":
            ask = w.will.score
        elif stage == "support":
            ask = w.will.support
        else:
            ask = w.goal.ask
        return self._turn(state, f"{before}\n\n{ask}".strip())

    def _on_goal(self, state: FlowState, text: str) -> FlowTurn:
        if len(text.split()) < 3 and not state.data.get("nudged"):
            state.data["nudged"] = True
            return self._turn(state, self.w.goal.too_short)
        state.answers["goal"] = text
        reflect = self.w.reality.reflect.format(goal=second_person(text))
        return self._go(state, "reality:0", reflect)

    def _on_reality(self, state: FlowState, text: str) -> FlowTurn:
        stage = state.data["stage"]
        if text:
            state.answers[stage] = text
        nxt = self.stages[self.stages.index(stage) + 1]
        return self._go(state, nxt)

    def _enough(self, text: str) -> bool:
        cleaned = re.sub(r"[.!]+$", "", text.lower()).strip()
        return cleaned in self.w.options.enough_words

    def _on_options(self, state: FlowState, text: str) -> FlowTurn:
        o = self.w.options
        if self._enough(text) or not text:
            if state.items and (
                len(state.items) >= o.min_before_choice or state.data.get("pushed")
            ):
                return self._to_choose(state)
            state.data["pushed"] = True
            return self._turn(state, o.more[len(state.items) % len(o.more)])
        for piece in re.split(r"\n|;|\s+\bor\b\s+", text):
            if piece.strip() and len(state.items) < o.max:
                state.items.append(piece.strip().rstrip("."))
        if len(state.items) >= o.max:
            return self._to_choose(state)
        return self._turn(state, o.more[(len(state.items) - 1) % len(o.more)])

    def _to_choose(self, state: FlowState) -> FlowTurn:
        state.data["stage"] = "choose"
        listed = [second_person(i) for i in state.items]
        text = f"{self.w.options.listed}\n{numbered(listed)}\n\n{self.w.options.choose}"
        return self._turn(state, text, listed)

    def _on_choose(self, state: FlowState, text: str) -> FlowTurn:
        index = pick_option(text, state.items)
        state.answers["chosen"] = second_person(state.items[index] if index is not None else text)
        return self._go(state, "what")

    def _on_what(self, state: FlowState, text: str) -> FlowTurn:
        state.answers["action"] = text
        return self._go(state, "when")

    def _on_when(self, state: FlowState, text: str) -> FlowTurn:
        state.answers["when"] = text
        return self._go(state, "score")

    def _on_score(self, state: FlowState, text: str) -> FlowTurn:
        score = parse_scale(text, 1, 10)
        if score is None:
            return self._turn(state, self.w.will.bad_score)
        state.answers["score"] = str(score)
        if score < LOW_COMMITMENT:
            state.data["stage"] = "support"
            return self._turn(state, self.w.will.low.format(score=score))
        return self._go(state, "support")

    def _on_support(self, state: FlowState, text: str) -> FlowTurn:
        if text:
            state.answers["support"] = text
        return self._finish(state)

    def _finish(self, state: FlowState) -> FlowTurn:
        s, a = self.w.summary, state.answers
        lines = [s.heading]
        if "goal" in a:
            lines.append("• " + s.goal.format(goal=second_person(shorten(a["goal"]))))
        if "reality:0" in a:
            lines.append(
                "• " + s.reality.format(reality=second_person(shorten(a["reality:0"], 160)))
            )
        if state.items:
            lines.append(
                "• " + s.options.format(options="; ".join(second_person(i) for i in state.items))
            )
        action = a.get("action") or a.get("chosen")
        commitment = None
        if action:
            when = a.get("when", "no date yet")
            lines.append(
                "• "
                + s.will.format(
                    action=second_person(shorten(action)),
                    when=shorten(when, 60),
                    score=a.get("score", "?"),
                )
            )
            commitment = f"{action} ({when})" if "when" in a else action
        return FlowTurn(
            text="\n".join(lines) + "\n\n" + s.close,
            state=None,
            card_ids=list(self.w.cards),
            commitment=commitment,
            step=len(self.stages),
            total=len(self.stages),
        )
