"""The 'openai' backend: any OpenAI-compatible server (llama-cpp-python's, llama-server, vLLM).

Base models get plain /v1/completions with the same few-shot prompts as the embedded model;
chat models get /v1/chat/completions through `chat()`, since the server, not the client,
holds their template. Answers stream (SSE) to `on_token`; `until` closes the stream, which
stops the server decoding.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Sequence

from copilot.context import AppContext
from copilot.errors import BackendError
from copilot.model.base import Completion, OnToken, Until
from copilot.model.openai_http import ServerHTTP
from copilot.model.openai_server import (ServerInfo, discover, grammar_fields, grammar_mode,
                                         pick_model, sampling_fields, uses_chat)


def api_key(app: AppContext) -> str:
    """The key from the env var named by api_key_env, else the first line of api_key_file."""
    s = app.settings
    key = app.environ.get(s.api_key_env, "") if s.api_key_env else ""
    if key or not s.api_key_file:
        return key.strip()
    path = Path(s.api_key_file).expanduser()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise BackendError(f"api_key_file {path} cannot be read ({exc.__class__.__name__}); "
                           f"fix the path or set the env var {s.api_key_env}.") from None
    return lines[0].strip() if lines else ""


class OpenAIModel:
    """A model behind an OpenAI-compatible server; the server is asked what it is on first use."""

    def __init__(self, http: ServerHTTP, *, model: str = "", chat: str = "auto",
                 grammar: str = "auto") -> None:
        self.http = http
        self._wanted, self._chat_setting, self._grammar_setting = model, chat, grammar
        self._info: ServerInfo | None = None
        self._model = ""

    def _discover(self) -> ServerInfo:
        """Ask the server once what it is and serves; the wanted model must be among them."""
        if self._info is None:
            info = discover(self.http)
            self._model = pick_model(info, self._wanted, self.http.root)
            self._info = info
        return self._info

    @property
    def info(self) -> ServerInfo:
        """The server's kind, version and models."""
        return self._discover()

    @property
    def name(self) -> str:
        """The model id requests carry."""
        self._discover()
        return self._model

    @property
    def is_chat(self) -> bool:
        return uses_chat(self._chat_setting, self.info, self.name)

    @property
    def grammar_mode(self) -> str:
        """'llama', 'vllm' or 'off' (grammars are then dropped; doctor says so)."""
        return grammar_mode(self._grammar_setting, self.info)

    def chat_template(self) -> str | None:
        return self.info.chat_template

    def render_chat(self, messages: list[dict]) -> tuple[str, list[str]] | None:
        """None: the server applies its own template, so chat goes through `chat()`."""
        return None

    def count_tokens(self, text: str) -> int:
        """The server's tokenizer where it has one; otherwise about four characters a token."""
        kind = self.info.kind
        try:
            if kind == "llama-cpp-python":
                return int(self.http.post_json("/extras/tokenize/count", {"input": text})["count"])
            if kind == "llama-server":
                return len(self.http.post_json("/tokenize", {"content": text})["tokens"])
            if kind == "vllm":
                return int(self.http.post_json("/tokenize", {"model": self.name, "prompt": text})["count"])
        except (BackendError, KeyError, TypeError, ValueError):
            pass
        return max(1, len(text) // 4)

    def _body(self, max_tokens: int, temperature: float, stop: Sequence[str], grammar: str | None,
              seed: int | None) -> dict:
        info = self.info
        body = {"model": self.name, "max_tokens": max_tokens, "temperature": temperature,
                **sampling_fields(info.flavor, temperature),
                **grammar_fields(self.grammar_mode, grammar, info.version)}
        if stop:
            body["stop"] = list(stop)[:4] if info.kind == "openai" else list(stop)  # OpenAI's limit
        if seed is not None:
            body["seed"] = seed
        return body

    def complete(self, prompt: str, *, max_tokens: int, temperature: float = 0.0,
                 stop: Sequence[str] = (), grammar: str | None = None, seed: int | None = None,
                 on_token: OnToken | None = None, until: Until | None = None) -> Completion:
        """Continue `prompt` through /v1/completions, streaming pieces to `on_token`."""
        body = {"prompt": prompt, **self._body(max_tokens, temperature, stop, grammar, seed)}
        return self._stream("completions", body, lambda c: c.get("text") or "", on_token, until)

    def chat(self, messages: list[dict], *, max_tokens: int, temperature: float = 0.0,
             stop: Sequence[str] = (), grammar: str | None = None, seed: int | None = None,
             on_token: OnToken | None = None, until: Until | None = None) -> Completion | None:
        """Answer `messages` through /v1/chat/completions; None when the model is not a chat model."""
        if not self.is_chat:
            return None
        body = {"messages": messages, **self._body(max_tokens, temperature, stop, grammar, seed)}
        return self._stream("chat/completions", body,
                            lambda c: (c.get("delta") or {}).get("content") or "", on_token, until)

    def _stream(self, path: str, body: dict, piece_of, on_token: OnToken | None,
                until: Until | None) -> Completion:
        began = time.monotonic()
        first, count, finish = 0.0, 0, ""
        pieces: list[str] = []
        usage: dict = {}
        with self.http.events(path, body) as events:
            for event in events:
                usage = event.get("usage") or usage
                choices = event.get("choices") or []
                if not choices:
                    continue
                choice = choices[0]
                piece = piece_of(choice)
                count += 1
                if not first:
                    first = time.monotonic() - began
                finish = choice.get("finish_reason") or finish
                if piece:
                    pieces.append(piece)
                    if on_token:
                        on_token(piece)
                    if until is not None and until("".join(pieces)):
                        finish = "until"
                        break  # leaving the block closes the connection: the server stops
        if not finish:
            raise BackendError(
                f"the model server at {self.http.root} ended the answer without a finish reason "
                f"(after {len(pieces)} pieces); llama_cpp.server cuts a stream when another request "
                f"arrives unless started with --interrupt_requests False.")
        text = "".join(pieces)
        return Completion(text, int(usage.get("prompt_tokens", 0)),
                          int(usage.get("completion_tokens", 0)) or count,
                          time.monotonic() - began, first, finish)

    def ping(self) -> float:
        """Seconds for a one-token completion: the latency every request pays at least."""
        chat = self.is_chat  # asks the server what it is before the clock starts
        began = time.monotonic()
        if chat:
            self.chat([{"role": "user", "content": "Hello"}], max_tokens=1)
        else:
            self.complete("Hello", max_tokens=1)
        return time.monotonic() - began

    def close(self) -> None:
        self.http.close()


def build(app: AppContext) -> OpenAIModel:
    """The backend factory the `backend = "openai"` setting names."""
    s = app.settings
    ca = Path(s.remote_ca).expanduser() if s.remote_ca else None
    if ca is not None and not ca.is_file():
        raise BackendError(f"remote_ca {ca} does not exist; set it to the PEM bundle of the CA "
                           f"that signed the model server's certificate.")
    http = ServerHTTP(s.base_url, api_key(app), timeout=s.remote_timeout, retries=s.remote_retries,
                      ca_bundle=str(ca) if ca else "")
    return OpenAIModel(http, model=s.remote_model, chat=s.remote_chat, grammar=s.remote_grammar)
