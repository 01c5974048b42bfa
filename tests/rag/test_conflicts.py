"""Conflicting reports over a real store (real Chroma, real embeddings) of a corpus written for these tests
(tests/conflict_corpus.py), and over hand-made articles. The answers come from the scripted LLM or the test (not a
model): these tests are about Dateline's own logic, which adds the other sides after verification."""

import json
from datetime import date

import pytest

from index.records import Article
from rag.chat import ask
from rag.compose import Passage, compose
from rag.conflicts import add_other_sides, disagreements
from rag.retrieve import retrieve
from rag.verify import verify
from tests.conflict_corpus import QUESTION, TOPIC, write_corpus
from tests.conftest import ingested_index, invoke_cli
from tests.embedding import embedder


@pytest.fixture(scope="module")
def conflict_index(tmp_path_factory):
    return ingested_index(tmp_path_factory, "conflicts", [write_corpus(tmp_path_factory.mktemp("corpus"))])


def _cited(answer, sentence):
    return [answer.citations[n - 1] for n in sentence.citations]


def test_another_outlet_s_toll_of_the_same_day_and_a_newer_one_are_quoted_and_cited(conflict_index, scripted_llm):
    settings, store = conflict_index
    scripted_llm.reply("The landslide in Tolvic killed 23 people [1].", "23")
    answer = ask(QUESTION, store, settings, llm_spec="scripted")
    first, *sides = answer.sentences
    assert first.verified and first.side is None and "23" in first.text
    by_relation = {s.side: s for s in sides}
    assert set(by_relation) == {"differs", "newer"}, answer.answer
    differs, newer = by_relation["differs"], by_relation["newer"]
    assert [c.source for c in _cited(answer, differs)] == ["valley-times-landslide.md"]
    assert "killed 31 people" in _cited(answer, differs)[0].text and differs.text.startswith("Valley Times (14 Apr")
    assert [c.source for c in _cited(answer, newer)] == ["valley-times-toll-rises.md"] and "35" in newer.text
    assert all(s.verified and _cited(answer, s)[0].text in s.text for s in sides)  # each a quote of its span
    assert "marden-floods.md" not in {c.source for c in answer.citations}  # another disaster the same day
    public = answer.to_public_json()
    assert [s["side"] for s in public["sentences"]] == [None, *(s.side for s in sides)]
    assert "other_sides_s" in answer.timings


def test_a_side_is_found_in_a_retrieved_article_the_model_was_not_shown(conflict_index, scripted_llm):
    settings, store = conflict_index
    one_source = settings.model_copy(update={"top_k": 1})  # composition shows the model one article
    shown = compose(QUESTION, retrieve(QUESTION, store, one_source), one_source)
    assert len(shown) == 1
    toll = {"harbour-post-landslide.md": "23", "valley-times-landslide.md": "31"}[shown[0].article.id]
    scripted_llm.reply(f"The landslide in Tolvic killed {toll} people [1].", toll)
    answer = ask(QUESTION, store, one_source, llm_spec="scripted")
    sides = [s for s in answer.sentences if s.side]
    assert answer.sentences[0].verified and sides, answer.answer
    assert all(s.verified and _cited(answer, s)[0].text in s.text and toll not in _cited(answer, s)[0].text
               for s in sides)
    assert shown[0].article.id not in {c.source for s in sides for c in _cited(answer, s)}
    assert "marden-floods.md" not in {c.source for c in answer.citations}


def test_asked_about_one_day_only_a_report_of_that_moment_is_another_side(conflict_index, scripted_llm):
    settings, store = conflict_index
    scripted_llm.reply("The landslide in Tolvic had killed 23 people by 14 April 2026 [1].", "23")
    answer = ask("How many people had died in the Tolvic landslide by 14 April 2026?", store, settings,
                 llm_spec="scripted")
    assert answer.sentences[0].verified, answer.answer
    assert [s.side for s in answer.sentences if s.side] == ["differs"], answer.answer  # not the 28 April toll


