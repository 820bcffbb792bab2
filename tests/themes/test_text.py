"""Text preparation: tags and Slack markup go, proper nouns are spotted."""

from __future__ import annotations

from bot.themes.text import clean, deny_words, keep_word, stem
from bot.themes.vocabulary import build_vocabulary


def test_clean_strips_scrubber_tags_and_slack_markup() -> None:
    text = (
        "*Winter* is _grim_ :sob: <@U0123ABC> see <#C0456|leaders-cohort> and "
        "<https://example.org/x|the paper>, ask <NAME> at <ORG> on <PHONE> &amp; `code` ~x~"
    )
    cleaned = clean(text)
    assert cleaned == "Winter is grim see and , ask at on & x"
    assert "<" not in clean("&lt;NAME&gt; said so")


def test_stop_words_fragments_and_chat_words_are_not_counted() -> None:
    assert keep_word("discharge")
    assert not keep_word("the")
    assert not keep_word("tbh")
    assert not keep_word("ab")
    assert keep_word("gp") and keep_word("a&e")  # short sector terms are kept


def test_stems_fold_word_forms() -> None:
    assert stem("discharges") == stem("discharge")


def test_proper_nouns_are_words_capitalised_in_mid_sentence() -> None:
    texts = [
        "spoke to Priya about the NHS plan",
        "the team at Kirkbridge Council agree",
        "Discharge is slow again",
        "discharge is slow, the kirkbridge lot say",
        "priya thinks so",
    ]
    vocabulary = build_vocabulary(texts)
    assert {"priya", "kirkbridge", "council"} <= vocabulary.proper
    assert "nhs" not in vocabulary.proper  # a generic sector acronym
    assert "discharge" not in vocabulary.proper  # capitalised only at the start of a sentence


def test_deny_words_split_names_into_words_but_keep_sector_terms() -> None:
    assert deny_words(["Priya Sharma", "Kirkbridge ICB", "Zoë O'Neill's"]) == {
        "priya",
        "sharma",
        "kirkbridge",
        "zoë",
        "o'neill",
    }
