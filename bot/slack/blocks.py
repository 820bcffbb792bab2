"""Block Kit, built by pure functions from the coach's replies and the words in
prompts/slack/texts.yaml. Every builder stays within Slack's limits: 50 blocks a message
(100 in a view), 3,000 characters of section text, 75 characters of button text, 2,000 of a
button value, 25 elements in an actions block and 10 in a context block."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from bot.content.slack import HomeTexts, SlackTexts
from bot.models import Citation, Reply
from bot.store.activity import RecentFlow
from bot.store.consent import Consent
from bot.store.goals import Goal

Block = dict[str, Any]

MAX_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
SECTION_CHARS = 3000
BUTTON_CHARS = 75
VALUE_CHARS = 2000
ACTIONS_ELEMENTS = 25
CONTEXT_ELEMENTS = 10
OPTION_CHARS = 75
SELECT_OPTIONS = 100
FALLBACK_CHARS = 3000

# action and block ids the listeners match on
FLOW_OPTION = "flow_option"
FEEDBACK_HELPFUL = "feedback:helpful"
FEEDBACK_NOT_HELPFUL = "feedback:not_helpful"
CONSENT_PREFIX = "consent:"
FORGET_YES = "forget:yes"
FORGET_NO = "forget:no"
HOME_GROW = "home:grow"
HOME_EXERCISE = "home:exercise"
HOME_SCENARIO = "home:scenario"
HOME_ASK = "home:ask"
HOME_PICK_EXERCISE = "home:pick_exercise"
HOME_PICK_SCENARIO = "home:pick_scenario"
HOME_AGAIN = "home:again"
GOAL_DONE = "goal:done"
MENTION_CONTINUE = "mention:continue"
ASK_MODAL = "ask_modal"
ASK_BLOCK = "question"
ASK_INPUT = "text"
OPTIONS_BLOCK = "flow_options"
FEEDBACK_BLOCK = "feedback"
CONSENT_BLOCK = "consent"


def escape(text: str) -> str:
    """Slack's three control characters, so nobody's words become mentions or links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def plain(text: str, limit: int = BUTTON_CHARS) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, limit), "emoji": True}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": clip(text, SECTION_CHARS)}


def section(text: str) -> Block:
    return {"type": "section", "text": mrkdwn(text)}


def context(*texts: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(t) for t in texts[:CONTEXT_ELEMENTS]]}


def button(text: str, action_id: str, value: str = "", style: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "button", "text": plain(text), "action_id": action_id}
    if value:
        element["value"] = value[:VALUE_CHARS]
    if style:
        element["style"] = style
    return element


def actions(block_id: str, elements: list[dict[str, Any]]) -> Block:
    return {"type": "actions", "block_id": block_id, "elements": elements[:ACTIONS_ELEMENTS]}


def split_text(text: str, limit: int = SECTION_CHARS) -> list[str]:
    """Paragraph-aligned pieces of at most `limit` characters (long paragraphs cut at spaces)."""
    pieces: list[str] = []
    current = ""
    for paragraph in text.split("\n\n"):
        while len(paragraph) > limit:
            cut = paragraph.rfind(" ", 0, limit)
            cut = cut if cut > limit // 2 else limit
            head, paragraph = paragraph[:cut].rstrip(), paragraph[cut:].lstrip()
            if current:
                pieces.append(current)
                current = ""
            pieces.append(head)
        joined = f"{current}\n\n{paragraph}" if current else paragraph
        if len(joined) <= limit:
            current = joined
        else:
            pieces.append(current)
            current = paragraph
    if current:
        pieces.append(current)
    return [p for p in pieces if p.strip()]


def strip_sources(text: str, heading: str) -> tuple[str, bool]:
    """The reply without the coach's trailing `Sources: [1] ...` line, and whether it had one."""
    body, found, tail = text.rpartition(f"\n\n{heading}: ")
    if found and tail.startswith("[1]"):
        return body, True
    return text, False


def citation_text(n: int, citation: Citation) -> str:
    source = citation.sources[0] if citation.sources else None
    title = escape(citation.title)
    if source is not None and source.url:
        title = f"<{source.url}|{title}>"
    shorts = "; ".join(escape(s.short()) for s in citation.sources[:2])
    return f"[{n}] {title}" + (f" ({shorts})" if shorts else "")


