"""A scripted LLM for tests about Dateline's own logic: not a model. The test queues the exact replies; each call
takes the next one, streamed word by word, and the prompts received are recorded for the test to inspect.

It is a llama-index CustomLLM, so it goes through the same chat/stream_chat path as the real backends, and the
`scripted_llm` fixture (tests/conftest.py) registers it as the backend `scripted` for one test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from llama_index.core.llms import CompletionResponse, CompletionResponseGen, CustomLLM, LLMMetadata
from llama_index.core.llms.callbacks import llm_completion_callback
from pydantic import Field

_PIECES = re.compile(r"\s*\S+")  # " word" pieces, as a tokenizer streams them


class NoReplyQueued(AssertionError):
    """The code under test asked the LLM more often than the test expected."""


class ScriptedLLM(CustomLLM):
    replies: list[str] = Field(default_factory=list, description="Replies still to give, first first.")
    prompts: list[str] = Field(default_factory=list, description="Every prompt received, in order.")

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(context_window=8192, num_output=256, model_name="scripted")

    def reply(self, *texts: str) -> ScriptedLLM:
        self.replies.extend(texts)
        return self

    def _next(self, prompt: str) -> str:
        self.prompts.append(prompt)
        if not self.replies:
            raise NoReplyQueued(f"the scripted LLM got a prompt with no reply queued: {prompt[-200:]!r}")
        return self.replies.pop(0)

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs) -> CompletionResponse:
        return CompletionResponse(text=self._next(prompt))

    @llm_completion_callback()
    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs) -> CompletionResponseGen:
        text = self._next(prompt)

        def pieces() -> Iterator[CompletionResponse]:
            so_far = ""
            for piece in _PIECES.findall(text):
                so_far += piece
                yield CompletionResponse(text=so_far, delta=piece)

        return pieces()
