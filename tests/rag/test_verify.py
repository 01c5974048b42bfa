"""The verifier over hand-made passages. Dateline's own logic: the 'model output' is written by the test, so every
case is exact; the real model's behaviour is tested in test_chat.py."""

from datetime import date

import pytest

from index.records import Article
from rag.compose import Passage
from rag.facts import spelling_variant
from rag.labels import ABSTENTION, DONT_KNOW, source_label
from rag.verify import read_claim, split_answer, unmentioned_facts, verify
from tests.embedding import embedder

OLD = Article(id="old.md", title="Old", outlet="Wire", published=date(2023, 10, 19), hash="1" * 64,
              text="Lavrov held talks in Pyongyang. The last such visit was in July 2000, when Putin met Kim Jong Il.")
NEW = Article(id="new.md", title="New", outlet="Post", published=date(2024, 6, 19), hash="2" * 64,
              text="Putin arrived in Pyongyang on 19 June 2024. The two leaders signed a partnership treaty.")
PASSAGES = [Passage(1, NEW, [(0, 44)], [1.0]), Passage(2, OLD, [(32, 97)], [0.9])]
# The seed's two neighbouring sentences behind the product's headline failure ("last visited ... September 2023").
SEED = Article(
    id="seed.txt", title="Putin willing to visit Pyongyang soon", outlet="Reuters", published=date(2024, 1, 21),
    hash="3" * 64,
    text=("Kremlin spokesman Dmitry Peskov said on Monday that a Putin visit would take place in the foreseeable "
          "future, but he said no date had yet been agreed. After taking over from Boris Yeltsin in 1999, Putin "
          "visited Pyongyang in July 2000 for a meeting with Kim Jong Il, the father of Kim Jong Un. The Russian "
          "president accepted Kim's invite when they met in Russia for a summit in September, Peskov said "
          "previously. The talks in Seoul ended without a deal."),
)


def whole(n: int, article: Article) -> Passage:
    """Source [n]: every word of the article, as if retrieval had shown all of it."""
    return Passage(n, article, [(0, len(article.text))], [1.0])


SEED_PASSAGES = [whole(1, SEED)]
WHEN = "When did Putin last visit Pyongyang?"


def check(answer: str, question: str, passages=SEED_PASSAGES):
    return verify(answer, passages, embedder(), question)


def test_supported_sentence_gets_the_exact_span_as_citation():
    checked = verify("Putin visited Pyongyang in June 2024 [1].", PASSAGES, embedder(), WHEN)
    assert not checked.abstained and checked.sentences[0].verified
    (citation,) = checked.citations
    assert citation.source == "new.md" and citation.text == "Putin arrived in Pyongyang on 19 June 2024."
    assert NEW.text[citation.start:citation.end] == citation.text
    assert checked.text == "Putin visited Pyongyang in June 2024 [1]."


def test_wrong_citation_is_repointed_to_the_source_that_supports_it():
    checked = verify("Putin met Kim Jong Il in July 2000 [1].", PASSAGES, embedder(), "Whom did Putin meet in 2000?")
    assert checked.sentences[0].verified and checked.citations[0].source == "old.md"
    assert "July 2000" in checked.citations[0].text


def test_claim_no_source_supports_is_flagged_and_alone_means_abstention():
    checked = verify("Putin visited Pyongyang in March 2019 [1].", PASSAGES, embedder(), WHEN)
    assert checked.abstained and not checked.citations and checked.text != ABSTENTION  # "don't clearly state"
    assert checked.sentences and not checked.sentences[0].verified


def test_mixed_answer_keeps_the_supported_sentence_and_flags_the_other():
    raw = "Putin arrived in Pyongyang on 19 June 2024 [1]. He also visited Tokyo in 2025 [2]."
    checked = verify(raw, PASSAGES, embedder(), WHEN)
    assert not checked.abstained
    assert [s.verified for s in checked.sentences] == [True, False]
    assert len(checked.citations) == 1


def test_the_reply_the_prompt_asks_for_when_sources_do_not_answer_is_an_abstention():
    checked = verify(DONT_KNOW, PASSAGES, embedder(), WHEN)
    assert checked.abstained and checked.text == ABSTENTION


