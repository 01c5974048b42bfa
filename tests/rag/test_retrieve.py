from datetime import date

import pytest

from rag.retrieve import earliest_publication, retrieve, wants_latest


@pytest.mark.parametrize(
    ("question", "earliest"),
    [
        ("What did Putin sign in June 2024?", date(2024, 6, 1)),
        ("What happened in 2023?", date(2023, 1, 1)),
        ("Who visited since September 2023?", date(2023, 9, 1)),
        ("When did Putin last visit Pyongyang?", None),
    ],
)
def test_period_named_in_the_question_sets_the_earliest_publication(question, earliest):
    assert earliest_publication(question) == earliest


def test_recency_words():
    assert wants_latest("When did Putin last visit Pyongyang?")
    assert wants_latest("What is the latest on the treaty?")
    assert not wants_latest("When did Putin first visit Pyongyang?")
    assert not wants_latest("Where did Kim Jong Un travel last September?")
    assert not wants_latest("What did Peskov say last week?")


def test_as_of_leaves_out_later_and_undated_articles(seeds_index, sample_index):
    for settings, store in (seeds_index, sample_index):
        hits = retrieve("Putin visit to Pyongyang", store, settings, as_of=date(2024, 1, 21))
        assert hits and all(0 < h.article.published.toordinal() <= date(2024, 1, 21).toordinal() for h in hits)


def test_question_period_filters_by_publication_date(sample_index):
    settings, store = sample_index
    hits = retrieve("What treaty was signed in June 2024?", store, settings)
    assert hits and all(h.article.published >= date(2024, 6, 1) for h in hits)
    assert any("treaty" in h.chunk.text.lower() for h in hits)
