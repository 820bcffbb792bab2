"""A GROW coaching conversation (Whitmore): Goal, Reality, Options, Will, one question at a time.

What a coach would insist on: the goal said back in the second person; options that are
options (not a number, a yes or a command), asked for at most `options.prompts` times, each
question different; a "when" that is a real day or date; a commitment under 7 explored, not
praised, with the chance to choose a smaller step."""

from __future__ import annotations

import re

from bot.coach.dates import parse_due, today
from bot.coach.flows.base import (
    NUMBER,
    FlowState,
    FlowTurn,
    numbered,
    options_for,
    parse_scale,
    pick_option,
    shorten,
)
from bot.coach.flows.voice import second_person, speaks_for_self
from bot.content.coaching import GrowWords

LOW_COMMITMENT = 7
ANSWERS = {"choose": "choice", "score": "scale", "what": "commitment", "when": "time"}
# stages inside another stage's step: exploring a low score belongs to the score
SUB_STAGES = {"explore": "score", "revise": "score"}
FIGURES = re.compile(r"^[\d\s.,:/%+-]*$")
OUT_OF_TEN = re.compile(r"^\d{1,2}\s*(?:/|out of)\s*10$")
SPLIT = re.compile(r"\n|;|\s+\bor\b\s+")


def cleaned(text: str) -> str:
    return re.sub(r"[.!?]+$", "", " ".join(text.lower().split())).strip()


