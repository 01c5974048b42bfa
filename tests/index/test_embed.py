"""The embedding backends, with the real MiniLM: OpenVINO must give PyTorch's vectors, convert once, and refuse a
conversion that does not."""

import pytest

from index import embed
from index.embed import EmbeddingModelError, Embedder, OpenVinoEmbedder, get_embedder

NAME = "all-MiniLM-L6-v2"
# Lengths from one word to past the model's 256-token window, more than one batch, in no particular order.
TEXTS = [f"Story {i}: " + "Putin met Kim Jong Un in Pyongyang on 19 June 2024. " * (i % 37) for i in range(150)]


@pytest.fixture(scope="module")
def path():
    return embed.EMBEDDING_MODELS[NAME]()


def test_openvino_gives_pytorchs_vectors_in_the_callers_order(path, tmp_path):
    import numpy as np

    reference = np.array(Embedder(NAME, path, tmp_path).embed(TEXTS))
    vectors = np.array(OpenVinoEmbedder(NAME, path, tmp_path).embed(TEXTS))
    assert vectors.shape == reference.shape == (150, 384)
    assert (vectors * reference).sum(axis=1).min() >= embed.SAME_VECTOR


def test_the_conversion_is_kept_and_reused(path, tmp_path, monkeypatch):
    OpenVinoEmbedder(NAME, path, tmp_path)
    [folder] = (tmp_path / "embeddings").iterdir()
    assert (folder / "model.xml").exists() and (folder / "model.bin").exists()

    import openvino

    def converting_again(*args, **kwargs):
        raise AssertionError("converted again")

    monkeypatch.setattr(openvino, "convert_model", converting_again)
    assert OpenVinoEmbedder(NAME, path, tmp_path).embed(["one"])  # from the kept IR
    assert [p.name for p in (tmp_path / "embeddings").iterdir()] == [folder.name]  # nothing half-written beside it


def test_a_conversion_with_other_vectors_is_refused_and_not_kept(path, tmp_path, monkeypatch):
    monkeypatch.setattr(embed, "SAME_VECTOR", 1.01)  # no conversion can agree this well: stands for a bad one
    with pytest.raises(EmbeddingModelError, match='embed_backend = "torch"'):
        OpenVinoEmbedder(NAME, path, tmp_path)
    assert list((tmp_path / "embeddings").iterdir()) == []


def test_an_unknown_backend_is_named_with_the_known_ones(tmp_path):
    with pytest.raises(EmbeddingModelError, match="unknown embedding backend 'onnx': use one of openvino, torch"):
        get_embedder(NAME, "onnx", tmp_path)
