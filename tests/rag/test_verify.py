"""The verifier over hand-made passages (deterministic: the 'model output' is written by the test)."""

from datetime import date

from index.records import Article
from rag.compose import Passage
from rag.verify import ABSTENTION, key_facts, split_answer, verify

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


def test_key_facts_are_names_numbers_and_months():
    assert key_facts("The Russian leader visited Pyongyang in July 2000.") == {"russian", "pyongyang", "jul", "2000"}


def test_the_cited_span_holds_every_fact_of_the_claim():
    text = ("Lavrov wants closer ties with Pyongyang. Peskov said an invitation stood. "
            "Putin has not been to North Korea since July 2000.")
    article = Article(id="moscow.md", title="Moscow", outlet="Times", published=date(2024, 1, 17), hash="3" * 64,
                      text=text)
    passages = [Passage(1, article, [(0, len(text))], [1.0])]
    claim = "Putin last visited Pyongyang in July 2000 [1]."
    # "Pyongyang" and "July 2000" sit two sentences apart: no span holds both, so nothing may be cited.
    assert verify(claim, passages, MODEL)[3] is True
    adjacent = article.model_copy(update={"text": text.replace("Peskov said an invitation stood. ", "")})
    passages = [Passage(1, adjacent, [(0, len(adjacent.text))], [1.0])]
    _, _, citations, abstained = verify(claim, passages, MODEL)
    assert not abstained
    assert citations[0].text == adjacent.text  # both sentences, because the claim needs both
