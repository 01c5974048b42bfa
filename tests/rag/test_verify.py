"""The verifier over hand-made passages (deterministic: the 'model output' is written by the test)."""

from datetime import date

from index.records import Article
from rag.compose import Passage
from rag.records import AnswerSentence
from rag.verify import ABSTENTION, key_facts, missing_answer_kind, split_answer, unmentioned_facts, verify

OLD = Article(id="old.md", title="Old", outlet="Wire", published=date(2023, 10, 19), hash="1" * 64,
              text="Lavrov held talks in Pyongyang. The last such visit was in July 2000, when Putin met Kim Jong Il.")
NEW = Article(id="new.md", title="New", outlet="Post", published=date(2024, 6, 19), hash="2" * 64,
              text="Putin arrived in Pyongyang on 19 June 2024. The two leaders signed a partnership treaty.")
PASSAGES = [Passage(1, NEW, [(0, 44)], [1.0]), Passage(2, OLD, [(32, 97)], [0.9])]
MODEL = "all-MiniLM-L6-v2"


def test_supported_sentence_gets_the_exact_span_as_citation():
    text, sentences, citations, abstained = verify("Putin visited Pyongyang in June 2024 [1].", PASSAGES, MODEL)
    assert not abstained and sentences[0].verified
    (citation,) = citations
    assert citation.source == "new.md" and citation.text == "Putin arrived in Pyongyang on 19 June 2024."
    assert NEW.text[citation.start:citation.end] == citation.text
    assert text == "Putin visited Pyongyang in June 2024 [1]."


def test_wrong_citation_is_repointed_to_the_source_that_supports_it():
    text, sentences, citations, _ = verify("Putin met Kim Jong Il in July 2000 [1].", PASSAGES, MODEL)
    assert sentences[0].verified and citations[0].source == "old.md"
    assert "July 2000" in citations[0].text


def test_claim_no_source_supports_is_flagged_and_alone_means_abstention():
    text, sentences, citations, abstained = verify("Putin visited Pyongyang in March 2019 [1].", PASSAGES, MODEL)
    assert abstained and text == ABSTENTION and not citations
    assert sentences and not sentences[0].verified


def test_mixed_answer_keeps_the_supported_sentence_and_flags_the_other():
    raw = "Putin arrived in Pyongyang on 19 June 2024 [1]. He also visited Tokyo in 2025 [2]."
    text, sentences, citations, abstained = verify(raw, PASSAGES, MODEL)
    assert not abstained
    assert [s.verified for s in sentences] == [True, False]
    assert len(citations) == 1 and "Tokyo" not in text.split("[1]")[0]


def test_dont_know_is_an_abstention():
    assert verify("I don't know.", PASSAGES, MODEL)[3] is True


def test_markers_after_the_full_stop_belong_to_their_sentence():
    assert split_answer("Putin visited in July 2000. [2] He left. [1]") == [
        ("Putin visited in July 2000.", [2]), ("He left.", [1])]


def test_key_facts_surnames_numbers_and_months_are_specific_first_names_context():
    facts = key_facts("The Russian leader Vladimir Putin visited Pyongyang in July 2000.")
    assert facts.specific == {"russian", "putin", "pyongyang", "jul", "2000"}
    assert facts.context == {"vladimir"}
    assert key_facts("Kim Jong Il met Russia's leader.").specific == {"il", "russia"}


def test_a_plural_or_a_first_name_elsewhere_in_the_article_does_not_block_support():
    text = ("Vladimir Putin arrived on 19 July 2000. Neither leader had come before. "
            "Putin, who succeeded Boris Yeltsin at the end of 1999, held talks with Kim Jong Il over the stay.")
    article = Article(id="x.md", title="Visit", outlet="Post", published=date(2000, 7, 20), hash="4" * 64, text=text)
    passages = [Passage(1, article, [(0, len(text))], [1.0])]
    _, sentences, citations, abstained = verify("Vladimir Putin succeeded Boris Yeltsin [1].", passages, MODEL)
    assert not abstained and citations[0].text.startswith("Putin, who succeeded Boris Yeltsin")


def test_the_cited_span_holds_every_fact_of_the_claim():
    text = ("Lavrov wants closer ties with Pyongyang. Peskov said an invitation stood. Talks went on. "
            "Officials met twice. Putin has not been to North Korea since July 2000.")
    article = Article(id="moscow.md", title="Moscow", outlet="Times", published=date(2024, 1, 17), hash="3" * 64,
                      text=text)
    passages = [Passage(1, article, [(0, len(text))], [1.0])]
    claim = "Putin last visited Pyongyang in July 2000 [1]."
    # "Pyongyang" and "July 2000" sit four sentences apart: no span of three holds both, so nothing may be cited.
    assert verify(claim, passages, MODEL)[3] is True
    adjacent = article.model_copy(update={"text": text.replace("Peskov said an invitation stood. Talks went on. "
                                                               "Officials met twice. ", "")})
    passages = [Passage(1, adjacent, [(0, len(adjacent.text))], [1.0])]
    _, _, citations, abstained = verify(claim, passages, MODEL)
    assert not abstained
    assert citations[0].text == adjacent.text  # both sentences, because the claim needs both


def test_question_names_no_article_mentions_are_reported():
    assert unmentioned_facts("What did Kim say in Beijing in 2019?", PASSAGES) == [
        "2019", "beijing"]
    assert unmentioned_facts("When did Putin visit Pyongyang?", PASSAGES) == []


def test_filler_sentence_is_not_verified_and_the_outlet_label_counts_as_source_fact():
    raw = "Putin arrived in Pyongyang on 19 June 2024 [1]. This information is supported by sources and [1]."
    _, sentences, _, _ = verify(raw, PASSAGES, MODEL)
    assert [s.verified for s in sentences] == [True, False]
    _, sentences, _, _ = verify("Post reported that Putin arrived in Pyongyang on 19 June 2024 [1].", PASSAGES, MODEL)
    assert sentences[0].verified


def test_a_cited_sentence_that_gives_no_number_or_date_does_not_answer_how_many_or_when():
    quoted = [AnswerSentence(text="North Korea is ready to welcome Putin.", citations=[1], verified=True)]
    assert missing_answer_kind("How many people live in Pyongyang?", quoted) == "number"
    assert missing_answer_kind("When did Putin last visit Pyongyang?", quoted) == "date"
    assert missing_answer_kind("Who welcomed Putin?", quoted) is None
    dated = [AnswerSentence(text="He visited in July 2000.", citations=[1], verified=True)]
    assert missing_answer_kind("When did Putin visit?", dated) is None
    counted = [AnswerSentence(text="About three million people live there.", citations=[1], verified=True)]
    assert missing_answer_kind("How many people live in Pyongyang?", counted) is None


def test_a_repeated_source_label_is_not_part_of_the_claim():
    parts = split_answer("Reuters, published 21 January 2024: Putin visited Pyongyang in July 2000 [1].")
    assert parts == [("Putin visited Pyongyang in July 2000.", [1])]


def test_a_relative_date_in_the_article_supports_the_absolute_date_it_means():
    seed = Article(id="seed.txt", title="Seed", outlet="Reuters", published=date(2024, 1, 21), hash="3" * 64,
                   text="Kim Jong Un visited the Russian Far East last September for a summit with Putin.")
    passages = [Passage(1, seed, [(0, len(seed.text))], [1.0])]
    assert "last September (September 2023)" in passages[0].text  # what the model reads
    _, sentences, citations, abstained = verify("Kim visited the Russian Far East in September 2023 [1].",
                                                passages, MODEL)
    assert not abstained and sentences[0].verified and citations[0].text == seed.text