def test_markers_after_the_full_stop_belong_to_their_sentence():
    assert split_answer("Putin visited in July 2000. [2] He left. [1]") == [
        ("Putin visited in July 2000.", [2]), ("He left.", [1])]


def test_a_repeated_source_label_is_not_part_of_the_claim():
    for passage in PASSAGES:  # the label exactly as the prompt writes it, dated or not
        for label in (passage.label(), source_label(passage.article.outlet, None)):
            parts = split_answer(f"{label}: Putin visited Pyongyang in July 2000 [1].")
            assert parts == [("Putin visited Pyongyang in July 2000.", [1])]


def test_the_headline_answer_is_verified_with_the_sentence_that_states_it():
    checked = check("Putin last visited Pyongyang in July 2000 [1].", WHEN)
    assert not checked.abstained and checked.sentences[0].verified
    assert "visited Pyongyang in July 2000" in checked.citations[0].text
    assert "September" not in checked.citations[0].text  # the citation is the one sentence, not its neighbour


def test_a_date_from_the_neighbouring_sentence_about_another_event_is_not_verified():
    # "September" is in the article, next to "visited Pyongyang", but it dates the summit in Russia.
    for wrong in ("Putin last visited Pyongyang in September 2023 [1].", "Putin last visited Pyongyang in 1999 [1]."):
        checked = check(wrong, WHEN)
        assert checked.abstained and not any(s.verified for s in checked.sentences), wrong


def test_a_name_from_another_clause_does_not_answer_who():
    checked = check("In July 2000, Putin met Kim Jong Un in Pyongyang [1].", "Whom did Putin meet in Pyongyang in July 2000?")
    assert checked.abstained
    assert not check("Putin met Kim Jong Il [1].", "Whom did Putin meet in Pyongyang in July 2000?").abstained


def test_a_full_name_assembled_from_two_people_is_never_verified():
    for name in ("Boris Peskov", "Dmitry Yeltsin", "Kim Jong Peskov"):
        checked = check(f"The Kremlin spokesman was {name} [1].", "Who is the Kremlin spokesman?")
        assert checked.abstained, name
    assert not check("The Kremlin spokesman was Dmitry Peskov [1].", "Who is the Kremlin spokesman?").abstained


def test_yes_or_no_must_agree_with_the_negation_in_the_source():
    question = "Had a date been agreed for Putin's visit?"
    assert check("Yes, a date had been agreed for the visit [1].", question).abstained
    assert not check("No, no date had yet been agreed for the visit [1].", question).abstained
    deal = "Did the talks in Seoul produce a deal?"
    assert check("Yes, the talks in Seoul produced a deal [1].", deal).abstained
    assert not check("No, the talks in Seoul ended without a deal [1].", deal).abstained


def test_a_true_sentence_that_does_not_give_what_was_asked_is_not_an_answer():
    checked = check("Putin visited Pyongyang for a meeting with Kim Jong Il [1].", WHEN)
    assert checked.abstained and "date" in checked.reason
    checked = check("Putin visited Pyongyang for a meeting with Kim Jong Il [1].",
                    "In which city did Putin and Kim meet for a summit in September?")
    assert checked.abstained


def test_question_names_no_article_mentions_are_reported():
    assert unmentioned_facts("What did Kim say in Beijing in 2019?", PASSAGES) == ["2019", "beijing"]
    assert unmentioned_facts("When did Putin visit Pyongyang?", PASSAGES) == []


def test_filler_sentence_is_not_verified():
    raw = "Putin arrived in Pyongyang on 19 June 2024 [1]. This information is supported by sources and [1]."
    assert [s.verified for s in verify(raw, PASSAGES, embedder(), WHEN).sentences] == [True, False]


