"""Names found by context, whatever the word; the words where the same context is no name."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.privacy.given_names import load_given_names
from bot.privacy.lexicon import DEFAULT_LEXICON, load_lexicon
from bot.privacy.scrub import Scrubber

DIRECTORY = ["Dawn Hargreaves", "Will Okoro", "Summer Rahman", "Bronagh McAteer", "Joy Kaur"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an English word as a first name, then a surname
        ("Joy Adeyemi has the discharge data", "<NAME> has the discharge data"),
        # initials before "from" and a body, or with "'s" before a person
        ("KM from Kirklees Council rang", "<NAME> from <ORG> rang"),
        ("KM's husband called the ward", "<NAME>'s husband called the ward"),
        # surnames either side of "vs"
        ("Okafor vs Pemberton, round three", "<NAME> vs <NAME>, round three"),
        ("Virtue Okonkwo runs the hub", "<NAME> runs the hub"),
        ("ask Comfort Asante first", "ask <NAME> first"),
        ("I think grace okafor is off", "I think <NAME> is off"),
        # after a cue
        ("I handed the rota over to Tolu", "I handed the rota over to <NAME>"),
        ("met with Hope on Friday", "met with <NAME> on Friday"),
        ("told Frank I would think about it", "told <NAME> I would think about it"),
        ("cc dawn on the reply", "cc <NAME> on the reply"),
        ("thanks Favour for covering", "thanks <NAME> for covering"),
        # in a greeting or a sign-off
        ("hi dawn, can you send the deck?", "hi <NAME>, can you send the deck?"),
        ("Morning Grace, hope the visit went ok", "Morning <NAME>, hope the visit went ok"),
        ("hey summer - any news?", "hey <NAME> - any news?"),
        ("that's all for now. cheers, mark", "that's all for now. cheers, <NAME>"),
        ("See you Tuesday. Thanks - Will", "See you Tuesday. Thanks - <NAME>"),
        ("Let me know.\n\nBest,\nHope", "Let me know.\n\nBest,\n<NAME>"),
        # listed with a name, and before a verb only a person does
        ("Dawn and Hope are on leave", "<NAME> and <NAME> are on leave"),
        ("joy said she would take it", "<NAME> said she would take it"),
        ("Priyanka Venkatesan and Olumide agreed", "<NAME> and <NAME> agreed"),
        ("bronagh and joy are both off", "<NAME> and <NAME> are both off"),
        ("Joy took the minutes", "<NAME> took the minutes"),
        ("Joy's team are short", "<NAME>'s team are short"),
        ("bronagh is off today", "<NAME> is off today"),
        # multi-part and non-English names, at a sentence start and after "to"
        ("Mei Ling Wong chaired it well", "<NAME> chaired it well"),
        ("Siobhán Ní Bhriain from the trust joined", "<NAME> from the trust joined"),
        ("Oluwaseun Adebayo-Smith is leading", "<NAME> is leading"),
        ("I sent it to Chiamaka Eze and Wei Zhang", "I sent it to <NAME> and <NAME>"),
        ("I've passed it to Xiao Hui Chen", "I've passed it to <NAME>"),
        ("Gurpreet Kaur Sandhu is our PCN lead", "<NAME> is our PCN lead"),
    ],
)
def test_a_name_is_found_when_its_context_says_so(
    scrubber: Scrubber, text: str, expected: str
) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "the will to change is there",
        "HR from Leeds rang about it",
        "ED from Airedale is full",
        "Leeds vs Bradford on Saturday",
        "Quality vs Cost again at the board",
        "hope is not a strategy",
        "we have a grace period of two weeks",
        "a frank conversation with the chair",
        "mark my words, it will come back",
        "Summer pressures are starting early",  # Summer is in the directory
        "Joy of joys, the case was approved",  # and so is Joy
        "Will power is not a plan",
        "Will we get there by June?",
        "May I ask about the August rota?",
        "Hope you're well, quick one",
        "thanks, will do",
        "Thanks, that's really helpful!",
        "Hi all, the agenda is attached",
        "cheers, everyone",
        "Thanks, brilliant!",
        "I moved to Leeds and report to Board in March",
        "handled it with grace",
        "take it to Finance and Estates first",
        "the Freedom to Speak Up guardian",
        "we need the savings by Q4",
        "the church hall is booked",
        "the Long Term Plan and the White Paper",
    ],
)
def test_the_same_words_without_such_context_stay(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the Leader of the Council agreed", "the Leader of the Council agreed"),
        ("the Director of Public Health is on board", "the Director of Public Health is on board"),
        ("I asked the Chair to sign it off", "I asked the Chair to sign it off"),
        ("the Chair of Kirklees Council agreed", "the Chair of <ORG> agreed"),
    ],
)
def test_titles_without_a_name_are_kept(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Betsi Cadwaladr University Health Board are joining", "<ORG> are joining"),
        ("notes from Swansea Bay University Health Board", "notes from <ORG>"),
        ("Hywel Dda are further ahead", "<ORG> are further ahead"),
        ("NHS Greater Glasgow and Clyde has a model", "<ORG> has a model"),
        ("the Belfast Health and Social Care Trust", "the <ORG>"),
        ("the Southern HSCT pilot", "the <ORG> pilot"),
        ("the Calder Valley GP Federation will host", "the <ORG> will host"),
        ("Holme Valley Care Group are recruiting", "<ORG> are recruiting"),
    ],
)
def test_nhs_bodies_of_the_four_nations_and_gp_groups_are_organisations(
    scrubber: Scrubber, text: str, expected: str
) -> None:
    assert scrubber.scrub(text) == expected


def test_the_directory_decides_lower_case_ordinary_names(tmp_path: Path) -> None:
    bare = Scrubber(data_dir=tmp_path)
    assert bare.scrub("hey summer - any news?") == "hey summer - any news?"  # a season
    assert bare.scrub("to summer and beyond") == "to summer and beyond"
    with_directory = Scrubber(data_dir=tmp_path, names=DIRECTORY)
    assert with_directory.scrub("hey summer - any news?") == "hey <NAME> - any news?"
    assert with_directory.scrub("Summer said yes") == "<NAME> said yes"


def test_names_that_are_words_are_never_names_on_their_own(tmp_path: Path) -> None:
    # each given name that is an English word is ordinary in the lexicon, so only context counts
    lexicon = load_lexicon()
    ordinary = set(lexicon.names.common_words)
    words = {"virtue", "blessing", "comfort", "favour", "precious", "patience", "joy"}
    given = {name.casefold() for name in load_given_names().all()}
    assert words <= given and words <= ordinary
    bare = Scrubber(data_dir=tmp_path)
    assert bare.scrub("Virtue signalling aside, Comfort food and Patience help") == (
        "Virtue signalling aside, Comfort food and Patience help"
    )


def test_a_lexicon_without_a_context_section_still_loads(tmp_path: Path) -> None:
    data = yaml.safe_load(DEFAULT_LEXICON.read_text(encoding="utf-8"))
    del data["context"]
    own = tmp_path / "lexicon.yaml"
    own.write_text(yaml.safe_dump(data), encoding="utf-8")
    scrubber = Scrubber(data_dir=tmp_path, lexicon_path=own)
    assert scrubber.scrub("Joy Adeyemi emailed") == "<NAME> emailed"  # surnames still count
    assert scrubber.scrub("met with Hope") == "met with Hope"  # no cues without the section


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("JB said the ICB want the plan", "<NAME> said the ICB want the plan"),
        ("actions for SK, RM and JT", "actions for <NAME>, <NAME> and <NAME>"),
        ("prepared by A. Rahman and K. Liu", "prepared by <NAME> and <NAME>"),
        ("Jo B and Jo K both sent apologies", "<NAME> and <NAME> both sent apologies"),
        ("hiya Summer — can you add it", "hiya <NAME> — can you add it"),
        ("Hunter's been amazing on the rota", "<NAME>'s been amazing on the rota"),
        ("Our Jordan's just passed his test", "Our <NAME>'s just passed his test"),
        ("Welcome to the channel, Rhys ap Iorwerth!", "Welcome to the channel, <NAME>!"),
        ("kelechi pls call me", "<NAME> pls call me"),
        ("bridget can u cover my 4pm", "<NAME> can u cover my 4pm"),
        ("Kia ora 👋 — Mere Tūhoe here, on exchange", "Kia ora 👋 — <NAME> here, on exchange"),
        ("Ceri from Ysbyty Gwynedd says no", "<NAME> from <ORG> says no"),
        ("Olusegun Adeyemi-Hart (Medical Director)", "<NAME> (Medical Director)"),
        ("I keep calling Gbemisola by the wrong name", "I keep calling <NAME> by the wrong name"),
    ],
)
def test_initials_particles_contractions_and_lower_case_requests_are_names(
    scrubber: Scrubber, text: str, expected: str
) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "conventional wisdom says close the escalation beds in March",
        "Joy is in short supply this week but we're getting there",
        "Patience is a virtue, apparently",
        "will you come to the away day?",
        "will do",
        "fyi pls read before Monday",
        "ICB said no; CQC said yes; the MD said maybe; my FD said nothing",
        "the HSJ called it, and the local MP called for a review",
        "plans for MH, LD and CYP",
        "Plan B and Vitamin D",
        "Autumn's been busy and the hospital's been full",
        "hi team - ok",
        "Finance here, quick one",
        "Sign-off from the committee is needed",
    ],
)
def test_ordinary_words_and_abbreviations_in_those_places_stay(
    scrubber: Scrubber, text: str
) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "Conventional wisdom says wait until the spring",
        "Item 5: Discharge to Assess. Item 6: lunch.",
        "thank you, genuinely",
        "Datix is down again, log it on paper",
        "Oramorph and midazolam stock checks for the hospice beds",
        "Lyrica and pregabalin prescribing came up again",
        "Spent the morning in Merthyr and the afternoon in Newport.",
        "@channel the briefing has moved to 12:30",
        "@here anyone free at 3?",
    ],
)
def test_clean_capitalised_words_products_places_and_channel_calls_stay(
    scrubber: Scrubber, text: str
) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("thank you, Amara", "thank you, <NAME>"),
        ("@heresy_fan posted it", "<MENTION> posted it"),
        ("Ngozi spoke to Okonjo about it", "<NAME> spoke to <NAME> about it"),
        ("Mind Millbrook have offered peer workers", "<ORG> have offered peer workers"),
        ("a slot for the Hosbis Cwm Aeron board", "a slot for the <ORG> board"),
        ("Carers First Ashdown asked for a seat", "<ORG> asked for a seat"),
        ("Nasser's team in Merthyr", "<NAME>'s team in Merthyr"),
    ],
)
def test_names_and_organisations_next_to_those_words_are_still_found(
    scrubber: Scrubber, text: str, expected: str
) -> None:
    assert scrubber.scrub(text) == expected


def test_amazing_grace_is_a_hymn_even_with_a_grace_in_the_directory(tmp_path: Path) -> None:
    scrubber = Scrubber(data_dir=tmp_path, names=["Grace Mensah"])
    text = "Amazing Grace was playing in the chapel"
    assert scrubber.scrub(text) == text
    assert scrubber.scrub("Thx Grace x") == "Thx <NAME> x"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("JB and MK have both resigned", "<NAME> and <NAME> have both resigned"),
        ("Sione Taufa from the network is keen", "<NAME> from the network is keen"),
        ("Hunter Brookes from the alliance joins", "<NAME> from the alliance joins"),
        ("placed now, thank you Amara for chasing", "placed now, thank you <NAME> for chasing"),
    ],
)
def test_pairs_of_initials_and_names_before_from_are_names(
    scrubber: Scrubber, text: str, expected: str
) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    ["ICB and CQC have both said no", "GP and OT are both short", "Bank Holiday from Friday"],
)
def test_abbreviation_pairs_and_word_pairs_before_from_stay(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "GPs never come to our place board",
        "Consultants and GPs can still learn about it late",
        "conversations with MPs and councillors",
        "councillors are campaigning against the changes",
        "Sustainability and transformation plans",
        "kept the People Promise at the heart of it",
    ],
)
def test_plural_abbreviations_roles_newer_words_and_titles_stay(
    scrubber: Scrubber, text: str
) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "The merger is killing me and honestly I've thought about leaving",
        "and honestly I’ve thought about it",
        "and We'd said so already",
    ],
)
def test_contractions_of_function_words_before_a_persons_verb_stay(
    scrubber: Scrubber, text: str
) -> None:
    assert scrubber.scrub(text) == text


@pytest.fixture(scope="module")
def plain_scrubber(tmp_path_factory: pytest.TempPathFactory) -> Scrubber:
    return Scrubber(data_dir=tmp_path_factory.mktemp("plain"))


@pytest.fixture(scope="module")
def member_scrubber(tmp_path_factory: pytest.TempPathFactory) -> Scrubber:
    members = ["Will Okoro", "Peace Mensah", "Dawn Hargreaves", "Pearl Whitfield", "Heath Ormerod"]
    return Scrubber(data_dir=tmp_path_factory.mktemp("members"), names=members)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a member's name in lower case opening a line: possessive, addressed, or a verb
        ("will's draft is in the drive", "<NAME>'s draft is in the drive"),
        ("dawn - the 2pm has moved", "<NAME> - the 2pm has moved"),
        ("peace has gone home poorly", "<NAME> has gone home poorly"),
        ("heath's off today", "<NAME>'s off today"),
        # a name found in the message is a name again in lower case
        (
            "it's Pearl's tracker and yes pearl built it",
            "it's <NAME>'s tracker and yes <NAME> built it",
        ),
        # greeted inside a message, then "!" or the end
        ("Tolu Adebayo starts monday, welcome Tolu!", "<NAME> starts monday, welcome <NAME>!"),
        ("the bid got through, congrats Ngozi!", "the bid got through, congrats <NAME>!"),
    ],
)
def test_members_in_lower_case_and_names_greeted_mid_message_are_found(
    member_scrubber: Scrubber, text: str, expected: str
) -> None:
    assert member_scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "will hasn't been shared with the family yet",
        "hope is the key here, will do",
        "we walked across the heath at lunch",
        "great news, welcome Back!",
    ],
)
def test_the_same_words_as_ordinary_words_stay(member_scrubber: Scrubber, text: str) -> None:
    assert member_scrubber.scrub(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # family words and "Fr" are titles
        ("Auntie Joy is the main carer", "<NAME> is the main carer"),
        ("Grandad Stan wants to go home", "<NAME> wants to go home"),
        ("Fr Aidan covers on fridays", "<NAME> covers on fridays"),
        # the initials of a double-barrelled surname, also after a name that is a word
        ("Grace O-D is on the panel", "<NAME> is on the panel"),
        # cues: someone looped in, what someone is called
        ("pls loop in hope on this", "pls loop in <NAME> on this"),
        ("everyone calls her Funmi", "everyone calls her <NAME>"),
        # "Patient" after "from" is no name
        ("Learning from Patient Safety Events", "Learning from Patient Safety Events"),
    ],
)
def test_titles_barrelled_initials_and_cues_find_names(
    scrubber: Scrubber, text: str, expected: str
) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    ["Will A-E be open tomorrow?", "we loop in the comms team", "it's known as Best Practice"],
)
def test_initials_and_cue_look_alikes_stay(plain_scrubber: Scrubber, text: str) -> None:
    assert plain_scrubber.scrub(text) == text
