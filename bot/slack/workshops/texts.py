"""The words of facilitator workshops in Slack, loaded and validated from
prompts/slack/workshop_texts.yaml: button labels within Slack's 75 characters, modal titles and
buttons within 24, longer texts within a section's 3,000, and only the placeholders the app
fills in. (Refusals and the summary's labels come from prompts/facilitation/messages.yaml.)"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import ConfigDict, Field

from bot.content.loader import load_yaml_model
from bot.content.slack import Button, Plain, Strict, Text, only

FILE = Path("slack") / "workshop_texts.yaml"
MODAL_CHARS = 24

Label = Annotated[Button, only()]
Modal = Annotated[str, Field(min_length=1, max_length=MODAL_CHARS), only()]


class CommandWords(Strict):
    usage: Annotated[Text, only("command")]
    unknown: Annotated[Text, only("word")]
    needs_plan: Annotated[Text, only("command")]
    start_needs_plan: Annotated[Text, only("command")]
    not_in_a_channel: Plain
    cannot_post: Plain
    started: Annotated[Text, only("plan", "number", "total", "title")]
    started_async: Annotated[Text, only("plan")]
    moved: Annotated[Text, only("number", "total", "title")]
    paused: Plain
    resumed: Plain
    ended: Annotated[Text, only("plan")]


class PlanWords(Strict):
    heading: Plain
    item: Annotated[Text, only("title", "plan", "mode", "minutes", "steps", "summary")]
    live: Label
    async_: Label
    footer: Annotated[Text, only("command")]
    preview_heading: Annotated[
        Text, only("title", "mode", "minutes", "steps", "audience", "summary")
    ]
    preview_step: Annotated[Text, only("number", "title", "kind", "anonymity", "timing", "prompt")]
    preview_time_limit: Annotated[Text, only("minutes")]
    preview_opens: Annotated[Text, only("offset")]
    preview_anonymous: Label
    preview_named: Label
    preview_notes: Plain
    preview_footer: Annotated[Text, only("command", "plan")]


class StepWords(Strict):
    heading: Annotated[Text, only("number", "total", "title", "plan")]
    kind: Annotated[Text, only("kind")]
    anonymous: Plain
    named: Plain
    time_limit: Annotated[Text, only("minutes")]
    closes_at: Annotated[Text, only("when")]
    answer_button: Label
    answered: Annotated[Text, only("count")]
    answered_final: Annotated[Text, only("count")]
    hidden: Annotated[Text, only("k")]
    free_text: Plain
    count_line: Annotated[Text, only("label", "count")]
    suppressed_line: Annotated[Text, only("label")]
    suppressed_note: Annotated[Text, only("k")]
    open: Plain
    paused: Plain
    closed: Plain
    reopened: Plain
    waiting: Plain
    ended_channel: Annotated[Text, only("plan")]


class ModalWords(Strict):
    title: Modal
    submit: Modal
    close: Modal
    label: Label
    choose: Label
    again: Label
    thanks_title: Modal
    thanks: Plain
    thanks_replaced: Plain
    thanks_anonymous: Plain
    done: Modal


class ControlWords(Strict):
    heading: Annotated[Text, only("plan", "number", "total", "title", "status")]
    heading_before: Annotated[Text, only("plan")]
    running: Label
    paused: Label
    ended: Label
    step_line: Annotated[Text, only("number", "title", "state", "count")]
    state_waiting: Label
    state_open: Label
    state_closed: Label
    next_button: Label
    back_button: Label
    pause_button: Label
    resume_button: Label
    end_button: Label
    status_button: Label
    confirm_title: Annotated[str, Field(min_length=1, max_length=100), only()]
    confirm_text: Annotated[str, Field(min_length=1, max_length=300), only()]
    confirm_yes: Annotated[str, Field(min_length=1, max_length=30), only()]
    confirm_no: Annotated[str, Field(min_length=1, max_length=30), only()]


class SummaryWords(Strict):
    heading: Annotated[str, Field(min_length=1, max_length=150), only("plan")]
    files: Plain
    kind: Annotated[Text, only("kind", "anonymity")]
    themes: Annotated[Text, only("caption", "themes")]


class CopyWords(Strict):
    heading: Annotated[Text, only("plan")]
    intro: Plain
    item: Annotated[Text, only("number", "title", "marker", "answer")]
    anonymous_marker: Label


class ReminderWords(Strict):
    text: Annotated[Text, only("title", "channel", "plan", "when")]
    text_untimed: Annotated[Text, only("title", "channel", "plan")]


class WorkshopTexts(Strict):
    command: CommandWords
    plans: PlanWords
    step: StepWords
    modal: ModalWords
    controls: ControlWords
    summary: SummaryWords
    copy_: CopyWords = Field(alias="copy")
    reminder: ReminderWords

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


@lru_cache(maxsize=8)
def _load(path: Path) -> WorkshopTexts:
    return load_yaml_model(path, WorkshopTexts)


def load_workshop_texts(prompts_dir: Path) -> WorkshopTexts:
    """The validated words (cached per file); ContentError names the file and field."""
    return _load((prompts_dir / FILE).resolve())