def test_a_relative_date_in_the_article_supports_the_absolute_date_it_means():
    seed = Article(id="seed.txt", title="Seed", outlet="Reuters", published=date(2024, 1, 21), hash="3" * 64,
                   text="Kim Jong Un visited the Russian Far East last September for a summit with Putin.")
    passages = [whole(1, seed)]
    assert "last September (September 2023)" in passages[0].text  # what the model reads
    checked = verify("Kim visited the Russian Far East in September 2023 [1].", passages, embedder(),
                     "When did Kim Jong Un visit the Russian Far East?")
    assert not checked.abstained and checked.sentences[0].verified and checked.citations[0].text == seed.text


@pytest.mark.parametrize("a, b, same", [
    ("novak", "nowak", True), ("aleksandra", "alexandra", True), ("sergei", "sergey", True),
    ("il", "un", False), ("shoigu", "lavrov", False), ("peskov", "lavrov", False), ("20000", "20001", False),
    ("marsh", "march", False),
])
def test_spelling_variants_of_one_name_word_but_never_of_numbers_months_or_short_words(a, b, same):
    assert spelling_variant(a, b) is same


KELMORA = Article(id="kelmora.md", title="Novak wins Kelmora runoff", outlet="Coast Herald",
                  published=date(2025, 5, 19), hash="5" * 64,
                  text="Aleksandra Novak of the Green Harbour party won the Kelmora mayoral runoff on Sunday with "
                       "53.8% of the vote.")
KELMORA_PASSAGES = [whole(1, KELMORA)]


def test_a_name_the_question_spells_another_way_is_mentioned_and_its_answer_verified():
    question = "What share of the vote did Alexandra Nowak win in the Kelmora runoff?"
    assert unmentioned_facts(question, KELMORA_PASSAGES) == []
    checked = verify("Alexandra Nowak won 53.8% of the vote [1].", KELMORA_PASSAGES, embedder(), question)
    assert not checked.abstained and checked.sentences[0].verified
    assert unmentioned_facts("What share of the vote did Henrik Asplund win?", KELMORA_PASSAGES) == ["asplund",
                                                                                                   "henrik"]


VACCINE = Article(id="vaccine.md", title="Malaria vaccine approved for adults", outlet="Wire",
                  published=date(2026, 1, 14), hash="6" * 64,
                  text="The Palvera malaria vaccine has not been approved for children because trials in younger age "
                       "groups have not finished, the regulator said on Wednesday.")


def test_a_yes_whose_restating_clause_denies_the_question_is_read_as_no_whatever_follows_it():
    passages = [whole(1, VACCINE)]
    question = "Has the Palvera malaria vaccine been approved for children?"
    slip = "Yes, the Palvera malaria vaccine has not been approved for children because trials have not finished [1]."
    assert verify(slip, passages, embedder(), question).text.startswith("No, the Palvera malaria vaccine has not")
    right = "No, the Palvera malaria vaccine has not been approved for children because trials have not finished [1]."
    assert not verify(right, passages, embedder(), question).abstained
    wrong = "Yes, the Palvera malaria vaccine has been approved for children [1]."
    assert verify(wrong, passages, embedder(), question).abstained


# "Marsh" is one letter from "March": a surname that a month must never stand for.
FLOODS = Article(
    id="floods.md", title="Dunmore floods: state of emergency", outlet="Post", published=date(2025, 10, 6),
    hash="4" * 64,
    text=("Floods in Dunmore province have killed at least 14 people. In March 2019 the previous governor, Tomas "
          "Reyes, opened a new dam. Rivers burst their banks after two days of rain. Roads and bridges were washed "
          "away. Governor Helena Marsh declared a state of emergency across the province on Thursday evening."),
)
FLOODS_PASSAGES = [whole(1, FLOODS)]


def test_a_month_is_never_taken_for_a_spelling_of_a_surname():
    question = "Who opened a new dam in Dunmore province in March 2019?"
    right = check("In March 2019, Tomas Reyes opened a new dam [1].", question, FLOODS_PASSAGES)
    assert not right.abstained and "Tomas Reyes, opened a new dam" in right.citations[0].text
    wrong = check("In March 2019, Helena Marsh opened a new dam in Dunmore province [1].", question, FLOODS_PASSAGES)
    assert wrong.abstained and not wrong.sentences[0].verified


