"""The free-form coaching turn as a leader meets it: listen, reflect, one fitting idea, one
question; feeling first; who is speaking; what Anchor does not do; memory and depth."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.coach.engine import Coach
from bot.coach.plan import STOCK_OPENERS, first_sentence, picks_up
from bot.coach.reflect import listen, second_person
from bot.coach.scope import other_language
from bot.config import Settings
from bot.content.turns import TurnWords, load_turn_words
from bot.knowledge.seats import Seat, fits_seat

PROMPTS = Path(__file__).resolve().parents[2] / "prompts"


@pytest.fixture(scope="module")
def words() -> TurnWords:
    return load_turn_words(PROMPTS)


@pytest.fixture
def coach(settings: Settings) -> Coach:
    return Coach.from_settings(settings)


def body(text: str) -> str:
    return text.split("\n\nSources: ")[0]


@pytest.mark.parametrize(
    ("said", "second"),
    [
        ("we've let them down before", "you've let them down before"),
        ("and I was the one who signed it off", "and you were the one who signed it off"),
        ("our board and my deputy", "your board and your deputy"),
    ],
)
def test_first_person_turns_to_second(said: str, second: str) -> None:
    assert second_person(said) == second


@pytest.mark.parametrize(
    ("message", "clause"),
    [
        (
            "How do I get the council to trust us when we've let them down before?",
            "how you get the council to trust you when you've let them down before",
        ),
        ("Should I challenge the chair in public?", "whether to challenge the chair in public"),
        ("Why does the ICB keep ignoring primary care?", "why the ICB keeps ignoring primary care"),
        ("Any advice on working with elected members?", "working with elected members"),
        (
            "The trust chief executive keeps blocking our shared bed plan.",
            "the trust chief executive keeps blocking your shared bed plan",
        ),
        (
            "Decision's made. But the midwives are devastated and honestly so am I.",
            "the midwives are devastated and honestly so are you",
        ),
        (
            "Came across from local govt, started at the ICB last month.",
            "you came across from local govt, started at the ICB last month",
        ),
        (
            "been doing 70 hr weeks since october on top of the day job.",
            "you've been doing 70 hr weeks since october on top of the day job",
        ),
        (
            "Right, so the council pulled out of the pooled budget.",
            "the council pulled out of the pooled budget",
        ),
        # an apology, a preamble or a label frames the message: the situation is reflected
        (
            "Sorry my English not so good. The ICB meetings go very fast and I feel left out.",
            "the ICB meetings go very fast and you feel left out",
        ),
        (
            "Bit of an odd one. The old chair who bullied me now sits on our ICP.",
            "the old chair who bullied you now sits on your ICP",
        ),
        (
            "Wales context: our regional partnership board meets again on Friday.",
            "your regional partnership board meets again on Friday",
        ),
        (
            "sorry to bother you, the council have halved our grant.",
            "the council have halved your grant",
        ),
        ("Quick one - how do I chair a tense board?", "how you chair a tense board"),
        (
            "I'm so tired. Not the kind a weekend fixes. Our hospice board wants more every month.",
            "your hospice board wants more every month",
        ),
    ],
)
def test_the_leaders_words_are_reflected_grammatically(
    message: str, clause: str, words: TurnWords
) -> None:
    assert listen(message, words).clause == clause


@pytest.mark.parametrize("message", ["budget cuts", "fix my wifi", "printer jammed again"])
def test_a_message_of_a_few_words_is_quoted_as_written_not_made_a_clause(
    coach: Coach, user: str, message: str
) -> None:
    opening = first_sentence(coach.respond(user, message).reply)
    assert f'"{message}"' in opening  # not "So budget cuts." or "So fix your wifi."


def test_a_reply_opens_on_the_leaders_own_words_not_a_stock_phrase(coach: Coach, user: str) -> None:
    message = "Our place board keeps deferring the decision on the joint discharge team."
    reply = coach.respond(user, message)
    assert picks_up(message, reply.reply)
    assert "your place board keeps deferring" in first_sentence(reply.reply).lower()
    assert not reply.reply.lower().startswith(STOCK_OPENERS)
    assert body(reply.reply).count("?") == 1 and body(reply.reply).endswith("?")
    assert len(reply.citations) == 1  # one idea, from one card


def test_strong_feeling_is_met_before_any_idea(coach: Coach, user: str) -> None:
    first = coach.respond(
        user, "One of the senior midwives cried in the meeting and said we'd betrayed the town."
    )
    assert not first.citations
    assert "midwives cried" in first.reply
    assert body(first.reply).count("?") == 1
    second = coach.respond(user, "I felt awful afterwards.")
    assert not second.citations
    assert "awful" in second.reply.lower()
    assert not re.search(r"\b\d\.", second.reply)  # no numbered decision rules


@pytest.mark.parametrize(
    "message",
    [
        "I'm furious. the council leaked our bed plan to the press before we'd told staff. "
        "I need to not show it at tomorrow's board",
        "Gutted. we closed the birth centre last week. so why does it feel like the team "
        "blame me more than the decision",
    ],
)
def test_a_strong_feeling_that_asks_gets_one_idea_after_the_feeling(
    coach: Coach, user: str, message: str
) -> None:
    reply = coach.respond(user, message)
    # a need or a question asks for an idea: one card's, with at most a second card's question
    assert 1 <= len(reply.citations) <= 2
    assert body(reply.reply).count("?") == 1
    assert len(reply.citations) == 1 or body(reply.reply).endswith("? [2]")


@pytest.mark.parametrize(
    "message",
    [
        "What's the weather in Leeds tomorrow?",
        "Can you write me a Python script to merge two spreadsheets?",
        "How do I fill in my self-assessment tax return?",
        "Who won the football last night?",
        "Find me cheap flights to Lisbon",
        "Have you got a recipe for lasagne?",
        "patient of mine is on ramipril 10mg, should I increase the dose?",
        "can I switch a patient from 20mg simvastatin to atorvastatin?",
        "¿Puedes ayudarme con mi equipo de trabajo por favor?",
        "Sut mae, dw i eisiau siarad am fy nhîm yn y gwaith",
        "Jaka będzie pogoda w Krakowie w ten weekend?",
        "Você pode me ajudar com uma reunião difícil amanhã?",
        "Kannst du mir bitte bei einer schwierigen Besprechung helfen?",
        "کیا آپ میری ٹیم کے بارے میں بات کر سکتے ہیں؟",
        "Как подготовиться к трудному разговору с начальником?",
        "cheapest way to get from Manchester to Porto over half term with the kids",
        "which laptop should I buy for my son starting college",
        # requests dressed as work: a writing, summarising, sums, IT, clinical or errand service
        "draft a press release about the new diagnostic centre opening, 250 words",
        "summarise the attached strategy document in five bullets for the exec",
        "what's the percentage change from 820 to 945 referrals across the ICB?",
        "how do I add conditional formatting to the bed state spreadsheet",
        "resident in one of our care homes has a leg ulcer, what dressing should the nurses use",
        "next train from York to Leeds before 9 please, system board at 10",
        "give me ten quiz questions on NHS history for the team social",
        "under clause 11.4 of our section 75 with the council, can the ICB terminate early "
        "without a penalty?",
        "translate this letter to a family into Polish please",
    ],
)
def test_out_of_scope_requests_cite_nothing_and_say_what_anchor_does(
    coach: Coach, user: str, message: str
) -> None:
    reply = coach.respond(user, message)
    assert not reply.citations
    assert "outside what I do" in reply.reply
    assert "English" in reply.reply and "I can help you" in reply.reply


@pytest.mark.parametrize(
    "message",
    [
        "my teams keep telling me they feel unheard since the merger, how do I rebuild trust",
        "the Power BI dashboard says one thing and my ward sisters say another. how do I lead "
        "when the data and their experience disagree?",
        "I need to do the agenda differently so the partners feel they own the board",
        "thinking of a team quiz to bring the new integrated team together. is that naff?",
        "help me think about what to say in my speech to the partnership board about the cuts",
        "how do we translate the board's strategy into something ward teams can act on?",
        "the section 75 partners keep arguing over clause 7 and the pooled budget. how do I get "
        "them talking about interests rather than positions?",
        "the partners keep saying clause 4 means we're not allowed to share staff. how do I get "
        "them past that?",
        "the council's lawyer says under clause 9 they're liable for any overspend and now nobody "
        "will commit",
        "how do I translate what the board decided for my ward managers?",
        "what should I prescribe my team for burnout, ha",
        "what's the diagnosis here: is our partnership failing over trust or over money?",
    ],
)
def test_leadership_questions_in_the_words_of_declined_topics_are_coached(
    coach: Coach, user: str, message: str
) -> None:
    assert "outside what I do" not in coach.respond(user, message).reply


@pytest.mark.parametrize(
    "message",
    [
        "i wanna scream tbh, pcn mtg ran 2hrs ovr",
        "slef doubt again b4 the ICB board, nite nite",
        "Adaeze Okonkwo-Bell and Wojciech Zieliński are co-chairs now",
        "ok ta",
        "the new ICB CEO is from Kraków, lovely person, tough on CIP",
    ],
)
def test_english_with_slang_typos_or_foreign_names_is_not_read_as_another_language(
    words: TurnWords, message: str
) -> None:
    assert other_language(message, words) is False


def test_a_request_for_a_clinical_answer_is_redirected_once_and_cites_nothing(
    coach: Coach, user: str
) -> None:
    reply = coach.respond(
        user,
        "man in his sixties on the ward, short of breath with swollen legs: what should I "
        "prescribe?",
    )
    assert not reply.citations
    assert reply.reply.startswith("That's a clinical question")
    assert "help with the leadership side" in reply.reply
    # the redirect says it is not Anchor's to answer; the decline does not say it again
    assert "outside what I do" not in reply.reply
    assert reply.reply.rstrip().endswith("?")


def test_a_clinical_question_about_a_patient_at_work_is_still_coaching(
    coach: Coach, user: str
) -> None:
    reply = coach.respond(
        user, "a patient with dementia waited 14 hours in ED; should I escalate it?"
    )
    assert "outside what I do" not in reply.reply


def test_nothing_fitting_is_said_plainly_rather_than_quoting_the_nearest_card(
    coach: Coach, user: str
) -> None:
    reply = coach.respond(user, "what time does the pharmacy on the high street open")
    assert not reply.citations
    assert "I work in English" in reply.reply


def test_a_council_director_never_hears_a_line_aimed_at_another_seat(
    coach: Coach, user: str
) -> None:
    coach.respond(user, "I'm the director of adult social care in a county council.")
    said: list[str] = []
    for message in (
        "Who actually has authority over whom in our integrated care system?",
        "tell me more",
        "How do I stop the NHS setting the agenda at the partnership board?",
        "tell me more",
    ):
        said.append(coach.respond(user, message).reply)
    council = Seat(sector="council", role="director_adult_social_care")
    for units in coach.composer.bank.units.values():
        for unit in units:
            if not fits_seat(unit.suits, unit.not_for, council):
                assert all(unit.text not in reply for reply in said), unit.text


def test_the_first_thing_asked_is_remembered(coach: Coach, user: str) -> None:
    coach.respond(user, "How do I get the council to trust us when we've let them down before?")
    coach.respond(user, "The ICB wants savings from every partner this winter.")
    reply = coach.respond(user, "What was the first thing I asked you about?")
    assert "how you get the council to trust you" in reply.reply
    assert not reply.citations


def test_i_already_told_you_is_answered_from_the_conversation(coach: Coach, user: str) -> None:
    coach.respond(user, "We want to offer our community beds to the shared pool.")
    reply = coach.respond(user, "I already told you we're offering the beds, not closing them.")
    assert "offer your community beds to the shared pool" in reply.reply


def test_tell_me_more_goes_deeper_and_never_repeats(coach: Coach, user: str) -> None:
    replies = [coach.respond(user, "Partners agree in the meeting and then do nothing afterwards.")]
    replies += [coach.respond(user, "tell me more") for _ in range(3)]
    assert replies[1].citations  # deeper after one reply, not "we've covered it"
    sentences: list[str] = []
    for reply in replies:
        assert "covered the main points" not in reply.reply
        for sentence in re.split(r"(?<=[.?!])\s+", body(reply.reply)):
            if len(sentence.split()) > 4:
                assert sentence not in sentences
                sentences.append(sentence)


@pytest.mark.parametrize(
    "follow_up",
    [
        "can you give me an example?",
        "could you recommend a good book on this?",
        "what should I say to him on Monday?",
        "what time works best for that chat?",
    ],
)
def test_a_follow_up_in_a_conversation_is_never_declined_as_out_of_scope(
    coach: Coach, user: str, follow_up: str
) -> None:
    coach.respond(user, "How do I win back the council's trust after we pulled out of the bid?")
    assert "outside what I do" not in coach.respond(user, follow_up).reply


def test_asking_for_an_example_goes_deeper_into_the_topic(coach: Coach, user: str) -> None:
    first = coach.respond(user, "Partners agree in the meeting and then do nothing afterwards.")
    example = coach.respond(user, "could you give me a concrete example?")
    assert example.citations
    assert body(example.reply) != body(first.reply)


def test_what_anchor_can_do_is_said_once_when_nothing_fits_twice(
    coach: Coach, user: str, words: TurnWords
) -> None:
    coach.respond(user, "How do I win back the council's trust after we pulled out of the bid?")
    replies = [
        coach.respond(user, "could you recommend a good book on this?").reply,
        coach.respond(user, "what should I say to her on Monday?").reply,
    ]
    assert sum(words.offer in reply for reply in replies) <= 1


def test_an_off_topic_request_in_a_conversation_is_still_declined(coach: Coach, user: str) -> None:
    coach.respond(user, "How do I win back the council's trust after we pulled out of the bid?")
    assert "outside what I do" in coach.respond(user, "can you book me a train to Leeds").reply


def test_openings_do_not_repeat_a_frame_within_a_conversation(coach: Coach, user: str) -> None:
    messages = [
        "The finance director says our joint budget is not real money.",
        "Our GP colleagues feel the acute trust always gets its way.",
        "The council leader has gone quiet on the prevention plan.",
        "My deputy wants to take over the system meetings.",
        "The voluntary sector partners say they are only asked to sign things off.",
        "Our board wants results from the place partnership within six months.",
    ]
    frames = []
    for message in messages:
        opening = first_sentence(coach.respond(user, message).reply)
        frames.append(" ".join(opening.split()[:2]))
    assert len(set(frames)) == len(frames), frames


@pytest.mark.parametrize(
    ("message", "card"),
    [
        (
            "our consultants won't give up an afternoon for the system frailty work, they say "
            "it's for managers",
            "engaging-clinicians",
        ),
        (
            "I always fold to keep the peace with the acute trust and then stew for weeks",
            "thomas-kilmann-modes",
        ),
    ],
)
def test_a_situation_told_in_other_words_than_the_card_still_gets_its_idea(
    coach: Coach, user: str, message: str, card: str
) -> None:
    # few of these words are the card's own: the card classifier, trained on how leaders ask,
    # finds it, and a card it and search agree on is quoted without the word-overlap floor
    reply = coach.respond(user, message)
    assert [c.card_id for c in reply.citations] == [card]
    assert "notes" not in reply.reply.split("\n\n")[1]


def test_a_closing_question_from_a_second_card_is_marked_and_cited(coach: Coach, user: str) -> None:
    # the idea comes from one card; the question that fits best is another's: the
    # reply cites both, best first, and marks the question as the second card's
    reply = coach.respond(
        user,
        "everyone nodded through the strategy at the away day but 3 months later nobody's work"
        " joins up. what's missing",
    )
    cited = [c.card_id for c in reply.citations]
    assert len(cited) == 2
    paragraphs = body(reply.reply).split("\n\n")
    assert paragraphs[-2].endswith("[1]") or "[1] " in paragraphs[-2]
    question = paragraphs[-1]
    assert question.endswith("? [2]")
    second = coach.retriever.cards[cited[1]]
    assert question.removesuffix(" [2]") in second.meta.reflection_questions


def test_every_card_cited_is_used_in_the_reply(coach: Coach, user: str) -> None:
    for n, message in enumerate(
        [
            "the finance directors agreed the shared savings plan in the room and then two of"
            " them told their boards it was never agreed",
            "our place board chair lets the acute trust talk for forty minutes and the voluntary"
            " sector reps have stopped coming",
        ]
    ):
        reply = coach.respond(f"{user}-{n}", message)
        marks = set(re.findall(r"\[(\d)\]", body(reply.reply)))
        assert marks == {str(i + 1) for i in range(len(reply.citations))}


def test_an_example_comes_from_the_practical_part_of_the_card_just_quoted(
    coach: Coach, user: str
) -> None:
    first = coach.respond(
        user, "Our trust and the council keep agreeing plans and nothing changes."
    )
    card = first.citations[0].card_id
    example = coach.respond(user, "could you give me an example of that?")
    assert [c.card_id for c in example.citations][:1] == [card]
    practical = coach.composer.templates.followups.practical_compiled
    quoted = [c for c in coach.composer.bank.units[card] if c.text in body(example.reply)]
    assert quoted and all(any(p.match(u.section) for p in practical) for u in quoted)
