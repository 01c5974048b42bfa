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
