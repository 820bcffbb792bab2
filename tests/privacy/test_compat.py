"""Living beside Presidio's own recognizers, Slack mentions, and bare public domains."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from presidio_analyzer import RecognizerRegistry

from bot.privacy import recognizers as rec
from bot.privacy.nlp import OfflineSpacyNlpEngine
from bot.privacy.scrub import Scrubber


def test_our_recognizers_do_not_shadow_presidios_predefined_ones() -> None:
    # Presidio looks its predefined recognizers up by class name among all loaded subclasses.
    assert rec.EmailAddressRecognizer.__name__ != "EmailRecognizer"
    engine = OfflineSpacyNlpEngine(spacy.blank("en"))
    engine.load()
    registry = RecognizerRegistry()
    registry.load_predefined_recognizers(languages=["en"], nlp_engine=engine)
    modules = {type(r).__module__ for r in registry.recognizers}
    assert not any(module.startswith("bot.") for module in modules)


@pytest.mark.parametrize(
    "mention",
    [
        "<@U02ABCD1234>",
        "<@U04QW7E9RTY|kwame>",
        "<@U03PQRST12|Siobhan O'Connor>",
        "<#C05PARTNERS|icb-leaders>",
        "<#C0123ABCD>",
        "<!subteam^S07COHORT|@cohort-3>",
        "<!subteam^S0ABC123>",
    ],
)
def test_every_kind_of_slack_mention_is_one_mention(scrubber: Scrubber, mention: str) -> None:
    assert scrubber.scrub(f"cc {mention} please") == "cc <MENTION> please"


def test_broadcasts_stay(scrubber: Scrubber) -> None:
    assert scrubber.scrub("<!here> <!channel> <!everyone>") == "<!here> <!channel> <!everyone>"


def test_bare_public_domains_stay_but_their_pages_are_links(scrubber: Scrubber) -> None:
    assert scrubber.scrub("our nhs.net accounts and gov.uk") == "our nhs.net accounts and gov.uk"
    assert scrubber.scrub("see gov.uk/guidance today") == "see <URL> today"
    assert scrubber.scrub("on leedsth.nhs.uk") == "on <URL>"


def test_new_tags(tmp_path: Path) -> None:
    scrubber = Scrubber(data_dir=tmp_path)
    assert scrubber.scrub("Kirklees Council, GMC 4412876") == "<ORG>, GMC <REG_NUMBER>"
