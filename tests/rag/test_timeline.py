"""Timelines over a real store (real Chroma, real embeddings), and what a timeline question asks for."""

from datetime import date

import pytest

from rag.timeline import bounds_in, timeline, topic_of, wants_timeline

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(("question", "since", "until"), [
    ("What happened between Russia and North Korea since 2023?", date(2023, 1, 1), None),
    ("Timeline of the treaty until June 2024", None, date(2024, 6, 30)),
    ("What happened before June 2024?", None, date(2024, 5, 31)),
    ("What happened with the floods in 2025?", date(2025, 1, 1), date(2025, 12, 31)),
    ("Key dates between 2000 and 2023 in the talks", date(2000, 1, 1), date(2023, 12, 31)),
    ("Timeline of the takeover", None, None),
])
def test_the_period_a_question_names_bounds_its_events(question, since, until):
    assert bounds_in(question, TODAY) == (since, until)


def test_timeline_questions_are_told_from_questions_about_one_fact():
    assert wants_timeline("Timeline of the Sarel treaty") and wants_timeline("What has happened in Kelmora?")
    assert wants_timeline("How did the Castellan takeover unfold?")
    assert not wants_timeline("When did Putin last visit Pyongyang?")
    assert topic_of("Give me the timeline of the Sarel river treaty since May 2025?") == "Sarel river treaty"


def test_a_timeline_lists_dated_events_in_order_each_its_cited_sentence(sample_index):
    settings, store = sample_index
    answer = timeline("Timeline of Putin's visits to Pyongyang", store, settings)
    days = [item.day for item in answer.timeline]
    assert days == sorted(days) and not answer.abstained
    first_visit = [item for item in answer.timeline if item.day.strftime("%Y-%m") == "2000-07"]
    assert first_visit and "July 2000" in first_visit[0].text
    by_n = {c.n: c for c in answer.citations}
    for item in answer.timeline:  # every item is the sentence it cites, in the article it cites
        assert item.citations and item.text == by_n[item.citations[0]].text
        article = store.article(by_n[item.citations[0]].source)
        assert article.text[by_n[item.citations[0]].start:by_n[item.citations[0]].end] == item.text


def test_bounds_keep_only_the_events_inside_them(sample_index):
    settings, store = sample_index
    answer = timeline("Timeline of Russia and North Korea since 2023", store, settings)
    assert answer.timeline and all(item.day >= date(2023, 1, 1) for item in answer.timeline)
    assert timeline("Russia and North Korea", store, settings, until=date(2001, 1, 1)).timeline[-1].day.year <= 2000


def test_an_article_whose_headline_is_about_the_topic_gives_all_its_dated_events(tmp_path):
    """Real store and embeddings. The flood article's "Engineers will inspect the piers on Thursday" does not name the
    topic, but its headline does; the annual report is retrieved for its ferry sentence, but its headline is about
    something else, so its unrelated dated sentence stays out."""
    from index.pipeline import ingest
    from index.store import open_store
    from rag.settings import load_settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "flood.md").write_text(
        "---\ntitle: Flood closes the Varna ferry crossing\npublished: 2025-03-04\n---\n\n"
        "Floodwater closed the Varna ferry crossing on Monday, 3 March 2025.\n\n"
        "Passengers were told to use the bridge upstream, a detour of 40 kilometres for lorries and cars.\n\n"
        "Engineers will inspect the piers on Thursday, the port authority said.\n")
    (corpus / "report.md").write_text(
        "---\ntitle: Port authority publishes its annual figures\npublished: 2025-03-05\n---\n\n"
        "Floods closed the Varna ferry crossing for 12 days in 2024, the port authority said in its annual report "
        "on the crossing, which carried 1.2 million passengers.\n\n"
        "Its new chief executive, Mira Dobreva, took office on 2 January 2025.\n")
    settings = load_settings(data_dir=tmp_path / "index")
    store = open_store(settings)
    ingest([corpus], store, settings)
    items = {item.text: item for item in timeline("Timeline of the Varna ferry flood", store, settings).timeline}
    assert items["Engineers will inspect the piers on Thursday, the port authority said."].day == date(2025, 3, 6)
    assert any(text.startswith("Floods closed") for text in items)  # the report was read...
    assert not any("Dobreva" in text for text in items)  # ...but only its sentence about the topic kept