def test_an_answer_that_already_gives_each_value_gets_no_other_side(conflict_index, scripted_llm):
    settings, store = conflict_index
    scripted_llm.reply("The landslide in Tolvic killed 23 people [1]. The toll rose to 35 [2]. "
                       "The landslide that hit Tolvic killed 31 people [3].")
    answer = ask(QUESTION, store, settings.model_copy(update={"second_reading": False}), llm_spec="scripted")
    assert sum(s.verified for s in answer.sentences) == 3, answer.answer
    assert not any(s.side for s in answer.sentences), answer.answer


def test_with_conflicting_reports_off_the_answer_is_left_as_verified(conflict_index, scripted_llm):
    settings, store = conflict_index
    scripted_llm.reply("The landslide in Tolvic killed 23 people [1].", "23")
    answer = ask(QUESTION, store, settings.model_copy(update={"conflicting_reports": False}), llm_spec="scripted")
    assert len(answer.sentences) == 1 and len(answer.citations) == 1 and "other_sides_s" not in answer.timings


def test_the_sources_disagreements_on_a_topic_are_listed_with_how_they_relate_in_time(conflict_index):
    settings, store = conflict_index
    found = disagreements(TOPIC, store, settings)
    assert found and all(len(d.sides) == 2 for d in found)
    same_day = [d for d in found if d.relation == "differs"]
    assert [{c.source for c in d.sides} for d in same_day] == [{"harbour-post-landslide.md",
                                                                "valley-times-landslide.md"}]
    assert same_day[0].kind == "number"
    assert all("marden-floods.md" not in {c.source for c in d.sides} for d in found)


def test_sources_disagreements_from_the_cli_as_json_and_a_bad_topic_in_one_line(conflict_index):
    settings, _ = conflict_index
    result = invoke_cli("sources", "disagreements", TOPIC, "--data-dir", str(settings.data_dir), "--json")
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    assert listed["topic"] == TOPIC and listed["disagreements"][0]["relation"] == "differs"
    assert {side["source"] for side in listed["disagreements"][0]["sides"]} == {"harbour-post-landslide.md",
                                                                                "valley-times-landslide.md"}
    empty = invoke_cli("sources", "disagreements", " ", "--data-dir", str(settings.data_dir))
    assert empty.exit_code != 0 and empty.output.strip().count("\n") == 0 and "empty" in empty.output


def test_a_side_may_say_what_it_counts_in_its_title_or_the_sentence_before():
    """Hand-made articles (Dateline's own logic): "Eleven workers ... were taken to hospital" names no fire and no
    factory, but its title and the sentence before it do. "Two cars were taken away" counts no people: the unit of a
    count written in words is read too ("Sixteen people", "Two cars")."""
    question = "How many people were taken to hospital after the fire at the Corvane paint factory in Wexley?"
    first = Article(id="gazette.md", title="Sixteen treated after Corvane blaze", outlet="Gazette",
                    published=date(2026, 3, 3), hash="1" * 64,
                    text="Sixteen people were treated in hospital after a fire destroyed the Corvane paint factory "
                         "in Wexley, the fire service said.")
    other = Article(id="courier.md", title="Fire guts Wexley paint factory", outlet="Courier",
                    published=date(2026, 3, 2), hash="2" * 64,
                    text="A fire broke out at the Corvane paint factory in Wexley on Sunday night. Eleven workers "
                         "from the night shift were taken to hospital with breathing problems. About 40 people "
                         "were working when the alarm sounded.")
    cars = Article(id="wire.md", title="Corvane factory fire in Wexley", outlet="Wire", published=date(2026, 3, 2),
                   hash="3" * 64, text="A fire broke out at the Corvane paint factory in Wexley on Sunday night. Two "
                                       "cars were taken away from the factory after the fire.")
    answer = "Sixteen people were taken to hospital after the fire at the Corvane factory in Wexley [1]."
    for others, side in (([other], "Eleven workers"), ([cars], None), ([cars, other], "Eleven workers")):
        checked = verify(answer, [Passage(1, first, [(0, len(first.text))], [1.0])], embedder(), question)
        assert not checked.abstained, checked.reason
        add_other_sides(checked, others)
        sides = [checked.citations[s.citations[0] - 1].text for s in checked.sentences if s.side]
        assert [text.startswith(side) for text in sides] == ([True] if side else []), sides
