"""A conflict scenario: narrative, choices, consequences, and a debrief tied to the evidence."""

from __future__ import annotations

from bot.coach.flows.base import FlowState, FlowTurn, numbered, options_for, pick_option
from bot.content.coaching import FlowWords
from bot.content.flows import DEBRIEF, DecisionPoint, Scenario


def approach_name(approach: str) -> str:
    return approach.replace("-", " ")


class ScenarioFlow:
    def __init__(self, scenario: Scenario, words: FlowWords) -> None:
        self.scenario = scenario
        self.words = words

    @property
    def total(self) -> int:
        return len(self.scenario.points)

    def start(self) -> FlowTurn:
        sc = self.scenario
        state = FlowState(kind="scenario", ref=sc.id, title=sc.title, point=sc.start)
        opening = self.words.scenario["start"].format(
            title=sc.title,
            setting=sc.setting.strip(),
            role=sc.your_role,
            name=sc.counterpart.name,
            their_role=sc.counterpart.role,
            cares=", ".join(sc.counterpart.cares_about),
        )
        return self._present(state, opening)

    def current(self, state: FlowState) -> FlowTurn:
        return self._present(state, "")

    def _present(self, state: FlowState, before: str) -> FlowTurn:
        assert state.point is not None
        point = self.scenario.point(state.point)
        w = self.words.scenario
        parts = [before, w["point"].format(narrative=point.narrative.strip())]
        if point.says:
            parts.append(
                w["says"].format(
                    name=self.scenario.counterpart.name, says=point.says.strip().strip('"“”')
                )
            )
        labels = [o.label for o in point.options]
        parts.append(w["options_heading"].format(question=point.question) + "\n" + numbered(labels))
        return FlowTurn(
            text="\n\n".join(p for p in parts if p),
            state=state,
            options=options_for(labels),
            card_ids=list(self.scenario.cards),
            step=len(state.path) + 1,
            total=self.total,
            answer="choice",
        )

    def answer(self, state: FlowState, text: str) -> FlowTurn:
        assert state.point is not None
        point: DecisionPoint = self.scenario.point(state.point)
        index = pick_option(text, [o.label for o in point.options])
        if index is None:
            turn = self._present(state, "")
            turn.text = f"{self.words.answers['choice']}\n\n{turn.text}"
            return turn
        option = point.options[index]
        state = state.model_copy(deep=True)
        state.path.append([point.id, option.id])
        said = self.words.scenario["consequence"].format(
            label=option.label, consequence=option.consequence.strip()
        )
        if option.next == DEBRIEF:
            return self._debrief(state, said)
        state.point = option.next
        return self._present(state, said)

    def skip(self, state: FlowState) -> FlowTurn:
        """A scenario needs a decision at each point, so skipping asks for one again."""
        return self._present(state, self.words.answers["choice"])

    def _debrief(self, state: FlowState, before: str) -> FlowTurn:
        sc, w = self.scenario, self.words.scenario
        chosen = []
        approaches: list[str] = []
        for point_id, option_id in state.path:
            option = next(o for o in sc.point(point_id).options if o.id == option_id)
            chosen.append(f"{option.label} ({approach_name(option.approach)})")
            if option.approach not in approaches:
                approaches.append(option.approach)
        parts = [
            before,
            w["debrief_heading"],
            w["path"].format(path="; ".join(chosen)),
            sc.debrief.summary.strip(),
            "\n".join(
                f"• {approach_name(a).capitalize()}: {sc.debrief.approaches[a].strip()}"  # type: ignore[index]
                for a in approaches
            ),
        ]
        if sc.debrief.formal_process:
            parts.append(w["formal"].format(process=sc.debrief.formal_process.strip()))
        parts.append(sc.debrief.question.strip())
        return FlowTurn(
            text="\n\n".join(p for p in parts if p),
            state=None,
            card_ids=list(dict.fromkeys(sc.debrief.cards + sc.cards)),
            step=self.total,
            total=self.total,
        )