# Two outlets' reports of one fine, each stating its own figure: a sentence that combines them must cite both.
FINE_POST = Article(id="fine-post.md", title="Water company fined", outlet="Kelmora Post", published=date(2025, 10, 8),
                    hash="9" * 64, text="Ravelstone Water was fined 4.2 million euros on Tuesday for discharging "
                                        "sewage into the River Tane. The company said it would not appeal.")
FINE_JOURNAL = Article(id="fine-journal.md", title="Sewage penalty", outlet="Halden Business Journal",
                       published=date(2025, 10, 8), hash="a" * 64,
                       text="Ravelstone Water will pay a fine of 4.5 million euros for pumping sewage into the River "
                            "Tane, the court ruled on Tuesday. Its shares fell 2%.")
FINE_PASSAGES = [whole(1, FINE_POST), whole(2, FINE_JOURNAL)]
FINE = "What fine did Ravelstone Water receive, according to the Kelmora Post and the Halden Business Journal?"


@pytest.mark.parametrize("markers", [("", ""), (" [1]", " [2]"), ("", " [1]")])
def test_a_sentence_combining_two_sources_is_checked_part_by_part_each_citing_its_own(markers):
    first, second = markers
    raw = (f"The Kelmora Post reported a fine of 4.2 million euros{first}, while the Halden Business Journal "
           f"reported 4.5 million euros{second}.")
    checked = check(raw, FINE, FINE_PASSAGES)
    assert not checked.abstained and all(s.verified for s in checked.sentences)
    post, journal = checked.sentences
    assert [checked.citations[n - 1].source for n in post.citations + journal.citations] == [
        "fine-post.md", "fine-journal.md"]
    assert checked.text == ("The Kelmora Post reported a fine of 4.2 million euros [1], while the Halden Business "
                            "Journal reported 4.5 million euros [2].")


def test_two_sources_figures_swapped_in_one_sentence_are_not_verified():
    raw = ("The Kelmora Post reported a fine of 4.5 million euros, while the Halden Business Journal reported 4.2 "
           "million euros.")
    checked = check(raw, FINE, FINE_PASSAGES)
    assert checked.abstained and not any(s.verified for s in checked.sentences)


def test_the_question_names_may_stand_in_the_title_of_the_article_whose_sentence_answers():
    question = "Who is the governor of Dunmore province?"
    checked = check("Helena Marsh is the governor of Dunmore province [1].", question, FLOODS_PASSAGES)
    assert not checked.abstained and checked.citations[0].text.startswith("Governor Helena Marsh declared")
    assert check("Tomas Reyes is the governor of Dunmore province [1].", question, FLOODS_PASSAGES).abstained


ARMY = Article(id="army.md", title="Dunmore floods: army sent", outlet="Post", published=date(2025, 9, 15),
               hash="b" * 64, text="The national government sent 600 soldiers and four helicopters to the province "
                                   "over the weekend.")
ARMY_PASSAGES = [whole(1, ARMY)]


def test_a_count_answers_how_many_only_when_it_counts_the_thing_asked():
    question = "How many soldiers did the national government send to the province?"
    assert not check("The national government sent 600 soldiers [1].", question, ARMY_PASSAGES).abstained
    assert check("The national government sent four helicopters [1].", question, ARMY_PASSAGES).abstained


def test_what_the_answer_repeats_of_the_question_may_stand_in_the_title_except_for_yes_or_no():
    question = "How many soldiers did the national government send during the floods?"
    checked = check("During the floods the national government sent 600 soldiers [1].", question, ARMY_PASSAGES)
    assert not checked.abstained and checked.sentences[0].verified
    assert check("Yes, the national government sent soldiers during the floods [1].",
                 "Did the national government send soldiers during the floods?", ARMY_PASSAGES).abstained


TREATY = Article(id="treaty.html", title="Belmark and Tarsen sign river treaty", outlet="Gazette",
                 published=date(2025, 7, 4), hash="9" * 64,
                 text=("The foreign ministers of Belmark and Tarsen signed a treaty on sharing the Sarel River in "
                       "Lausanne on Thursday, ending a two-year dispute. Parliaments must still ratify it."))


