"""The benchmarks' scratch indexes (evals/indexes.py): real Chroma on disk and the real embeddings."""

from evals.dataset import split_of_set
from evals.indexes import ScratchIndexes
from tests.conftest import SEEDS


def test_sets_over_one_corpus_share_one_index_ingested_once(tmp_path, settings):
    indexes = ScratchIndexes(settings, tmp_path)
    store, local = indexes.for_set("first", SEEDS)
    assert local.data_dir == tmp_path / "first"
    assert len(store.paths()) == len(list(SEEDS.iterdir()))
    assert indexes.for_set("second", SEEDS) == (store, local)
    assert not (tmp_path / "second").exists()


def test_only_the_held_out_set_is_the_test_split():
    assert split_of_set("news-test") == "test"
    assert [split_of_set(name) for name in ("sample", "seeds", "news-dev")] == ["dev"] * 3


def test_the_questions_of_a_split_come_with_their_set_s_index_built_only_when_asked(tmp_path, settings):
    indexes = ScratchIndexes(settings, tmp_path)
    assert list(indexes.questions("test", lambda q: q.id == "seeds-01")) == []  # seeds is a dev set
    assert list(indexes.questions("all", lambda q: False)) == [] and not any(tmp_path.iterdir())
    [(name, split, question, store, local)] = indexes.questions("dev", lambda q: q.id == "seeds-01")
    assert (name, split, question.id) == ("seeds", "dev", "seeds-01")
    assert (store, local) == indexes.for_set("seeds", SEEDS) and [p.name for p in tmp_path.iterdir()] == ["seeds"]
