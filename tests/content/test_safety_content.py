"""Loading prompts/safety/: the real files validate, and bad data names the file and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.coach.safety import SafetyGate
from bot.config import PROJECT_ROOT
from bot.content.errors import ContentError
from bot.content.safety import load_safety_content

PROMPTS = PROJECT_ROOT / "prompts"


@pytest.fixture
def prompts(tmp_path: Path) -> Path:
    """A private copy of prompts/safety that a test may break."""
    target = tmp_path / "prompts"
    shutil.copytree(PROMPTS / "safety", target / "safety")
    return target


def edit(path: Path, change: dict[str, object] | None = None, **top: object) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(top)
    for dotted, value in (change or {}).items():
        node = data
        *parents, last = dotted.split(".")
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def error_for(prompts: Path) -> ContentError:
    with pytest.raises(ContentError) as caught:
        load_safety_content(prompts)
    return caught.value


def test_the_real_safety_content_loads_with_compiled_rules() -> None:
    content = load_safety_content(PROMPTS)
    assert len(content.rules.crisis) >= 20
    assert all(rule.regex.pattern for rule in content.rules.crisis)
    assert "116 123" in content.signposts.signposts.samaritans
    assert "{eap_line}" in content.signposts.signposts.eap
    assert len(content.signposts.replies.checkin.variants) >= 3


def test_a_malformed_regex_names_the_file_and_field(prompts: Path) -> None:
    rules = prompts / "safety" / "rules.yaml"
    edit(rules, {"crisis.0.regex": "(unclosed"})
    error = error_for(prompts)
    assert error.path == "prompts/safety/rules.yaml"
    assert error.field == "crisis.0.regex"
    assert "bad regex" in error.message
    assert str(error).startswith("prompts/safety/rules.yaml: crisis.0.regex: ")


def test_an_unknown_macro_is_reported(prompts: Path) -> None:
    edit(prompts / "safety" / "rules.yaml", {"speak_up.1.regex": r"\b{nonsense} fraud"})
    error = error_for(prompts)
    assert error.field == "speak_up.1.regex"
    assert "unknown macro" in error.message and "nonsense" in error.message


def test_a_bad_macro_is_reported_against_the_macro(prompts: Path) -> None:
    edit(prompts / "safety" / "rules.yaml", {"macros.g1": "(?:[^ .]+ )?("})
    assert error_for(prompts).field == "macros.g1"


def test_a_rule_that_matches_everything_is_refused(prompts: Path) -> None:
    edit(prompts / "safety" / "rules.yaml", {"crisis.2.regex": "(?:suicide)?"})
    error = error_for(prompts)
    assert error.field == "crisis.2.regex"
    assert "empty text" in error.message


def test_a_bad_pair_rule_names_the_half_that_is_wrong(prompts: Path) -> None:
    edit(prompts / "safety" / "rules.yaml", {"pairs.0.second": "(unclosed"})
    error = error_for(prompts)
    assert error.field == "pairs.0.second"
    assert "bad regex" in error.message


def test_a_pair_rule_may_use_macros_and_be_read_unmasked() -> None:
    content = load_safety_content(PROMPTS)
    assert content.rules.pairs
    assert all(pair.first.pattern and pair.second.pattern for pair in content.rules.pairs)
    assert any(not pair.masked for pair in content.rules.pairs)


def test_speech_verbs_must_be_plain_words(prompts: Path) -> None:
    lexicon = prompts / "safety" / "lexicon.yaml"
    data = yaml.safe_load(lexicon.read_text(encoding="utf-8"))
    data["speech_verbs"].append("Said:")
    lexicon.write_text(yaml.safe_dump(data), encoding="utf-8")
    error = error_for(prompts)
    assert error.path == "prompts/safety/lexicon.yaml"
    assert error.field == "speech_verbs"


def test_duplicate_rule_ids_are_reported(prompts: Path) -> None:
    rules = prompts / "safety" / "rules.yaml"
    first = yaml.safe_load(rules.read_text(encoding="utf-8"))["crisis"][0]["id"]
    edit(rules, {"speak_up.0.id": first})
    error = error_for(prompts)
    assert error.field == "speak_up.0.id"
    assert "duplicate" in error.message


def test_a_missing_group_is_reported(prompts: Path) -> None:
    rules = prompts / "safety" / "rules.yaml"
    data = yaml.safe_load(rules.read_text(encoding="utf-8"))
    del data["crisis"]
    rules.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert error_for(prompts).field == "crisis"


def test_invalid_yaml_is_reported(prompts: Path) -> None:
    (prompts / "safety" / "rules.yaml").write_text("crisis: [unclosed\n", encoding="utf-8")
    error = error_for(prompts)
    assert error.field == "yaml" and "invalid YAML" in error.message


def test_a_missing_file_is_reported(prompts: Path) -> None:
    (prompts / "safety" / "lexicon.yaml").unlink()
    error = error_for(prompts)
    assert error.path == "prompts/safety/lexicon.yaml"
    assert error.message == "not found"


def test_a_signpost_without_its_number_is_refused(prompts: Path) -> None:
    edit(prompts / "safety" / "signposts.yaml", {"signposts.samaritans": "Samaritans are lovely."})
    error = error_for(prompts)
    assert error.path == "prompts/safety/signposts.yaml"
    assert error.field == "signposts.samaritans"
    assert "116 123" in error.message


def test_an_unknown_placeholder_in_a_reply_is_refused(prompts: Path) -> None:
    edit(
        prompts / "safety" / "signposts.yaml",
        {"replies.redirect_hr.text": "Please talk to {hr_contact} about the process, thank you."},
    )
    error = error_for(prompts)
    assert error.field == "replies.redirect_hr.text"
    assert "hr_contact" in error.message


def test_the_crisis_reply_must_list_every_urgent_signpost(prompts: Path) -> None:
    edit(prompts / "safety" / "signposts.yaml", {"replies.crisis.signposts": ["samaritans"]})
    error = error_for(prompts)
    assert error.field == "replies.crisis"
    assert "emergency" in error.message


def test_check_ins_need_several_variants(prompts: Path) -> None:
    edit(
        prompts / "safety" / "signposts.yaml",
        {"replies.checkin.variants": ["Are you safe right now? {numbers}"]},
    )
    assert error_for(prompts).field == "replies.checkin.variants"


def test_a_key_word_cannot_also_be_protected(prompts: Path) -> None:
    lexicon = prompts / "safety" / "lexicon.yaml"
    data = yaml.safe_load(lexicon.read_text(encoding="utf-8"))
    data["fuzzy"]["protect"].append("suicide")
    lexicon.write_text(yaml.safe_dump(data), encoding="utf-8")
    error = error_for(prompts)
    assert error.path == "prompts/safety/lexicon.yaml"
    assert error.field == "fuzzy"
    assert "suicide" in error.message


def test_an_unknown_field_is_refused(prompts: Path) -> None:
    edit(prompts / "safety" / "rules.yaml", crisis_extra=[])
    assert error_for(prompts).field == "crisis_extra"


def test_a_gate_from_a_copy_of_the_content_works(prompts: Path) -> None:
    gate = SafetyGate.from_dir(prompts, "Acme EAP")
    from bot.coach.safety import SafetyState

    assert gate.assess("kms", SafetyState()).info.category == "crisis"
