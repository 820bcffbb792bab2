"""Organisation names: the configurable list, shapes, what is kept, and the list's file."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.datafiles import ContentError
from bot.privacy.organisation_list import DEFAULT_ORGANISATIONS, load_organisations
from bot.privacy.scrub import Scrubber


@pytest.mark.parametrize(
    "name",
    [
        "Leeds Teaching Hospitals NHS Trust",
        "leeds teaching hospitals",
        "LEEDS TEACHING HOSPITALS",
        "Barts Health",
        "Oxleas",
        "Tees, Esk and Wear Valleys",
        "Guy's and St Thomas' NHS Foundation Trust",
        "Guys & St Thomas",
        "kirklees council",
        "Stockport Metropolitan Borough Council",
        "London Borough of Tower Hamlets",
        "west yorkshire icb",
        "NHS Lancashire and South Cumbria Integrated Care Board",
        "Frimley ICS",
        "NHS Greater Manchester",
        "Whipps Cross",
        "Leicester Royal Infirmary",
        "Stoke-on-Trent City Council",
    ],
)
def test_listed_organisations_are_replaced_in_any_case(scrubber: Scrubber, name: str) -> None:
    assert scrubber.scrub(f"I work with {name} now") == "I work with <ORG> now"


@pytest.mark.parametrize(
    "name",
    [
        "Parkside Surgery",
        "Elmwood Medical Centre",
        "Hillside Health Centre",
        "Beech House Practice",
        "Central Bradford PCN",
        "Widnes Primary Care Network",
        "Bradford Districts CCG",
        "Vale of York CCG",
        "Borsetshire County Council",
        "Ambridge Parish Council",
        "Felpersham Hospital",
        "St Agatha's Hospice",
        "Borsetshire NHS Foundation Trust",
        "Borsetshire Teaching Hospitals NHS Trust",
        "Felpersham and Borchester Hospitals Trust",
        "Newcastle upon Tyne Hospitals NHS Foundation Trust",
        "BSol ICB",
        "Royal Borough of Felpersham",
        "Eastmere Mental Health Partnership",
        "Harrowfield Community Health Services",
        "Ashcombe District General",
        "Calderbrook General",
        "Morningside Dental",
        "Fairfield & Ince GP Alliance",
        "Gwent Valleys Hospice at Home",
        "Holmewood Care Home",
        "Cedar Lodge",
        "Dyfed Mind",
        "Mind in Tawe Valley",
        "Age UK Calderdale",
        "Willowmead Carers Trust",
        "BCUHB",
    ],
)
def test_organisation_shaped_names_are_replaced(scrubber: Scrubber, name: str) -> None:
    assert scrubber.scrub(f"I met {name} today") == "I met <ORG> today"


def test_a_possessive_stays_and_a_place_after_a_hospital_joins_it(scrubber: Scrubber) -> None:
    assert scrubber.scrub("Kirklees Council's plan") == "<ORG>'s plan"
    assert scrubber.scrub("at Queen Elizabeth Hospital Birmingham.") == "at <ORG>."
    assert scrubber.scrub("Thanks Parkside Surgery for hosting") == "Thanks <ORG> for hosting"


@pytest.mark.parametrize(
    "text",
    [
        "the trust, the council, our ICB and the PCN all agreed",
        "Full Council votes on the budget next week",
        "the County Council elections are in May",
        "General Practice is under enormous pressure",
        "Best Practice is to do a quality impact assessment first",
        "the Practice Manager forum meets monthly",
        "Day Surgery is running at 60% capacity",
        "our Hospital at Home service has 40 beds",
        "the Community Hospital beds are full",
        "the Integrated Care Board meets in public",
        "NHS England and NHS Providers wrote to the CQC",
        "General Medical Council and Nursing and Midwifery Council guidance",
        "the Nuffield Trust and the Wellcome Trust",
        "STP and ICS leaders met",
        "reading council papers all day",
        "the Health and Wellbeing Board signed off the JSNA",
        "the Attorney General and the Secretary General",
        "the Provider Alliance and our Place Partnership",
        "bear it in Mind, Never Mind the cost",
        "Thanks Carers Trust, and Age UK too",
    ],
)
def test_generic_and_national_bodies_are_kept(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "I'm the ICB's director of place for two boroughs.",
        "I'm ICB director of strategy and the money has gone.",
        "We're the ICB team that sits between the council and the trusts.",
    ],
)
def test_a_pronoun_and_its_verb_never_open_a_body(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text  # was "<ORG>'s director of place"


def test_a_body_after_a_pronoun_and_its_verb_is_still_replaced(scrubber: Scrubber) -> None:
    assert scrubber.scrub("I'm at Kirklees Council on Monday") == "I'm at <ORG> on Monday"


def test_an_organisation_beats_a_given_name_inside_it(scrubber: Scrubber) -> None:
    assert scrubber.scrub("George Eliot Hospital and St Mary's Hospital") == "<ORG> and <ORG>"


def test_the_list_is_configurable(tmp_path: Path) -> None:
    own = tmp_path / "orgs.yaml"
    own.write_text(
        "organisations: [Ambridge Community Hub, Borchester Vets]\n"
        "groups:\n"
        "  - forms: ['{} Council', '{} ICB']\n"
        "    names: [Borsetshire]\n"
        "not_organisations: [Felpersham Trust]\n",
        encoding="utf-8",
    )
    scrubber = Scrubber(data_dir=tmp_path, organisations_path=own)
    text = "borchester vets, Ambridge Community Hub and borsetshire icb"
    assert scrubber.scrub(text) == "<ORG>, <ORG> and <ORG>"
    # The deployment's file replaces the default list; shapes still apply.
    assert scrubber.scrub("oxleas and barts health") == "oxleas and barts health"
    assert scrubber.scrub("Oxleas NHS Foundation Trust") == "<ORG>"
    assert scrubber.scrub("the Felpersham Trust") == "the Felpersham Trust"
    assert Scrubber(data_dir=tmp_path).scrub("oxleas") == "<ORG>"


def test_a_bad_organisation_list_is_refused_with_its_path(tmp_path: Path) -> None:
    bad = tmp_path / "orgs.yaml"
    bad.write_text("groups:\n  - forms: ['Council']\n    names: [Leeds]\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"orgs\.yaml: groups\.0\.forms"):
        Scrubber(data_dir=tmp_path, organisations_path=bad)
    with pytest.raises(ContentError, match=r"missing\.yaml: file: not found"):
        load_organisations(tmp_path / "missing.yaml")


def test_the_default_list_is_big_and_valid() -> None:
    organisations = load_organisations(DEFAULT_ORGANISATIONS)
    assert len(organisations.all_names()) >= 300
    assert organisations.not_organisations


def test_a_name_found_by_shape_is_found_again_by_its_first_word(scrubber: Scrubber) -> None:
    text = "I start at Calderbrook General Hospital; the Calderbrook team are lovely"
    assert scrubber.scrub(text) == "I start at <ORG>; the <ORG> team are lovely"
    # A first word that opens many names is no short form; nor is one in lower case.
    text = "North Felpersham Hospital said no, and the North is struggling"
    assert scrubber.scrub(text) == "<ORG> said no, and the North is struggling"


def test_a_prefixed_name_ends_at_a_comma(scrubber: Scrubber) -> None:
    text = "Mind in Tawe Valley, Age UK Leeds, and others"
    assert scrubber.scrub(text) == "<ORG>, <ORG>, and others"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Three Rivers PCN and Kingsmoor PCN merge", "<ORG> and <ORG> merge"),
        ("the Five Valleys Surgery list", "the <ORG> list"),
    ],
)
def test_a_number_word_opening_a_name_is_part_of_it(
    scrubber: Scrubber, text: str, expected: str
) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize("text", ["Three PCNs have merged", "Two Trusts said no"])
def test_a_number_before_a_generic_word_stays(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Any contact at Sandbeck? Mine was brokerage@sandbeck.gov.uk",
            "Any contact at <ORG>? Mine was <EMAIL>",
        ),
        (
            "Umbrella Carers Wirral, see umbrellacarerswirral.org.uk",
            "<ORG>, see <URL>",
        ),
    ],
)
def test_words_spelling_a_bodys_own_domain_in_the_message_are_its_name(
    scrubber: Scrubber, text: str, expected: str
) -> None:
    assert scrubber.scrub(text) == expected


def test_a_national_nhs_address_does_not_make_the_country_an_organisation(
    scrubber: Scrubber,
) -> None:
    assert scrubber.scrub("see england.nhs.uk for England") == "see <URL> for England"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ask Kemi from Marsdale CVS about it", "ask <NAME> from <ORG> about it"),
        ("the frailty lead at Wigan FT said yes", "the frailty lead at <ORG> said yes"),
        (
            "we met the Ashby Bangladeshi Women's Association today",
            "we met the <ORG> today",
        ),
        ("volunteers from the Larchmoor Recovery Project came", "volunteers from the <ORG> came"),
        ("the Thornbury Healthy Living Network runs it", "the <ORG> runs it"),
        ("a session at the Holmfirth Hub Centre on friday", "a session at the <ORG> on friday"),
    ],
)
def test_local_associations_projects_networks_and_short_trust_names_are_found(
    scrubber: Scrubber, text: str, expected: str
) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "the Housing Association wrote back",
        "the Transformation Project is late",
        "see you at the Civic Centre at 10",
        "the Leadership Network meets monthly",
        "ICB, LA, VCSE, PCN, UEC - so many acronyms",
        "guidance from DHSC, NHS England and the Local Government Association",
    ],
)
def test_kinds_of_body_abbreviation_lists_and_national_bodies_stay(
    scrubber: Scrubber, text: str
) -> None:
    assert scrubber.scrub(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Healthwatch Wakefield asked for it", "<ORG> asked for it"),
        ("thanks to Carers Leeds for the session", "thanks to <ORG> for the session"),
        ("Citizens Advice Kirklees can help", "<ORG> can help"),
        ("she was discharged from Royal Oldham.", "she was discharged from <ORG>."),
        ("the Royal Cornwall lot do it well", "the <ORG> lot do it well"),
    ],
)
def test_a_place_after_a_place_prefix_makes_a_local_body(
    scrubber: Scrubber, text: str, expected: str
) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text", ["Carers Week is in June", "the Royal Mail strike", "Healthwatch matters to us"]
)
def test_a_place_prefix_before_no_place_stays(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


def test_a_listed_name_ending_in_s_loses_its_ending_too(scrubber: Scrubber) -> None:
    scrubbed = scrubber.scrub("the Sheffield Children's people are presenting")
    assert scrubbed == "the <ORG> people are presenting"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a place and the capitalised words after it
        ("I chair Barnsley Sanctuary Kitchen now", "I chair <ORG> now"),
        ("she moved to Oldham Teaching last year", "she moved to <ORG> last year"),
        ("rang Bolton Community Housing about it", "rang <ORG> about it"),
        # someone "at" capitalised words
        ("the ward manager at Hollins Brook is great", "the ward manager at <ORG> is great"),
        ("ask someone at Sahara Sisters Network", "ask someone at <ORG>"),
        # a capitalised word after a lower-case prefix
        ("she's ex-Oxleas and ex-Whipps Cross", "she's ex-<ORG> and ex-<ORG>"),
        # endings: CIC, Pharmacy, Outreach
        ("Bright Paths CIC runs the group", "<ORG> runs the group"),
        ("collect it from Moorside Pharmacy", "collect it from <ORG>"),
        ("Ferncliffe Outreach found him a bed", "<ORG> found him a bed"),
        # a local trust's abbreviation
        ("NLGFT and LTHT have signed it", "<ORG> and <ORG> have signed it"),
        # words listed beside a body found
        (
            "Barnsley Council, Pennine Rock and Orla Arts came",
            "<ORG>, <ORG> and <ORG> came",
        ),
    ],
)
def test_local_bodies_by_place_at_list_ending_and_abbreviation(
    scrubber: Scrubber, text: str, expected: str
) -> None:
    # a body that also looks like a person's name may be tagged as one: it is gone either way
    assert scrubber.scrub(text).replace("<NAME>", "<ORG>") == expected


@pytest.mark.parametrize(
    "text",
    [
        "the Leeds Plan is out",
        "we met in Bradford in March",
        "she was at Christmas lunch",
        "a contact at NHS Property Services",
        "ask the community pharmacy and the Street Outreach team",
        "the CEO, the DPH and the Chair of the ICB were there",
        "ring the manager at Parkside Surgery, Dr Khan, today",
    ],
)
def test_places_kinds_and_titles_near_these_cues_stay(scrubber: Scrubber, text: str) -> None:
    kept = text.replace("Parkside Surgery", "<ORG>").replace("Dr Khan", "<NAME>")
    assert scrubber.scrub(text) == kept