def sources_block(citations: list[Citation], heading: str) -> Block:
    texts = [citation_text(n, c) for n, c in enumerate(citations, start=1)]
    if len(texts) >= CONTEXT_ELEMENTS:
        texts = [*texts[: CONTEXT_ELEMENTS - 2], " ".join(texts[CONTEXT_ELEMENTS - 2 :])]
    return {
        "type": "context",
        "block_id": "sources",
        "elements": [mrkdwn(f"*{escape(heading)}*"), *[mrkdwn(t) for t in texts]],
    }


def option_blocks(reply: Reply) -> list[Block]:
    elements = [
        button(option.label, f"{FLOW_OPTION}:{n}", option.value)
        for n, option in enumerate(reply.options)
    ]
    return [
        actions(f"{OPTIONS_BLOCK}:{i // ACTIONS_ELEMENTS}", elements[i : i + ACTIONS_ELEMENTS])
        for i in range(0, len(elements), ACTIONS_ELEMENTS)
    ]


def feedback_block(reply: Reply, texts: SlackTexts) -> Block:
    card_ids = [c.card_id for c in reply.citations]
    value = json.dumps({"c": card_ids})
    while len(value) > VALUE_CHARS and card_ids:
        card_ids.pop()
        value = json.dumps({"c": card_ids})
    words = texts.feedback
    return actions(
        FEEDBACK_BLOCK,
        [
            button(words.helpful_button, FEEDBACK_HELPFUL, value),
            button(words.not_helpful_button, FEEDBACK_NOT_HELPFUL, value),
        ],
    )


def awaiting_answer(reply: Reply) -> bool:
    """A flow step in progress: the person is about to answer, so no feedback buttons yet."""
    return reply.flow is not None and not reply.flow.finished


def reply_blocks(
    reply: Reply, texts: SlackTexts, *, sources_heading: str, offer_dm: bool = False
) -> list[Block]:
    """A coach reply: its text, flow progress, choices as buttons, sources, feedback buttons
    (on every answer, not on a flow step awaiting one), and for a channel an offer of a DM."""
    body, had_sources = strip_sources(reply.reply, sources_heading)
    tail = tail_blocks(reply, texts, had_sources=had_sources, offer_dm=offer_dm)
    room = MAX_BLOCKS - len(tail)
    sections = split_text(escape(body)) or [escape(texts.conversation.error)]
    if len(sections) > room:
        sections = [*sections[: room - 1], clip("\n\n".join(sections[room - 1 :]), SECTION_CHARS)]
    return [section(s) for s in sections] + tail[:MAX_BLOCKS]


def tail_blocks(
    reply: Reply, texts: SlackTexts, *, had_sources: bool, offer_dm: bool = False
) -> list[Block]:
    """Everything under a reply's text: flow progress, choices, sources, feedback, DM offer
    (also what closes a streamed reply, whose text has already arrived)."""
    words = texts.conversation
    tail: list[Block] = []
    flow = reply.flow
    if flow is not None and flow.step and flow.total and not flow.finished:
        progress = words.flow_progress.format(title=flow.title, n=flow.step, total=flow.total)
        tail.append(context(escape(progress)))
    tail += option_blocks(reply)
    if reply.citations and (had_sources or flow is None):
        tail.append(sources_block(reply.citations, words.sources_heading))
    if not awaiting_answer(reply):
        tail.append(feedback_block(reply, texts))
    if offer_dm:
        tail.append(section(words.mention_offer))
        tail.append(actions("offer", [button(words.mention_button, MENTION_CONTINUE)]))
    return tail


def fallback_text(reply: Reply, sources_heading: str) -> str:
    """The notification text that goes with the blocks."""
    body, _ = strip_sources(reply.reply, sources_heading)
    return clip(body, FALLBACK_CHARS)


def replace_block(blocks: list[Block], prefix: str, replacement: Block | None) -> list[Block]:
    """The message's blocks with those whose block_id starts with `prefix` replaced by
    `replacement` (once, where the first was) or removed."""
    out: list[Block] = []
    replaced = False
    for block in blocks:
        if str(block.get("block_id", "")).startswith(prefix):
            if replacement is not None and not replaced:
                out.append(replacement)
                replaced = True
            continue
        out.append(block)
    return out


