"""LLM backends, registered by name: a spec `BACKEND[:MODEL]` -> a llama-index LLM (or None for `extractive`).

Adding a backend is adding an entry to BACKENDS with `register_backend`.
"""

from __future__ import annotations

import atexit
import functools
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from rag.models import DEFAULT_PRESET, ModelCache, ModelError, resolve_model_path


class LLMError(RuntimeError):
    """A backend problem, phrased as one line naming the backend and what to do.

    `kind` says which problem it was (for `ask --json`): unknown_backend, model_missing, unreachable, timeout,
    failed.
    """

    def __init__(self, message: str, kind: str = "failed"):
        super().__init__(message)
        self.kind = kind


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
        raise LLMError(
            f"unknown LLM backend {name!r} in {spec!r}: use one of {known} (e.g. llamacpp:{DEFAULT_PRESET})",
            "unknown_backend",
        )
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


class _LoadedModel(NamedTuple):
    """What makes two loads of a model different: one process keeps one LlamaCPP per key."""

    path: str
    context_window: int
    max_new_tokens: int


_loaded: dict[_LoadedModel, object] = {}
_load_lock = threading.Lock()


@functools.cache
def _one_caller_llamacpp() -> type:
    """llama-index's LlamaCPP, used by one caller at a time. llama.cpp in-process has one context, and LlamaCPP
    keeps per-call state on the shared object (`generate_kwargs["stream"]`), so chat sessions answered at once take
    turns here, while their retrieval and verification run side by side. (A server with several slots needs no
    such turn: see the openai backend.) Built on first use: importing llama_cpp loads its native library."""
    from llama_index.core.bridge.pydantic import PrivateAttr
    from llama_index.llms.llama_cpp import LlamaCPP

    class OneCallerLlamaCPP(LlamaCPP):
        _turn: threading.Lock = PrivateAttr(default_factory=threading.Lock)

        def complete(self, prompt: str, formatted: bool = False, **kwargs) -> object:
            with self._turn:
                return super().complete(prompt, formatted, **kwargs)

        def stream_complete(self, prompt: str, formatted: bool = False, **kwargs) -> Iterator:
            with self._turn:  # held until the stream is read to its end or closed
                yield from super().stream_complete(prompt, formatted, **kwargs)

    return OneCallerLlamaCPP


@atexit.register
def _close_models() -> None:
    """Free llama.cpp models while the interpreter is still whole (freeing them during teardown raises)."""
    for llm in _loaded.values():
        llm._model.close()
    _loaded.clear()


@register_backend("llamacpp", "llama.cpp in-process; MODEL is a preset name or a path to a .gguf", DEFAULT_PRESET)
def _llamacpp(model: str | None, settings) -> object:
    """One model loaded per process and shared by every caller, one caller at a time."""
    try:
        path = resolve_model_path(model or DEFAULT_PRESET, ModelCache(settings.model_cache))
    except ModelError as exc:
        raise LLMError(f"llamacpp: {exc}", "model_missing") from None
    key = _LoadedModel(str(path), settings.context_window, settings.max_new_tokens)
    with _load_lock:
        if key not in _loaded:
            template = GGUFChatTemplate()
            try:
                llm = _one_caller_llamacpp()(
                    model_path=str(path),
                    temperature=0.0,
                    max_new_tokens=settings.max_new_tokens,
                    context_window=settings.context_window,
                    model_kwargs={"n_threads": settings.llm_threads or os.cpu_count() or 2, "verbose": False},
                    messages_to_prompt=template,
                    verbose=False,
                )
            except ValueError as exc:
                raise LLMError(f"llamacpp: cannot load {path}: {exc} (is it a valid .gguf file?)",
                               "model_missing") from None
            template.bind(llm._model)
            llm.generate_kwargs["stop"] = template.stop
            _loaded[key] = llm
        return _loaded[key]


OPENAI_DEFAULT_URL = "https://api.openai.com/v1"
OLLAMA_DEFAULT_URL = "http://127.0.0.1:11434"


def _needs_model(backend: str, model: str | None, example: str) -> str:
    if not model:
        raise LLMError(f"{backend}: name the model, e.g. --llm {backend}:{example}", "unknown_backend")
    return model


