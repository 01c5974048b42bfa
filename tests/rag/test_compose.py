"""Compose (rag/compose.py): which article sentences the model reads. Real MiniLM embeddings; the articles are
written for these tests. The budget logic is also checked on its own with generated scores and lengths."""

from datetime import date

from hypothesis import given, strategies as st

from index.records import Article, Chunk
from rag.compose import SOURCE_MARGIN, _offers_asked_kind, _pick_within_budget, compose
from rag.retrieve import Retrieved
from rag.question import read_question

INQUIRY = Article(
    id="inquiry", title="Inquiry ordered into reservoir release", outlet="Valley Times", published=date(2025, 10, 6),
    text=("The national government ordered an independent inquiry on Monday into the release of water from the Brenn "
          "reservoir during last month's floods, which killed 26 people in the valley. "
          "It will examine whether the reservoir company gave enough warning before it opened the spillway, and "
          "whether the warning sirens in the valley worked. "
          "The reservoir company said it had followed its emergency procedures. "
          "The inquiry will be led by retired judge Miriam Okonjo and is due to report within six months. "
          "The valley's residents have asked for the inquiry's hearings to be held in public."),
)
STADIUM = Article(
    id="stadium", title="New stadium opens", outlet="Valley Times", published=date(2025, 8, 1),
    text=("The city's new football stadium opened on Saturday with a friendly match. "
          "The stands hold 22,000 people and the roof is made of glass."),
)


def retrieved(*articles: Article) -> list[Retrieved]:
    """Each article as one retrieved chunk, best first (what retrieval would hand over)."""
    return [Retrieved(Chunk(id=a.id, article_id=a.id, start=0, end=len(a.text), text=a.text, header=a.title),
                      a, score=1.0 - k / 10, dense=0.8 - k / 10) for k, a in enumerate(articles)]


def prompt(question: str, *articles: Article, context_chars: int, settings) -> str:
    passages = compose(question, retrieved(*articles), settings.model_copy(update={"context_chars": context_chars}))
    return " ".join(passage.article.text[s:e] for passage in passages for s, e in passage.spans)


def test_the_sentence_that_names_someone_reaches_a_who_prompt_before_sentences_only_about_the_topic(settings):
    # Three sentences say more about "the independent inquiry into the release" than the one that answers "who".
    text = prompt("Who will lead the independent inquiry into the Brenn reservoir release?", INQUIRY,
                  context_chars=300, settings=settings)
    assert "Miriam Okonjo" in text
    # ...and the same budget spent on a "why" question keeps the sentences about the inquiry itself.
    assert "Miriam Okonjo" not in prompt("Why was an independent inquiry into the Brenn reservoir release ordered?",
                                         INQUIRY, context_chars=300, settings=settings)


def test_a_source_about_something_else_is_left_out_and_its_budget_goes_to_the_relevant_one(settings):
    passages = compose("Who will lead the independent inquiry into the Brenn reservoir release?",
                       retrieved(INQUIRY, STADIUM), settings.model_copy(update={"context_chars": 400}))
    assert [p.article.id for p in passages] == ["inquiry"]
    assert [p.n for p in passages] == [1]


spans_and_scores = st.lists(
    st.lists(st.tuples(st.integers(1, 300), st.floats(-1, 2, allow_nan=False)), min_size=1, max_size=12),
    min_size=1, max_size=5)


@given(spans_and_scores, st.integers(50, 2000))
def test_the_budget_holds_and_every_shown_source_keeps_its_best_sentence(sources, budget):
    sentences_of, scores_of = [], []
    for source in sources:
        starts = [0]
        for length, _ in source:
            starts.append(starts[-1] + length)
        sentences_of.append(list(zip(starts, starts[1:])))
        scores_of.append([score for _, score in source])
    picked = _pick_within_budget(sentences_of, scores_of, budget)
    best = max(max(scores) for scores in scores_of)
    best_sentences = 0
    for sentences, scores, indices in zip(sentences_of, scores_of, picked):
        shown = max(scores) >= best - SOURCE_MARGIN
        assert bool(indices) == shown
        if shown:
            assert scores.index(max(scores)) in indices
            best_sentences += sentences[scores.index(max(scores))][1] - sentences[scores.index(max(scores))][0]
        assert indices == sorted(set(indices))
    used = sum(sentences[i][1] - sentences[i][0] for sentences, indices in zip(sentences_of, picked) for i in indices)
    assert used <= max(budget, best_sentences)  # only the best sentences themselves may exceed a tiny budget


def test_a_sentence_offers_a_measuring_question_its_kind_only_with_a_number_in_a_unit_of_what_it_measures():
    asked = read_question("How wide is the telescope's main mirror?")
    assert _offers_asked_kind(asked, "The main mirror is 9.2 metres across.")
    assert not _offers_asked_kind(asked, "The main mirror is made of 61 hexagonal segments.")
