"""The real default embedding model, for tests that call the verifier directly."""

from index.embed import Embedder, embedder_for
from rag.settings import load_settings


def embedder() -> Embedder:
    """The default model on the default backend, loaded once per process (`get_embedder` keeps it)."""
    return embedder_for(load_settings())