@register_backend("openai", "any OpenAI-compatible server at --llm-base-url (key from OPENAI_API_KEY)")
def _openai(model: str | None, settings) -> object:
    """Chat completions through llama-index's OpenAILike: vLLM, llama.cpp's server, hosted APIs."""
    from llama_index.llms.openai_like import OpenAILike

    return OpenAILike(
        model=_needs_model("openai", model, "gpt-4o-mini"),
        api_base=settings.llm_base_url or OPENAI_DEFAULT_URL,
        api_key=os.environ.get("OPENAI_API_KEY") or "none",  # local servers take any key
        is_chat_model=True,
        context_window=settings.context_window,
        max_tokens=settings.max_new_tokens,
        temperature=0.0,
        timeout=settings.llm_timeout_s,
        max_retries=0,  # a down server is reported at once, not after minutes of retries
    )


@register_backend("ollama", f"an Ollama server at --llm-base-url (default {OLLAMA_DEFAULT_URL})")
def _ollama(model: str | None, settings) -> object:
    from llama_index.llms.ollama import Ollama

    return Ollama(
        model=_needs_model("ollama", model, "qwen2.5:1.5b"),
        base_url=settings.llm_base_url or OLLAMA_DEFAULT_URL,
        request_timeout=settings.llm_timeout_s,
        temperature=0.0,
        context_window=settings.context_window,
        additional_kwargs={"num_predict": settings.max_new_tokens},
    )


def endpoint_of(llm) -> str | None:
    """The server URL of a remote backend (None for in-process ones)."""
    return getattr(llm, "api_base", None) or getattr(llm, "base_url", None)


def explain_failure(spec: str, llm, exc: Exception, timeout_s: float) -> LLMError:
    """A backend exception as one line naming the backend, its URL and what to do."""
    url = endpoint_of(llm)
    where = f" at {url}" if url else ""
    text = f"{type(exc).__name__}: {exc}"
    if "timeout" in text.lower() or "timed out" in text.lower():
        return LLMError(f"{spec}{where}: no answer within {timeout_s:g} s; raise llm_timeout_s or use a smaller "
                        "model", "timeout")
    if any(word in text.lower() for word in ("connect", "refused", "unreachable", "name resolution")):
        return LLMError(f"{spec}{where}: cannot reach the server ({exc}); start it or fix --llm-base-url",
                        "unreachable")
    return LLMError(f"{spec}{where}: generation failed: {exc}", "failed")


@register_backend("extractive", "no LLM: answers with the best supporting sentences, cited")
def _extractive(model: str | None, settings) -> None:
    return None


def build_info(spec: str, settings) -> dict:
    """What produced an answer, for eval summaries: the llama.cpp build (its instruction set decides the small
    model's words) and the model file's sha256, or the remote backend's URL."""
    backend, model = parse_spec(spec)
    if backend.name == "llamacpp":
        import llama_cpp

        from rag.models import PRESETS

        path = resolve_model_path(model or DEFAULT_PRESET, ModelCache(settings.model_cache))
        preset = PRESETS.get(model or DEFAULT_PRESET)
        return {"backend": "llamacpp", "llama_cpp_python": llama_cpp.__version__,
                "system_info": llama_cpp.llama_print_system_info().decode().strip(), "model_path": str(path),
                "model_sha256": preset.sha256 if preset else None}
    return {"backend": backend.name, "model": model, "base_url": settings.llm_base_url}


def load_llm(spec: str, settings) -> object | None:
    backend, model = parse_spec(spec)
    return backend.make(model, settings)


def available_llms(settings) -> list[tuple[str, str]]:
    """(label, spec) for every LLM this machine can answer with now: downloaded presets, then `extractive`."""
    from rag.models import PRESETS

    cache = ModelCache(settings.model_cache)
    loaded = {key.path for key in _loaded}
    choices = []
    for preset in PRESETS.values():
        if cache.is_present(preset):
            state = " (loaded)" if str(cache.path_of(preset)) in loaded else ""
            choices.append((f"llamacpp:{preset.name}{state}", f"llamacpp:{preset.name}"))
    return choices + [("extractive (no LLM)", "extractive")]
