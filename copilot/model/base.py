"""The contract every model backend meets, and what a completion returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Protocol, Sequence


@dataclass
class Completion:
    """Generated text with its token counts and timings."""

    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    first_token_seconds: float = 0.0
    finish_reason: str = ""

    @property
    def tokens_per_second(self) -> float:
        decode = self.seconds - self.first_token_seconds
        return self.completion_tokens / decode if decode > 0 and self.completion_tokens > 1 else 0.0


OnToken = Callable[[str], None]
# Called with the text so far; True ends generation early (e.g. the model is looping).
Until = Callable[[str], bool]


class TextModel(Protocol):
    """A model that continues text; chat models also expose their template."""

    name: str

    def complete(
        self,
        prompt: str,
        *,
        max_tokens: int,
        temperature: float = 0.0,
        stop: Sequence[str] = (),
        grammar: str | None = None,
        seed: int | None = None,
        on_token: OnToken | None = None,
        until: Until | None = None,
    ) -> Completion:
        """Continue `prompt`; call `on_token` with each piece as it is decoded."""
        ...

    def chat_template(self) -> str | None:
        """The model's chat template (Jinja) when it has one; None for base models."""
        ...

    def render_chat(self, messages: list[dict]) -> tuple[str, list[str]] | None:
        """(prompt, stop strings) from the model's chat template; None for base models."""
        ...

    def count_tokens(self, text: str) -> int:
        ...


class ServerChatModel(TextModel, Protocol):
    """A backend whose server applies the chat template itself (an OpenAI-compatible chat
    endpoint): its `render_chat` returns None and chat requests go through `chat`."""

    def chat(
        self,
        messages: list[dict],
        *,
        max_tokens: int,
        temperature: float = 0.0,
        stop: Sequence[str] = (),
        grammar: str | None = None,
        seed: int | None = None,
        on_token: OnToken | None = None,
        until: Until | None = None,
    ) -> Completion | None:
        """Answer `messages` as the assistant; None when the model is not a chat model."""
        ...
