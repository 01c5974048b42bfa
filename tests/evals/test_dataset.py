import json

import pytest

from evals.dataset import DatasetError, load_dataset
from index.clean import clean
from index.loaders import iter_files, load_file
from tests.conftest import ROOT, SAMPLE, SEEDS

NEWS = ROOT / "data" / "news"

DATASETS = ROOT / "evals" / "datasets"
GOOD = {"id": "q1", "question": "When?", "answers": ["July 2000"], "sources": ["a.md"], "type": "temporal"}


def _write(tmp_path, *records, raw_lines=()):
    path = tmp_path / "set.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records) + "".join(raw_lines))
    return path


def test_malformed_line_is_named(tmp_path):
    with pytest.raises(DatasetError, match=r"set.jsonl:2: malformed JSON"):
        load_dataset(_write(tmp_path, GOOD, raw_lines=["{nope\n"]))


def test_unknown_fields_warn_but_load(tmp_path):
    warnings = []
    questions = load_dataset(_write(tmp_path, {**GOOD, "difficulty": "hard"}), warnings.append)
    assert len(questions) == 1 and warnings == [f"{tmp_path / 'set.jsonl'}:1: unknown field(s) difficulty ignored"]


@pytest.mark.parametrize(
    ("records", "message"),
    [
        ([GOOD, GOOD], "duplicate id 'q1'"),
        ([], "has no questions"),
        ([{**GOOD, "type": "unanswerable"}], "must have answers: \\[\\]"),
        ([{**GOOD, "answers": []}], "answers is empty"),
        ([{**GOOD, "type": "opinion"}], "field 'type'"),
        ([{**GOOD, "type": "conflict"}], "a conflict question has answers: \\[\\] and its gold in two or more sides"),
        ([{**GOOD, "answers": [], "type": "conflict", "sides": [{"answers": ["4.2"], "source": "a", "quote": "q"}]}],
         "two or more sides"),
        ([{**GOOD, "as_of": "June 2024"}], "field 'as_of'"),
        ([{**GOOD, "language": "fr", "translation_of": "q9"}], "translation_of 'q9' is not a question of this file"),
    ],
)
def test_bad_datasets_are_refused_with_the_reason(tmp_path, records, message):
    with pytest.raises(DatasetError, match=message):
        load_dataset(_write(tmp_path, *records))


def _articles(root):
    return {a.id: a for path in iter_files([root]) for a in map(clean, load_file(path, 10**8))}


@pytest.mark.parametrize(("name", "corpus", "minimum"), [("sample.jsonl", SAMPLE, 40), ("seeds.jsonl", SEEDS, 20),
                                                        ("news-dev.jsonl", NEWS, 75), ("news-test.jsonl", NEWS, 75)])
def test_public_sets_are_big_enough_and_grounded_in_their_corpus(name, corpus, minimum):
    questions = load_dataset(DATASETS / name)
    articles = _articles(corpus)
    assert len(questions) >= minimum
    assert {"factoid", "temporal", "multi", "unanswerable", "timeline"} <= {q.type for q in questions}
    assert {q.language for q in questions} == {"en", "fr", "de", "es"}  # 2 each: the same questions, translated
    for q in questions:
        assert set(q.sources) <= set(articles), q.id
        for quote in q.evidence:  # every evidence quote is really in one of its sources' cleaned text
            assert any(quote in articles[s].text for s in q.sources), (q.id, quote)
        for side in q.sides:  # a conflict's sides: each quote in the cleaned text of the article it names
            assert " ".join(side.quote.split()) in " ".join(articles[side.source].text.split()), (q.id, side)
        for event in q.events:  # a timeline's gold events: each quote in the cleaned text of the article it names
            for quote in event.evidence:
                assert " ".join(quote.quote.split()) in " ".join(articles[quote.source].text.split()), (q.id, quote)


def test_sample_set_has_as_of_pairs_that_straddle_june_2024():
    questions = load_dataset(DATASETS / "sample.jsonl")
    by_question = {}
    for q in questions:
        if q.as_of:
            by_question.setdefault(q.question, []).append(q)
    pairs = [qs for qs in by_question.values() if len(qs) == 2]
    assert len(pairs) >= 3
    for early, late in (sorted(p, key=lambda q: q.as_of) for p in pairs):
        assert early.as_of.isoformat() < "2024-06" < late.as_of.isoformat() or early.as_of.year < 2024
        assert set(early.answers).isdisjoint(late.answers)


def test_comment_lines_are_skipped_and_line_numbers_kept(tmp_path):
    path = _write(tmp_path, GOOD, raw_lines=["# held out: report only\n", "{nope\n"])
    with pytest.raises(DatasetError, match=r"set.jsonl:3: malformed JSON"):
        load_dataset(path)
    path.write_text("# never tune on this file\n" + json.dumps(GOOD) + "\n")
    assert [q.id for q in load_dataset(path)] == ["q1"]


def test_the_news_corpus_is_dated_varied_and_its_test_split_is_marked_held_out():
    articles = _articles(NEWS)
    assert len(articles) >= 40 and all(a.published and a.outlet for a in articles.values())
    assert len({a.outlet for a in articles.values()}) >= 10
    assert (DATASETS / "news-test.jsonl").read_text().startswith("# news-test: HELD OUT. Report only")
    dev, test = load_dataset(DATASETS / "news-dev.jsonl"), load_dataset(DATASETS / "news-test.jsonl")
    assert len(dev) + len(test) >= 150 and not {q.id for q in dev} & {q.id for q in test}
    assert sum(q.type == "conflict" for q in dev + test) >= 15
    assert not {q.question for q in dev if q.as_of} & {q.question for q in test if q.as_of}  # as-of groups stay whole
    for split in (dev, test):
        assert sum(1 for q in split if q.answers and q.answers[0] in ("yes", "no")) >= 4
        assert sum(1 for q in split if any(isinstance(a, list) for a in q.answers)) >= 1  # "each said" questions


@pytest.mark.parametrize("name", ["sample", "seeds", "news-dev", "news-test"])
def test_every_non_timeline_question_has_one_translation_for_the_language_benchmark(name):
    """Conflict questions came after the language benchmark's translations were written; they have none."""
    import json

    questions = {q.id: q for q in load_dataset(DATASETS / f"{name}.jsonl") if q.language == "en"}
    lines = (DATASETS.parent / "translations" / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    translations = [json.loads(line) for line in lines if line.strip() and not line.startswith("#")]
    assert [t["id"] for t in translations] == [q.id for q in questions.values()
                                                          if q.type not in ("timeline", "conflict")]
    assert {t["language"] for t in translations} == {"fr", "de", "es"}
    assert all(t["question"] != questions[t["id"]].question for t in translations)