def chosen(blocks: list[Block], label: str, texts: SlackTexts) -> list[Block]:
    """After a choice is clicked: the buttons give way to a note of what was chosen."""
    note = context(escape(texts.conversation.option_chosen.format(label=label)))
    return replace_block(blocks, OPTIONS_BLOCK, note)


def feedback_given(blocks: list[Block], helpful: bool, texts: SlackTexts) -> list[Block]:
    words = texts.feedback
    return replace_block(
        blocks,
        FEEDBACK_BLOCK,
        context(words.thanks_helpful if helpful else words.thanks_not_helpful),
    )


# --- privacy and consent ----------------------------------------------------------------------


def consent_buttons(texts: SlackTexts, current: str | None = None) -> Block:
    words = texts.privacy
    return actions(
        CONSENT_BLOCK,
        [
            button(
                words.coaching_button,
                f"{CONSENT_PREFIX}coaching",
                "coaching",
                "primary" if current == "coaching" else None,
            ),
            button(
                words.themes_button,
                f"{CONSENT_PREFIX}themes",
                "themes",
                "primary" if current == "themes" else None,
            ),
        ],
    )


def notice_blocks(texts: SlackTexts) -> list[Block]:
    """First contact: what is stored, for how long, who sees it, and the consent choice."""
    words = texts.privacy
    return [section(words.notice), section(words.choose), consent_buttons(texts)]


def consent_line(consent: Consent | None, texts: SlackTexts) -> str:
    words = texts.privacy
    if consent is None or consent.choice is None:
        return words.current_unset
    return words.current_coaching if consent.choice == "coaching" else words.current_themes


def privacy_blocks(consent: Consent | None, texts: SlackTexts) -> list[Block]:
    """`/anchor privacy`: the notice, the current choice, and buttons to change it."""
    words = texts.privacy
    current = consent.choice if consent else None
    return [
        section(words.notice),
        section(f"{consent_line(consent, texts)}\n{words.choose}"),
        consent_buttons(texts, current),
    ]


def consent_chosen(blocks: list[Block], choice: str, texts: SlackTexts) -> list[Block]:
    words = texts.privacy
    thanks = words.chosen_themes if choice == "themes" else words.chosen_coaching
    return replace_block(blocks, CONSENT_BLOCK, section(thanks))


# --- commands ---------------------------------------------------------------------------------


def usage_blocks(texts: SlackTexts, command: str, unknown: str | None = None) -> list[Block]:
    words = texts.command
    blocks = []
    if unknown:
        blocks.append(section(words.unknown.format(word=escape(clip(unknown, 100)))))
    blocks.append(section(words.usage.format(command=command)))
    return blocks


def goals_blocks(goals: list[Goal], texts: SlackTexts) -> list[Block]:
    words = texts.command
    if not goals:
        return [section(words.no_goals)]
    lines = [words.goals_heading] + [
        words.goal_item.format(text=escape(g.text), due=g.due_phrase) for g in goals
    ]
    return [section(s) for s in split_text("\n".join(lines).replace("\n", "\n\n"))][:MAX_BLOCKS]


def forget_confirm_blocks(texts: SlackTexts) -> list[Block]:
    words = texts.forget
    return [
        section(words.confirm),
        actions(
            "forget",
            [
                button(words.yes_button, FORGET_YES, "yes", "danger"),
                button(words.no_button, FORGET_NO, "no"),
            ],
        ),
    ]


def forget_done_text(deleted: dict[str, int], texts: SlackTexts) -> str:
    words = texts.forget
    if not any(deleted.values()):
        return words.nothing
    return words.done.format(summary=words.summary(deleted))


# --- App Home and the ask modal ---------------------------------------------------------------


def _picker(action_id: str, placeholder: str, items: dict[str, str]) -> dict[str, Any]:
    return {
        "type": "static_select",
        "action_id": action_id,
        "placeholder": plain(placeholder),
        "options": [
            {"text": plain(title, OPTION_CHARS), "value": item_id[:150]}
            for item_id, title in list(items.items())[:SELECT_OPTIONS]
        ],
    }