def test_a_date_written_out_is_stated_by_the_relative_date_that_means_it():
    """'on Thursday' in a Friday 4 July 2025 article is 3 July 2025: a bare date answer shares those words with the
    span, so the span says the same thing (the weekday's date is what every other check reads too)."""
    checked = check("3 July 2025 [1].", "When was the treaty signed?", [whole(1, TREATY)])
    assert not checked.abstained and checked.sentences[0].verified
    wrong = check("4 July 2025 [1].", "When was the treaty signed?", [whole(1, TREATY)])
    assert wrong.abstained and not wrong.sentences[0].verified


@pytest.mark.parametrize("question", ["By how many days did the visit overrun?", "For how long did Putin stay?",
                                      "Until when did the talks in Pyongyang last?"])
def test_a_preposition_opening_a_question_is_not_a_name_the_articles_must_mention(question):
    assert unmentioned_facts(question, SEED_PASSAGES) == []


PROBE = Article(id="probe.md", title="Kestrel probe launched", outlet="Gazette", published=date(2026, 3, 2),
                hash="c" * 64,
                text=("The Kestrel probe, which weighs 1,140 kilograms, separated from its rocket 52 minutes after "
                      "lift-off. Its camera mirror is 40 centimetres wide and is made of 12 segments. Counting of "
                      "the mission's votes was slow."))


@pytest.mark.parametrize("question, right, wrong", [
    ("How much does the Kestrel probe weigh?", "The Kestrel probe weighs 1,140 kilograms [1].",
     "The Kestrel probe separated from its rocket 52 minutes after lift-off [1]."),
    ("How wide is the Kestrel probe's camera mirror?", "The Kestrel probe's camera mirror is 40 centimetres wide [1].",
     "The Kestrel probe's camera mirror is made of 12 segments [1]."),
])
def test_a_measuring_question_is_answered_only_by_a_number_in_a_unit_of_what_it_measures(question, right, wrong):
    assert not check(right, question, [whole(1, PROBE)]).abstained
    checked = check(wrong, question, [whole(1, PROBE)])
    assert checked.abstained and "number" in checked.reason


def test_a_capitalised_first_word_the_question_writes_as_a_common_word_is_not_a_name_answering_who():
    checked = check("Counting of the mission's votes was slow [1].", "Who is leading the count of the votes?",
                    [whole(1, PROBE)])
    assert checked.abstained and "name" in checked.reason


PORT_TALKS = Article(id="port.md", title="Kelmora port talks fail", outlet="Post", published=date(2026, 6, 3),
                     hash="d" * 64, text=("Talks between the Kelmora Port Authority and the dockworkers' union ended "
                                          "without an agreement on Tuesday, 2 June 2026, and the union called a "
                                          "strike."))


@pytest.mark.parametrize("question, answer", [
    ("Did the talks between the Kelmora Port Authority and the dockworkers' union on 2 June 2026 end in an "
     "agreement?", "Yes, the talks ended without an agreement [1]."),
    ("Did the talks in Seoul produce a deal?", "Yes, the talks in Seoul ended without a deal [1]."),
])
def test_a_yes_before_a_restatement_that_denies_the_question_is_read_and_shown_as_no(question, answer):
    """The restatement repeats what is asked (the talks, ending, an agreement), not always the names and date that
    say which talks: it is still a restatement, and its "without" denies the question, so the answer it gives is
    "No" (a small model's slip). The statement is still checked against the span, negation included."""
    passages = [whole(1, PORT_TALKS), whole(2, SEED)]
    checked = check(answer, question, passages)
    assert not checked.abstained, checked.reason
    assert checked.sentences[0].verified and checked.text.startswith("No, the talks")
    assert check(answer.replace("without", "with"), question, passages).abstained  # "Yes, ... with a deal" is not
    denied = "Had a date been agreed for Putin's visit?"                           # stated by either span
    assert check("Yes, a date had not been agreed for the visit [1].", denied).text.startswith("No, a date")


@pytest.mark.parametrize("text, says_yes", [("No one has died in the floods.", None), ("No date was set.", None),
                                            ("No, no date was set.", False), ("No.", False),
                                            ("Yes, a date was set.", True)])
