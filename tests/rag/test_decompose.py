"""A question asked in parts (rag/decompose.py): how a question is split, how the parts' checked answers are joined,
and, over a real store (real Chroma, real embeddings) of the conflict corpus (tests/conflict_corpus.py), that each
part is answered from its own outlet's articles and checked on its own. The answers come from the scripted LLM (not a
model): these tests are about Dateline's own logic."""

import pytest

from index.records import Article
from rag.chat import ask
from rag.decompose import Part, join_parts, parts_of
from rag.labels import ABSTENTION, NOT_STATED
from rag.records import AnswerSentence, Citation
from rag.verify import Verified
from tests.conflict_corpus import write_corpus
from tests.conftest import ingested_index

OUTLETS = ["Coastline Herald", "Continental Observer", "Kelmora Post", "Halden Business Journal", "Post"]


@pytest.mark.parametrize("question, parts", [
    ("What death tolls did the Coastline Herald and the Continental Observer report for the Serrat earthquake?",
     [Part("What death tolls did the Coastline Herald report for the Serrat earthquake?", "Coastline Herald"),
      Part("What death tolls did the Continental Observer report for the Serrat earthquake?",
           "Continental Observer")]),
    ("What fine did Ravelstone receive, according to the Kelmora Post and the Halden Business Journal?",
     [Part("What fine did Ravelstone receive, according to the Kelmora Post?", "Kelmora Post"),
      Part("What fine did Ravelstone receive, according to the Halden Business Journal?",
           "Halden Business Journal")]),
    ("How do the Coastline Herald and the Continental Observer each spell the mayor's name?",
     [Part("How does the Coastline Herald spell the mayor's name?", "Coastline Herald"),
      Part("How does the Continental Observer spell the mayor's name?", "Continental Observer")]),
    ("How many cases had Cawley recorded by 17 February 2026, and how many by 12 March 2026?",
     [Part("How many cases had Cawley recorded by 17 February 2026?"),
      Part("How many cases had Cawley recorded by 12 March 2026?")]),
    ("What was the share price on the day it rejected the approach and on the day it agreed to the offer?",
     [Part("What was the share price on the day it rejected the approach?"),
      Part("What was the share price on the day it agreed to the offer?")]),
])
def test_a_question_asking_one_fact_several_times_is_split_into_one_question_per_part(question, parts):
    assert parts_of(question, OUTLETS) == parts


@pytest.mark.parametrize("question", [
    "When did Putin last visit Pyongyang?",
    "Did the Kelmora Post confirm what the Halden Business Journal reported?",  # two outlets, named apart
    "What did the Kelmora Post report about the fine?",  # one outlet
    "How many days after signing the treaty in Pyongyang did Putin hold talks in Hanoi?",  # one "in", one "and"-less
    "Who met Kim and Putin in Pyongyang?",
])
def test_a_question_asking_one_fact_once_is_one_part(question):
    assert parts_of(question, OUTLETS) == [Part(question)]


def _article(name: str) -> Article:
    return Article(id=name, title=name, text=f"{name} says 41 people died.")


def _checked(source: str, text: str) -> Verified:
    citation = Citation.of_span(1, _article(source), 0, 10)
    return Verified(f"{text} [1].", [AnswerSentence(text=text, citations=[1], verified=True)], [citation], False)


def test_joined_parts_keep_each_sentence_with_its_own_source_numbered_on():
    joined = join_parts([_checked("a.md", "A says 41"), _checked("b.md", "B says 47"), _checked("a.md", "A again")])
    assert [(c.n, c.source) for c in joined.citations] == [(1, "a.md"), (2, "b.md")]  # one span cited once
    assert [s.citations for s in joined.sentences] == [[1], [2], [1]]
    assert joined.text == "A says 41 [1]. B says 47 [2]. A again [1]." and not joined.abstained


def test_joined_parts_abstain_only_when_every_part_does():
    abstained = Verified(ABSTENTION, [], [], True, "nothing relevant retrieved")
    assert not join_parts([abstained, _checked("b.md", "B says 47")]).abstained
    both = join_parts([abstained, Verified(ABSTENTION, [], [], True, "no sentence verified")])
    assert both.abstained and both.text == ABSTENTION and both.reason == "nothing relevant retrieved"


@pytest.fixture(scope="module")
def outlets_index(tmp_path_factory):
    settings, store = ingested_index(tmp_path_factory, "outlets", [write_corpus(tmp_path_factory.mktemp("corpus"))])
    return settings.model_copy(update={"second_reading": False}), store


TWO_OUTLETS = "How many people did the Harbour Post and the Valley Times say the Tolvic landslide killed?"


def test_each_outlet_s_part_is_answered_from_its_articles_and_cited_to_them(outlets_index, scripted_llm):
    settings, store = outlets_index
    scripted_llm.reply("The landslide killed 23 people [1].", "The landslide killed 31 people [1].")
    answer = ask(TWO_OUTLETS, store, settings, llm_spec="scripted")
    harbour, valley = scripted_llm.prompts
    assert "Harbour Post, published" in harbour and "Valley Times" not in harbour.split("Question:")[0]
    assert "Valley Times, published" in valley and "Harbour Post" not in valley.split("Question:")[0]
    answers = [s for s in answer.sentences if s.side is None]  # the Times' later toll may follow as a newer report
    assert not answer.abstained and [s.verified for s in answers] == [True, True], answer.answer
    cited = [[answer.citations[n - 1].outlet for n in s.citations] for s in answers]
    assert cited == [["Harbour Post"], ["Valley Times"]] and not answer.warnings


def test_a_part_no_source_supports_is_left_out_and_named(outlets_index, scripted_llm):
    settings, store = outlets_index
    scripted_llm.reply("The landslide killed 23 people [1].", "The landslide killed 23 people [1].")  # not the Times'
    answer = ask(TWO_OUTLETS, store, settings, llm_spec="scripted")
    assert not answer.abstained and [s.verified for s in answer.sentences] == [True]
    assert [c.outlet for c in answer.citations] == ["Harbour Post"]
    valley_part = parts_of(TWO_OUTLETS, store.outlets())[1].question
    assert answer.warnings == [NOT_STATED.format(question=valley_part)]
