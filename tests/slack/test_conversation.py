"""The shared path of a coaching message: what is ignored and what the coach is given."""

from __future__ import annotations

from bot.slack.conversation import ignorable, person, slack_user, without_mention


def test_only_anchors_own_mention_is_taken_out_of_a_message() -> None:
    text = "<@UANCHOR> why does <@U123> block\n\nour plan? <@UANCHOR|anchor>"
    assert without_mention(text, "UANCHOR") == "why does <@U123> block\n\nour plan?"
    assert without_mention("  hello ", None) == "hello"


def test_bots_edits_deletions_and_joins_are_ignored_people_are_not() -> None:
    person_message = {"type": "message", "user": "U1", "text": "hi", "ts": "1.0"}
    assert not ignorable(person_message)
    for change in (
        {"bot_id": "B1"},
        {"subtype": "message_changed"},
        {"subtype": "message_deleted"},
        {"subtype": "bot_message"},
        {"subtype": "channel_join"},
        {"user": None},
    ):
        assert ignorable({**person_message, **change}), change


def test_slack_users_map_to_coach_ids_and_back() -> None:
    assert person("U123") == "slack:U123"
    assert slack_user("slack:U123") == "U123"
    assert slack_user("cli:amina") is None
