"""LLM backends, registered by name: a spec `BACKEND[:MODEL]` -> a llama-index LLM (or None for `extractive`).

Adding a backend is adding an entry to BACKENDS with `register_backend`.
"""

from __future__ import annotations

import atexit
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rag.models import DEFAULT_PRESET, ModelCache, ModelError, resolve_model_path


class LLMError(RuntimeError):
    """A backend problem, phrased as one line naming the backend and what to do."""


@dataclass(frozen=True)
class Backend:
    name: str
    description: str
    make: Callable[[str | None, object], object | None]
    default_model: str | None = None


BACKENDS: dict[str, Backend] = {}


def register_backend(name: str, description: str, default_model: str | None = None):
    def decorate(make: Callable[[str | None, object], object | None]):
        BACKENDS[name] = Backend(name, description, make, default_model)
        return make

    return decorate


def parse_spec(spec: str) -> tuple[Backend, str | None]:
    name, _, model = spec.partition(":")
    backend = BACKENDS.get(name)
    if backend is None:
        known = ", ".join(sorted(BACKENDS))
        raise LLMError(f"unknown LLM backend {name!r} in {spec!r}: use one of {known} (e.g. llamacpp:{DEFAULT_PRESET})")
    return backend, (model or backend.default_model)


class GGUFChatTemplate:
    """messages_to_prompt for LlamaCPP that renders the chat template stored in the GGUF file itself."""

    def __init__(self) -> None:
        self._formatter = None
        self.stop: list[str] = []

    def bind(self, model) -> None:
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        template = model.metadata.get("tokenizer.chat_template")
        if not template:
            raise LLMError("the GGUF file has no chat template; use a chat/instruct model")
        eos = model._model.token_get_text(model.token_eos())
        bos = model._model.token_get_text(model.token_bos()) if model.token_bos() >= 0 else ""
        self._formatter = Jinja2ChatFormatter(template=template, eos_token=eos, bos_token=bos)
        self.stop = [eos] if eos else []

    def __call__(self, messages: Sequence) -> str:
        rendered = self._formatter(messages=[{"role": m.role.value, "content": m.content} for m in messages])
        return rendered.prompt


_loaded: dict[str, object] = {}
_load_lock = threading.Lock()


@atexit.register
def _close_models() -> None:
    """Free llama.cpp models while the interpreter is still whole (freeing them during teardown raises)."""
    for llm in _loaded.values():
        llm._model.close()
    _loaded.clear()


@register_backend("llamacpp", "llama.cpp in-process; MODEL is a preset name or a path to a .gguf", DEFAULT_PRESET)
def _llamacpp(model: str | None, settings) -> object:
    """One model loaded per process and shared by every caller."""
    try:
        path = resolve_model_path(model or DEFAULT_PRESET, ModelCache(settings.model_cache))
    except ModelError as exc:
        raise LLMError(f"llamacpp: {exc}") from None
    key = f"{path}|{settings.context_window}|{settings.max_new_tokens}"
    with _load_lock:
        if key not in _loaded:
            from llama_index.llms.llama_cpp import LlamaCPP

            template = GGUFChatTemplate()
            try:
                llm = LlamaCPP(
                    model_path=str(path),
                    temperature=0.0,
                    max_new_tokens=settings.max_new_tokens,
                    context_window=settings.context_window,
                    model_kwargs={"n_threads": settings.llm_threads or os.cpu_count() or 2, "verbose": False},
                    messages_to_prompt=template,
                    verbose=False,
                )
            except ValueError as exc:
                raise LLMError(f"llamacpp: cannot load {path}: {exc} (is it a valid .gguf file?)") from None
            template.bind(llm._model)
            llm.generate_kwargs["stop"] = template.stop
            _loaded[key] = llm
        return _loaded[key]


@register_backend("extractive", "no LLM: answers with the best supporting sentences, cited")
def _extractive(model: str | None, settings) -> None:
    return None


def load_llm(spec: str, settings) -> object | None:
    backend, model = parse_spec(spec)
    return backend.make(model, settings)
