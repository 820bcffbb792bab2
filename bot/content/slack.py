"""Words Anchor uses in Slack, loaded and validated from prompts/slack/texts.yaml.

Validation keeps every text usable by the Block Kit builders: button labels within Slack's
75 characters, longer texts within a section's 3,000, and only the placeholders the app fills in.
"""

from __future__ import annotations

import string
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from bot.content.loader import load_yaml_model

BUTTON_CHARS = 75
SECTION_CHARS = 3000

Button = Annotated[str, Field(min_length=1, max_length=BUTTON_CHARS)]
Text = Annotated[str, Field(min_length=1, max_length=SECTION_CHARS)]


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def only(*allowed: str) -> AfterValidator:
    """A validator: the text may use only these {placeholders}."""

    def check(value: str) -> str:
        extra = placeholders(value) - set(allowed)
        if extra:
            names = ", ".join(sorted(f"{{{n}}}" for n in extra))
            permitted = ", ".join(f"{{{n}}}" for n in allowed) or "none"
            raise ValueError(f"unknown placeholder(s) {names}; allowed: {permitted}")
        return value

    return AfterValidator(check)


Plain = Annotated[Text, only()]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PrivacyTexts(Strict):
    notice: Annotated[Text, only("days", "theme_days", "audit_days", "outbox_days")]
    choose: Plain
    coaching_button: Annotated[Button, only()]
    themes_button: Annotated[Button, only()]
    current_unset: Plain
    current_coaching: Plain
    current_themes: Plain
    chosen_coaching: Plain
    chosen_themes: Plain


class ConversationTexts(Strict):
    thinking: Plain
    error: Plain
    rate_limited: Annotated[Text, only("limit")]
    sources_heading: Annotated[Button, only()]
    flow_progress: Annotated[Text, only("title", "n", "total")]
    option_chosen: Annotated[Text, only("label")]
    mention_offer: Plain
    mention_button: Annotated[Button, only()]
    dm_opening: Plain
    moved_to_dm: Plain
    files: Plain
    files_unread: Plain


class FeedbackTexts(Strict):
    helpful_button: Annotated[Button, only()]
    not_helpful_button: Annotated[Button, only()]
    thanks_helpful: Plain
    thanks_not_helpful: Plain


class CommandTexts(Strict):
    usage: Annotated[Text, only("command")]
    unknown: Annotated[Text, only("word")]
    ask_needs_question: Plain
    no_goals: Plain
    goals_heading: Plain
    goal_item: Annotated[Text, only("text", "due")]


class MyDataTexts(Strict):
    comment: Plain
    sent: Plain


FORGET_PARTS = {
    "conversations",
    "turns",
    "goals",
    "feedback",
    "consent",
    "delivery_records",
    "rate_limit_windows",
    "user",
}


class ForgetTexts(Strict):
    confirm: Plain
    yes_button: Annotated[Button, only()]
    no_button: Annotated[Button, only()]
    done: Annotated[Text, only("summary")]
    nothing: Plain
    cancelled: Plain
    and_: Annotated[str, Field(alias="and", min_length=1, max_length=20)]
    parts: dict[str, Annotated[list[str], Field(min_length=2, max_length=2)]]

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _every_part(self) -> ForgetTexts:
        missing = FORGET_PARTS - set(self.parts)
        if missing:
            raise ValueError(f"parts needs a [one, many] pair for: {', '.join(sorted(missing))}")
        return self

    def summary(self, deleted: dict[str, int]) -> str:
        """`3 conversations, 12 messages and 1 goal` from forget_user's counts."""
        items = [
            f"{count} {forms[0 if count == 1 else 1]}"
            for name, forms in self.parts.items()
            if (count := deleted.get(name, 0))
        ]
        if len(items) <= 1:
            return "".join(items)
        return f"{', '.join(items[:-1])} {self.and_} {items[-1]}"


class HomeTexts(Strict):
    heading: Annotated[str, Field(min_length=1, max_length=150), only()]
    intro: Plain
    privacy_heading: Plain
    goals_heading: Plain
    no_goals: Plain
    goal_item: Annotated[Text, only("text", "due")]
    overdue: Annotated[str, Field(max_length=100), only()]
    done_button: Annotated[Button, only()]
    start_heading: Plain
    grow_button: Annotated[Button, only()]
    exercise_button: Annotated[Button, only()]
    scenario_button: Annotated[Button, only()]
    ask_button: Annotated[Button, only()]
    exercise_placeholder: Annotated[Button, only()]
    scenario_placeholder: Annotated[Button, only()]
    ask_title: Annotated[str, Field(min_length=1, max_length=24), only()]
    ask_label: Annotated[Button, only()]
    ask_hint: Annotated[Button, only()]
    ask_submit: Annotated[str, Field(min_length=1, max_length=24), only()]
    ask_cancel: Annotated[str, Field(min_length=1, max_length=24), only()]
    more_goals: Annotated[Text, only("count")]
    recent_heading: Plain
    recent_item: Annotated[Text, only("title", "kind", "status", "day")]
    recent_kinds: dict[str, Annotated[Button, only()]]
    recent_started: Annotated[Button, only()]
    recent_finished: Annotated[Button, only()]
    again_button: Annotated[Button, only()]

    @model_validator(mode="after")
    def _every_kind_named(self) -> HomeTexts:
        missing = {"exercise", "scenario"} - set(self.recent_kinds)
        if missing:
            raise ValueError(f"recent_kinds needs a word for: {', '.join(sorted(missing))}")
        return self


class FollowupTexts(Strict):
    heading: Plain
    item: Annotated[Text, only("text", "due")]
    close: Plain


class SuggestedPrompt(Strict):
    title: Annotated[Button, only()]
    message: Annotated[str, Field(min_length=1, max_length=500), only()]


class AssistantTexts(Strict):
    title: Annotated[Button, only()]
    prompts: list[SuggestedPrompt] = Field(min_length=1, max_length=4)


class ProgrammeSlackTexts(Strict):
    """Programme team surfaces: `/anchor themes` and the App Home summary."""

    preparing: Plain
    sent: Plain
    home_heading: Plain
    home_intro: Annotated[Text, only("people", "period", "k")]
    home_item: Annotated[Text, only("keywords", "people", "trend")]
    home_none: Annotated[Text, only("k")]
    report_button: Annotated[Button, only()]
    file_comment: Annotated[Text, only("period", "people")]


class SlackTexts(Strict):
    privacy: PrivacyTexts
    conversation: ConversationTexts
    feedback: FeedbackTexts
    command: CommandTexts
    my_data: MyDataTexts
    forget: ForgetTexts
    home: HomeTexts
    followup: FollowupTexts
    assistant: AssistantTexts
    programme: ProgrammeSlackTexts

    def with_retention(
        self, days: int, theme_days: int, audit_days: int = 730, outbox_days: int = 7
    ) -> SlackTexts:
        """The texts with the privacy notice's periods filled in from the settings
        (ANCHOR_RETENTION_DAYS, ANCHOR_THEME_RETENTION_DAYS, ANCHOR_AUDIT_RETENTION_DAYS,
        ANCHOR_OUTBOX_RETENTION_DAYS)."""
        notice = self.privacy.notice.format(
            days=days, theme_days=theme_days, audit_days=audit_days, outbox_days=outbox_days
        )
        privacy = self.privacy.model_copy(update={"notice": notice})
        return self.model_copy(update={"privacy": privacy})


def load_slack_texts(prompts_dir: Path) -> SlackTexts:
    return load_yaml_model(prompts_dir / "slack" / "texts.yaml", SlackTexts)