class GrowFlow:
    def __init__(self, words: GrowWords) -> None:
        self.w = words

    @property
    def stages(self) -> list[str]:
        reality = [f"reality:{i}" for i in range(len(self.w.reality.questions))]
        return ["goal", *reality, "options", "choose", "what", "when", "score", "support"]

    # --- what counts as an answer -------------------------------------------------------------

    def bare(self, text: str) -> bool:
        """A reply that carries nothing by itself: a number, yes/no/ok, a /command, a filler."""
        said = cleaned(text)
        return (
            not said
            or said.startswith("/")
            or bool(FIGURES.match(said))
            or bool(NUMBER.match(said))
            or bool(OUT_OF_TEN.match(said))
            or said in self.w.options.not_options
            or said in self.w.options.enough_words
        )

    def after(self, text: str) -> str | None:
        """What to say when a bare reply ("5", "yes") arrives just after GROW has finished:
        that it has finished and what to do next; None for anything else (thanks included)."""
        if self.bare(text) and cleaned(text) not in self.w.after.not_for:
            return self.w.after.reply
        return None

    def is_option(self, text: str) -> bool:
        """Whether `text` could be something the person does: not bare, and more than a
        syllable or two when it is one word."""
        said = cleaned(text)
        if self.bare(said):
            return False
        words = said.split()
        return len(words) >= 2 or len(re.sub(r"[^a-z]", "", said)) >= 4

    # --- the machinery ------------------------------------------------------------------------

    def _turn(self, state: FlowState, text: str, options: list[str] | None = None) -> FlowTurn:
        stage = state.data["stage"]
        stage = SUB_STAGES.get(stage, stage)
        index = self.stages.index(stage) if stage in self.stages else 0
        return FlowTurn(
            text=text,
            state=state,
            options=options_for(options) if options else [],
            card_ids=list(self.w.cards),
            step=index + 1,
            total=len(self.stages),
            answer=ANSWERS.get(state.data["stage"], "text"),
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
        if stage == "choose":
            return self._to_choose(state)
        if stage == "options":
            return self._turn(state, self._option_question(state))
        return self._go(state, stage)

    def skip(self, state: FlowState) -> FlowTurn:
        state = state.model_copy(deep=True)
        stage = state.data["stage"]
        if stage == "options":
            return self._after_options(state)
        stage = SUB_STAGES.get(stage, stage)
        following = self.stages[self.stages.index(stage) + 1 :] if stage in self.stages else []
        if not following:
            return self._finish(state)
        return self._go(state, following[0])

    def _go(self, state: FlowState, stage: str, before: str = "") -> FlowTurn:
        state.data["stage"] = stage
        state.data.pop("retried", None)
        w = self.w
        if stage.startswith("reality:"):
            ask = w.reality.questions[int(stage.split(":")[1])]
        elif stage == "options":
            state.data["asked"] = 1
            ask = w.options.first
        elif stage == "what":
            chosen = state.answers.get("chosen")
            ask = w.will.what.format(option=chosen) if chosen else w.will.what_for_goal
        elif stage == "when":
            ask = w.will.when
        elif stage == "score":
            ask = w.will.score
        elif stage == "explore":
            ask = w.will.explore.format(score=state.answers.get("score", "?"))
        elif stage == "revise":
            ask = w.will.revise
        elif stage == "support":
            ask = w.will.support
        else:
            ask = w.goal.ask
        return self._turn(state, f"{before}\n\n{ask}".strip())

    def _again(self, state: FlowState, note: str, ask: str) -> FlowTurn | None:
        """Ask the same question once more with a short note on what is needed; None when it
        has already been asked again (the caller moves on)."""
        if state.data.get("retried"):
            state.data.pop("retried", None)
            return None
        state.data["retried"] = True
        return self._turn(state, f"{note} {ask}".strip())

    # --- goal and reality ---------------------------------------------------------------------

    def echo(self, goal: str) -> str:
        """The goal said back: "So you want the partners in your place to agree..."."""
        if speaks_for_self(goal):
            return self.w.reality.reflect_own.format(goal=second_person(goal))
        return self.w.reality.reflect.format(goal=second_person(goal))

    def _on_goal(self, state: FlowState, text: str) -> FlowTurn:
        if len(text.split()) < 3 and not state.data.get("nudged"):
            state.data["nudged"] = True
            return self._turn(state, self.w.goal.too_short)
        state.answers["goal"] = text
        return self._go(state, "reality:0", self.echo(text))

    def _on_reality(self, state: FlowState, text: str) -> FlowTurn:
        stage = state.data["stage"]
        if text:
            state.answers[stage] = text
        nxt = self.stages[self.stages.index(stage) + 1]
        return self._go(state, nxt)

    # --- options ------------------------------------------------------------------------------

    def _option_question(self, state: FlowState) -> str:
        asked = int(state.data.get("asked", 1))
        return self.w.options.first if asked <= 1 else self.w.options.more[asked - 2]

    def _next_option_question(self, state: FlowState, before: str = "") -> FlowTurn:
        state.data["asked"] = int(state.data.get("asked", 1)) + 1
        state.data.pop("retried", None)
        return self._turn(state, f"{before} {self._option_question(state)}".strip())

    def _after_options(self, state: FlowState) -> FlowTurn:
        """On to choosing: the list when there are several, straight to the step when one,
        and to a first step towards the goal when there are none."""
        if len(state.items) >= 2:
            return self._to_choose(state)
        if state.items:
            state.answers["chosen"] = second_person(state.items[0])
        return self._go(state, "what")

    def _on_options(self, state: FlowState, text: str) -> FlowTurn:
        o = self.w.options
        asked = int(state.data.get("asked", 1))
        if not text or cleaned(text) in o.enough_words:
            if asked < o.prompts and len(state.items) < o.min_before_choice:
                return self._next_option_question(state)
            return self._after_options(state)
        pieces = [p.strip().rstrip(".") for p in SPLIT.split(text) if p.strip()]
        fresh = [p for p in pieces if self.is_option(p)]
        if not fresh:
            again = self._again(state, o.not_an_option, self._option_question(state))
            return again or self._move_on(state)
        known = {cleaned(i) for i in state.items}
        added = 0
        for piece in fresh:
            if cleaned(piece) not in known and len(state.items) < o.max:
                state.items.append(piece)
                known.add(cleaned(piece))
                added += 1
        if not added and len(state.items) < o.max:
            again = self._again(state, o.repeated, self._option_question(state))
            return again or self._move_on(state)
        if len(state.items) >= o.max:
            return self._after_options(state)
        return self._move_on(state)

    def _move_on(self, state: FlowState) -> FlowTurn:
        """The next, different, question for options, or on to choosing after the last."""
        if int(state.data.get("asked", 1)) >= self.w.options.prompts:
            return self._after_options(state)
        return self._next_option_question(state)

    def _to_choose(self, state: FlowState, before: str = "") -> FlowTurn:
        state.data["stage"] = "choose"
        listed = [second_person(i) for i in state.items]
        text = f"{before}\n\n{self.w.options.listed}\n{numbered(listed)}\n\n{self.w.options.choose}"
        return self._turn(state, text.strip(), listed)

    def _on_choose(self, state: FlowState, text: str) -> FlowTurn:
        index = pick_option(text, state.items)
        if index is None and not self.is_option(text):
            if not state.data.get("retried"):
                state.data["retried"] = True
                return self._to_choose(state, self.w.options.not_a_choice)
            index = 0  # asked twice: go on with the first idea rather than lose the thread
        state.answers["chosen"] = second_person(state.items[index] if index is not None else text)
        return self._go(state, "what")

    # --- will ---------------------------------------------------------------------------------

    def _on_what(self, state: FlowState, text: str) -> FlowTurn:
        if not self.is_option(text):
            again = self._again(state, self.w.will.not_a_step, self._stage_question(state))
            if again:
                return again
            text = state.answers.get("chosen", "")  # asked twice: the chosen option is the step
        if text:
            state.answers["action"] = text
        return self._go(state, "when")

    def _stage_question(self, state: FlowState) -> str:
        return self._go(state.model_copy(deep=True), state.data["stage"]).text

    def _on_when(self, state: FlowState, text: str) -> FlowTurn:
        if parse_due(text, today()) is not None:
            state.answers["when"] = text
            return self._go(state, "score")
        again = self._again(state, "", self.w.will.not_a_time)
        return again or self._go(state, "score", self.w.will.no_time)

    def _on_score(self, state: FlowState, text: str) -> FlowTurn:
        score = parse_scale(text, 1, 10)
        if score is None:
            return self._turn(state, self.w.will.bad_score)
        state.answers["score"] = str(score)
        if score < LOW_COMMITMENT and not state.data.get("revised"):
            return self._go(state, "explore")
        return self._go(state, "support")

    def _on_explore(self, state: FlowState, text: str) -> FlowTurn:
        if text:
            state.answers["in the way"] = text
        return self._go(state, "revise")

    def _on_revise(self, state: FlowState, text: str) -> FlowTurn:
        if not text or cleaned(text) in self.w.will.keep_words:
            return self._go(state, "support")
        if not self.is_option(text):
            again = self._again(state, self.w.will.not_a_step, self.w.will.revise)
            return again or self._go(state, "support")
        state.answers["first step"] = state.answers.get("action", "")
        state.answers["action"] = text
        state.data["revised"] = True
        state.data["stage"] = "score"
        state.data.pop("retried", None)
        return self._turn(state, self.w.will.rescore)

    def _on_support(self, state: FlowState, text: str) -> FlowTurn:
        if text:
            state.answers["support"] = text
        return self._finish(state)

    def _closing(self, score: str | None) -> str:
        """Praise only a commitment of 7 or more; anything lower is named honestly."""
        s = self.w.summary
        if score is None:
            return s.close
        if int(score) >= LOW_COMMITMENT:
            return s.affirm
        return s.honest.format(score=score)

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
            when = a.get("when")
            lines.append(
                "• "
                + s.will.format(
                    action=second_person(shorten(action)),
                    when=shorten(when, 60) if when else s.no_date,
                    score=a.get("score", "?"),
                )
            )
            commitment = f"{action} ({when})" if when else action
        return FlowTurn(
            text="\n".join(lines) + "\n\n" + self._closing(a.get("score")),
            state=None,
            card_ids=list(self.w.cards),
            commitment=commitment,
            step=len(self.stages),
            total=len(self.stages),
        )