def test_no_answers_only_when_punctuation_or_the_end_follows_it(text, says_yes):
    assert read_claim(text).says_yes is says_yes


OUTBREAK = Article(id="outbreak.md", title="Cholera in Port Searle", outlet="Post", published=date(2026, 2, 3),
                   hash="e" * 64, text=("Health authorities in Port Searle have recorded 112 suspected cases of "
                                        "cholera, the health minister said on Tuesday. No one has died in the "
                                        "outbreak so far."))


def test_a_statement_without_yes_or_no_answers_a_yes_no_question_only_if_it_restates_what_is_asked():
    question = "Had anyone died in the Port Searle cholera outbreak?"
    checked = check("Health authorities in Port Searle had recorded 112 suspected cases of cholera [1].", question,
                    [whole(1, OUTBREAK)])
    assert checked.abstained and "yes or no" in checked.reason
    assert not check("No, no one had died in the outbreak [1].", question, [whole(1, OUTBREAK)]).abstained


KCNA = Article(id="kcna.md", title="North Korea ready to receive Putin", outlet="Wire", published=date(2024, 1, 21),
               hash="f" * 64, text=('North Korea said it is "ready to receive" Russian President Vladimir Putin, the '
                                    "official KCNA news agency reported on Sunday."))


def test_a_name_describing_the_person_the_question_names_is_not_an_answer():
    """"Russian" in "Russian President Vladimir Putin" describes Putin; it names no news agency."""
    question = "Which news agency reported that North Korea is ready to receive Putin?"
    checked = check("North Korea said it is ready to receive Russian President Vladimir Putin [1].", question,
                    [whole(1, KCNA)])
    assert checked.abstained and "name" in checked.reason
    assert not check("KCNA reported that North Korea is ready to receive Putin [1].", question,
                     [whole(1, KCNA)]).abstained


ENVOYS = Article(id="envoys.md", title="US envoy on North Korea", outlet="Wire", published=date(2024, 1, 18),
                 hash="0" * 64, text=("Pyongyang's transfer of ballistic missiles and other weapons to Russia for "
                                      "use against Ukraine and its continued development of nuclear and ballistic "
                                      "missile programmes demand attention and coordinated action, Jung Pak, US "
                                      "senior official for North Korea, said at a meeting with the nuclear envoys of "
                                      "South Korea and Japan in Seoul on Thursday."))


def test_asked_where_the_place_must_be_named_as_a_place_in_the_cited_sentence():
    question = "Where did Jung Pak meet the nuclear envoys of South Korea and Japan?"
    assert check("Jung Pak met the nuclear envoys of South Korea and Japan in Pyongyang [1].", question,
                 [whole(1, ENVOYS)]).abstained
    assert not check("Jung Pak met the nuclear envoys of South Korea and Japan in Seoul [1].", question,
                     [whole(1, ENVOYS)]).abstained


SAME_EVENT_WORDS = Article(id="final.md", title="Stannard win the title", outlet="Post", published=date(2026, 5, 11),
                        hash="9" * 64, text=("Stannard United won the title on the final day. Kestrel is due to reach "
                                             "Ondine in May 2026. Captain Lukas Brandt scored the winner from a free "
                                             "kick in the 89th minute. Putin arrived in the Vietnamese capital "
                                             "on 19 June 2024, flying in directly from North Korea. Northgate "
                                             "City signed Jonah Abara from Ashcombe Rovers for a fee of 9.5 "
                                             "million euros. Halden Energy sold its wind farm to Veldt Capital "
                                             "for 300 million euros."))


