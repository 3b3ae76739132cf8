"""The embedded backend: llama.cpp through llama-cpp-python, CPU or GPU offload."""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path
from typing import Iterator, Sequence

from copilot.errors import ModelError
from copilot.model.base import Completion, OnToken, Until


def gpu_present() -> bool:
    """An NVIDIA GPU the driver exposes (the only kind the CUDA build can use)."""
    return Path("/proc/driver/nvidia/gpus").is_dir() and any(Path("/proc/driver/nvidia/gpus").iterdir())


def resolve_gpu_layers(setting: str) -> int:
    """'auto' offloads every layer when llama.cpp has GPU support and a GPU is present."""
    if str(setting).strip().lower() != "auto":
        try:
            return int(setting)
        except ValueError:
            raise ModelError(f"gpu_layers must be 'auto' or a number, got {setting!r}.") from None
    import llama_cpp

    return -1 if llama_cpp.llama_supports_gpu_offload() and gpu_present() else 0


@contextlib.contextmanager
def quiet_stderr() -> Iterator[None]:
    """Silence llama.cpp's C-level log lines (it writes to fd 2 even with verbose=False)."""
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


class LlamaModel:
    """A GGUF model (plus optional GGUF LoRA adapter) loaded in-process."""

    def __init__(self, path: Path, *, lora: Path | None = None, gpu_layers: str = "auto",
                 threads: int = 0, context: int = 4096) -> None:
        import llama_cpp

        self.path = Path(path)
        if not self.path.is_file():
            raise ModelError(f"model file {self.path} does not exist; pass --model PATH to a GGUF file.")
        if lora is not None and not Path(lora).is_file():
            raise ModelError(f"LoRA adapter {lora} does not exist; fix the `lora` setting.")
        self.gpu_layers = resolve_gpu_layers(gpu_layers)
        self.threads = threads or max(1, os.cpu_count() or 1)
        began = time.monotonic()
        try:
            with quiet_stderr():
                self.llm = llama_cpp.Llama(
                    model_path=str(self.path), n_ctx=context, n_threads=self.threads,
                    n_gpu_layers=self.gpu_layers, lora_path=str(lora) if lora else None,
                    verbose=False,
                )
        except (ValueError, RuntimeError, OSError) as exc:
            raise ModelError(
                f"llama.cpp could not load {self.path} ({exc}); the file may be corrupt or not a "
                f"GGUF model: delete it to re-assemble the default, or pass another --model."
            ) from None
        self.load_seconds = time.monotonic() - began
        self.name = self.path.name + (f" + {Path(lora).name}" if lora else "")
        self._grammars: dict[str, object] = {}

    def chat_template(self) -> str | None:
        return self.llm.metadata.get("tokenizer.chat_template") or None

    def render_chat(self, messages: list[dict]) -> tuple[str, list[str]] | None:
        """The model's own chat template applied to `messages` (None for base models)."""
        template = self.chat_template()
        if template is None:
            return None
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        def token_text(token_id: int) -> str:
            return self.llm.detokenize([token_id]).decode("utf-8", "ignore") if token_id >= 0 else ""

        formatter = Jinja2ChatFormatter(template, eos_token=token_text(self.llm.token_eos()),
                                        bos_token=token_text(self.llm.token_bos()))
        response = formatter(messages=messages)
        stops = response.stop if isinstance(response.stop, list) else [response.stop] if response.stop else []
        return response.prompt, stops

    def count_tokens(self, text: str) -> int:
        return len(self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def _grammar(self, text: str):
        import llama_cpp

        if text not in self._grammars:
            with quiet_stderr():
                self._grammars[text] = llama_cpp.LlamaGrammar.from_string(text, verbose=False)
        return self._grammars[text]

    def complete(self, prompt: str, *, max_tokens: int, temperature: float = 0.0,
                 stop: Sequence[str] = (), grammar: str | None = None, seed: int | None = None,
                 on_token: OnToken | None = None, until: Until | None = None) -> Completion:
        """Continue `prompt`, streaming pieces to `on_token`; greedy when temperature is 0."""
        began = time.monotonic()
        first = 0.0
        pieces: list[str] = []
        finish = ""
        kwargs = dict(max_tokens=max_tokens, temperature=temperature, stop=list(stop) or None,
                      stream=True, top_k=40 if temperature else 1, top_p=0.95, repeat_penalty=1.0)
        if seed is not None:
            kwargs["seed"] = seed
        if grammar:
            kwargs["grammar"] = self._grammar(grammar)
        prompt_tokens = self.count_tokens(prompt) + 1
        count = 0
        stream = self.llm(prompt, **kwargs)
        for chunk in stream:
            choice = chunk["choices"][0]
            piece = choice.get("text", "")
            if not first:
                first = time.monotonic() - began
            count += 1
            if piece:
                pieces.append(piece)
                if on_token:
                    on_token(piece)
            finish = choice.get("finish_reason") or finish
            if until is not None and piece and until("".join(pieces)):
                stream.close()  # ends decoding now
                finish = "until"
                break
        return Completion("".join(pieces), prompt_tokens, count, time.monotonic() - began, first, finish)