def home_view(
    texts: SlackTexts,
    consent: Consent | None,
    goals: list[Goal],
    exercises: dict[str, str],
    scenarios: dict[str, str],
    today: date,
    max_goals: int = 20,
    recent: Sequence[RecentFlow] = (),
) -> dict[str, Any]:
    """The leader's own App Home: ways to start, recent exercises and scenarios, open goals
    with due dates, privacy choice."""
    words = texts.home
    blocks: list[Block] = [
        {"type": "header", "text": plain(words.heading, 150)},
        context(words.intro),
        {"type": "divider"},
        section(f"{words.start_heading}"),
        actions(
            "start",
            [
                button(words.ask_button, HOME_ASK, style="primary"),
                button(words.grow_button, HOME_GROW),
                button(words.exercise_button, HOME_EXERCISE),
                button(words.scenario_button, HOME_SCENARIO),
            ],
        ),
    ]
    pickers = []
    if exercises:
        pickers.append(_picker(HOME_PICK_EXERCISE, words.exercise_placeholder, exercises))
    if scenarios:
        pickers.append(_picker(HOME_PICK_SCENARIO, words.scenario_placeholder, scenarios))
    if pickers:
        blocks.append(actions("pick", pickers))
    blocks += _recent_blocks(words, recent, {"exercise": exercises, "scenario": scenarios})
    blocks += [{"type": "divider"}, section(words.goals_heading)]
    if not goals:
        blocks.append(context(words.no_goals))
    for goal in goals[:max_goals]:
        overdue = words.overdue if goal.due is not None and goal.due <= today else ""
        text = words.goal_item.format(text=escape(goal.text), due=goal.due_phrase) + overdue
        blocks.append(
            {
                "type": "section",
                "block_id": f"goal:{goal.id}",
                "text": mrkdwn(text),
                "accessory": button(words.done_button, GOAL_DONE, str(goal.id)),
            }
        )
    if len(goals) > max_goals:
        blocks.append(context(words.more_goals.format(count=len(goals) - max_goals)))
    consent_current = consent.choice if consent else None
    blocks += [
        {"type": "divider"},
        section(words.privacy_heading),
        section(consent_line(consent, texts)),
        consent_buttons(texts, consent_current),
    ]
    return {"type": "home", "blocks": blocks[:MAX_VIEW_BLOCKS]}


def _recent_blocks(
    words: HomeTexts, recent: Sequence[RecentFlow], titles: dict[str, dict[str, str]]
) -> list[Block]:
    """The person's latest exercises and scenarios, each with a button to run it again."""
    shown = [r for r in recent if r.ref in titles.get(r.kind, {})]
    if not shown:
        return []
    blocks: list[Block] = [{"type": "divider"}, section(words.recent_heading)]
    for item in shown:
        status = words.recent_finished if item.finished else words.recent_started
        text = words.recent_item.format(
            title=escape(titles[item.kind][item.ref]),
            kind=words.recent_kinds[item.kind],
            status=status,
            day=item.last_at.strftime("%d %b"),
        )
        blocks.append(
            {
                "type": "section",
                "block_id": f"recent:{item.kind}:{item.ref}",
                "text": mrkdwn(clip(text, SECTION_CHARS)),
                "accessory": button(words.again_button, HOME_AGAIN, f"{item.kind} {item.ref}"),
            }
        )
    return blocks


def ask_modal(texts: SlackTexts) -> dict[str, Any]:
    words = texts.home
    return {
        "type": "modal",
        "callback_id": ASK_MODAL,
        "title": plain(words.ask_title, 24),
        "submit": plain(words.ask_submit, 24),
        "close": plain(words.ask_cancel, 24),
        "blocks": [
            {
                "type": "input",
                "block_id": ASK_BLOCK,
                "label": plain(words.ask_label, 2000),
                "hint": plain(words.ask_hint, 2000),
                "element": {
                    "type": "plain_text_input",
                    "action_id": ASK_INPUT,
                    "multiline": True,
                    "max_length": 3000,
                },
            }
        ],
    }


# --- follow-ups -------------------------------------------------------------------------------


def followup_text(goals: list[Goal], texts: SlackTexts) -> str:
    words = texts.followup
    items = [words.item.format(text=escape(g.text), due=g.due_phrase) for g in goals]
    return clip("\n".join([words.heading, *items, "", words.close]), SECTION_CHARS)