@pytest.mark.parametrize("question, answer", [
    ("When is the Kestrel probe expected to arrive at the asteroid Ondine?",
     "Kestrel is expected to reach Ondine in May 2026 [1]."),
    ("Who scored Stannard United's winning goal on the final day?",
     "Captain Lukas Brandt scored Stannard's winner from a free kick in the 89th minute [1]."),
    ("After North Korea, which country did Putin visit in June 2024?", "After North Korea, Putin went to Vietnam [1]."),
    ("How much did Northgate City pay Ashcombe Rovers for Jonah Abara?",
     "Northgate City paid Ashcombe Rovers 9.5 million euros for Jonah Abara [1]."),
    ("How much did Veldt Capital pay Halden Energy?", "Veldt Capital paid 300 million euros [1]."),
])
def test_words_news_writes_for_the_same_event_bind_the_answer_to_the_question(question, answer):
    """"due to" is "expected to", "the winner" is "the winning goal", "went to" a visit, a fee or a sale price is what
    is paid (index/lexicon.py SYNONYMS)."""
    assert not check(answer, question, [whole(1, SAME_EVENT_WORDS)]).abstained


BOARD = Article(id="board.md", title="Marlow & Finch rejects approach from Castellan", outlet="Journal",
                published=date(2025, 9, 2), hash="6" * 64,
                text=("The board said the proposal from the retail group Castellan Group undervalued the company. "
                      "Chair Beatrix Holm said the board was not in the business of selling the company cheaply."))


def test_asked_who_the_person_named_beside_the_role_asked_holds_it():
    """The role stands beside the name ("Chair Beatrix Holm"), the company only in the title."""
    question = "Who chairs Marlow & Finch?"
    assert not check("Beatrix Holm chairs Marlow & Finch [1].", question, [whole(1, BOARD)]).abstained
    assert check("Castellan Group chairs Marlow & Finch [1].", question, [whole(1, BOARD)]).abstained


FIRE = Article(id="fire.md", title="Sixteen treated in hospital after blaze at Corvane paint works", outlet="Herald",
               published=date(2026, 3, 3), hash="a" * 64,
               text=("Sixteen people were treated in hospital after a fire destroyed much of the Corvane Coatings paint "
                     "factory in Wexley. Corvane Coatings will pay a fine of 40,000 euros for storing solvents in the "
                     "yard. Forty firefighters fought the blaze."))


@pytest.mark.parametrize("question, right, wrong", [
    ("How many people were taken to hospital after the fire at the Corvane Coatings factory?",
     "Sixteen people were taken to hospital after the fire at the Corvane Coatings factory [1].",
     "Forty people were taken to hospital after the fire at the Corvane Coatings factory [1]."),
    ("What fine did Corvane Coatings receive for storing solvents?",
     "Corvane Coatings received a fine of 40,000 euros for storing solvents [1].",
     "Corvane Coatings received a fine of 16 euros for storing solvents [1]."),
])
def test_an_answer_repeating_a_light_verb_of_the_question_is_not_held_to_it(question, right, wrong):
    """"taken to hospital" is restated by "treated in hospital", "received a fine" by "will pay a fine": receive, get,
    give and take say little of their own (index/lexicon.py LIGHT_VERBS). The number must still be the source's."""
    assert not check(right, question, [whole(1, FIRE)]).abstained
    assert check(wrong, question, [whole(1, FIRE)]).abstained


MAYOR = Article(id="quake.md", title="Earthquake kills 41 in mountain town of Serrat", outlet="Continental Observer",
                published=date(2026, 5, 20), hash="b" * 64,
                text=("Rescue teams led by Captain Nils Orhan searched the old quarter overnight. \"Whole streets are "
                      "gone,\" said the town's mayor, Aidin Sollak."))


@pytest.mark.parametrize("question, answer", [
    ("What is the name of the mayor of Serrat?", "Aidin Sollak [1]."),
    ("How does the Continental Observer spell the name of Serrat's mayor?",
     "The Continental Observer spells the name of Serrat's mayor as Aidin Sollak [1]."),
])
def test_asked_for_the_name_of_a_role_the_person_named_beside_it_holds_it(question, answer):
    """"the name of the mayor" asks who the mayor is; an answer framed as the outlet's spelling ("The Continental
    Observer spells ... as") is held to what it states, not to its frame. Another person in the article is not it."""
    assert not check(answer, question, [whole(1, MAYOR)]).abstained
    assert check(answer.replace("Aidin Sollak", "Nils Orhan"), question, [whole(1, MAYOR)]).abstained
