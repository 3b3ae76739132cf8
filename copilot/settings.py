"""The one Settings object: flags > config.toml > COPILOT_* env vars > defaults."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Mapping

from copilot.errors import SettingsError
from copilot.locations import Locations

ENV_PREFIX = "COPILOT_"


def _doc(text: str, default: Any) -> Any:
    return field(default=default, metadata={"doc": text})


@dataclass(frozen=True)
class Settings:
    """Every knob the copilot has; built once at the edge and passed down."""

    tool: str = _doc("Tool profile used when a command gives no --tool.", "opensta")
    model: str = _doc("GGUF model file; empty means the embedded Gemma 3 270M.", "")
    lora: str = _doc("GGUF LoRA adapter applied on top of the model; empty for none.", "")
    gpu_layers: str = _doc("Layers offloaded to the GPU: 'auto' (all when a GPU build and GPU exist), or a number.", "auto")
    threads: int = _doc("CPU threads for llama.cpp; 0 means all cores.", 0)
    context: int = _doc("Model context window in tokens.", 4096)
    max_tokens: int = _doc("Most tokens one generation may produce.", 320)
    temperature: float = _doc("Sampling temperature for candidates after the first (the first is greedy).", 0.7)
    seed: int = _doc("Random seed for sampling.", 1234)
    attempts: int = _doc("Most candidates (first try plus repairs) per generate request.", 3)
    grammar: bool = _doc("Constrain decoding with the tool's GBNF grammar.", False)
    timeout: float = _doc("Seconds one tool command may run before the session is restarted.", 60.0)
    setup: str = _doc("Setup script loaded into the tool before a generated script runs.", "")
    sta: str = _doc("The OpenSTA executable.", "sta")
    store: str = _doc("Folder of the docs index; empty means the data dir's store.", "")
    chroma_url: str = _doc("URL of a shared Chroma server (chroma run); empty for the embedded store.", "")
    embedding_model: str = _doc("Sentence-transformers folder that embeds the docs; empty means the bundled all-MiniLM-L6-v2 (a store built with one model is refused by another).", "")
    ask_passages: int = _doc("Passages `copilot ask` puts in front of the model, best first.", 4)
    min_relevance: float = _doc("Cosine similarity (0-1) the best passage needs for `copilot ask` to answer; below it, it says it does not know.", 0.29)
    request_prefix: str = _doc("Prefix that marks a line typed in `copilot shell` as a request.", "??")
    allow_modify: bool = _doc("Let --yes run scripts that change the design without asking.", False)
    editor: str = _doc("Editor for [e]dit in `copilot shell`; empty means $VISUAL, then $EDITOR, then vi.", "")
    use_server: bool = _doc("Let commands such as `generate` use a running `copilot serve` instead of loading the model themselves.", True)
    server_port: int = _doc("TCP port `copilot serve` listens on at 127.0.0.1 (for the Tcl plugin); 0 picks a free one.", 0)
    server_timeout: float = _doc("Seconds a client waits for `copilot serve` to answer one request.", 300.0)
    backend: str = _doc("Model backend: 'llama' (embedded llama.cpp), 'openai' (an OpenAI-compatible server), or a plugin's 'module:factory'.", "llama")
    base_url: str = _doc("Base URL of the OpenAI-compatible server when backend is 'openai'.", "")
    api_key_env: str = _doc("Name of the env var that holds the server's API key.", "COPILOT_API_KEY")
    api_key_file: str = _doc("File whose first line is the server's API key, used when the api_key_env variable is unset (keys never go on the command line).", "")
    remote_model: str = _doc("Model name on the OpenAI-compatible server; empty means the server's only (or first) model.", "")
    remote_chat: str = _doc("Send requests to the server's chat endpoint: 'auto' (when the server says its model has a chat template, or the name says instruct/chat), 'yes', or 'no' (plain completions with the few-shot prompt).", "auto")
    remote_grammar: str = _doc("How GBNF grammars reach the server: 'auto' (by server kind), 'llama' (llama.cpp servers: `grammar`), 'vllm' (guided decoding), or 'off' (unconstrained; the checks still run locally).", "auto")
    remote_timeout: float = _doc("Seconds the model server may stay silent (connecting, or between streamed tokens) before a request fails.", 120.0)
    remote_retries: int = _doc("Times a request the model server could not take (down, busy, 5xx) is retried, with backoff, before failing.", 2)
    remote_ca: str = _doc("CA bundle (PEM) that verifies an https model server with a private CA; empty uses the system's.", "")

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    @classmethod
    def doc(cls, name: str) -> str:
        return next(f.metadata["doc"] for f in fields(cls) if f.name == name)

    def store_path(self, locations: Locations) -> Path:
        return Path(self.store).expanduser() if self.store else locations.store_dir


def _coerce(name: str, raw: Any, kind: type, origin: str) -> Any:
    """Turn a TOML or env value into the field's type, or say where it was wrong."""
    try:
        if kind is bool:
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in {"1", "true", "yes", "on"}:
                return True
            if text in {"0", "false", "no", "off"}:
                return False
            raise ValueError(raw)
        if kind is int and isinstance(raw, float):
            raise ValueError(raw)
        return kind(raw)
    except (TypeError, ValueError):
        raise SettingsError(
            f"{origin}: '{name}' must be {kind.__name__}, got {raw!r}; fix it or remove it."
        ) from None


def _types() -> dict[str, type]:
    return {f.name: {"str": str, "int": int, "float": float, "bool": bool}[f.type] for f in fields(Settings)}


def read_config_file(path: Path) -> dict[str, Any]:
    """Read config.toml; a missing file is an empty config."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"cannot read config file {path}: {exc}; fix or delete it.") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"config file {path} is not valid TOML ({exc}); fix or delete it.") from None


def load_settings(
    locations: Locations,
    environ: Mapping[str, str],
    flags: Mapping[str, Any] | None = None,
) -> tuple[Settings, dict[str, str]]:
    """Resolve every setting and say where each value came from."""
    types = _types()
    values: dict[str, Any] = {}
    sources = {name: "default" for name in types}
    for name, kind in types.items():
        env_name = ENV_PREFIX + name.upper()
        if env_name in environ:
            values[name] = _coerce(name, environ[env_name], kind, f"env {env_name}")
            sources[name] = f"env {env_name}"
    config = read_config_file(locations.config_file)
    for name, raw in config.items():
        if name not in types:
            raise SettingsError(
                f"{locations.config_file}: unknown setting '{name}'; known: {', '.join(types)}."
            )
        values[name] = _coerce(name, raw, types[name], str(locations.config_file))
        sources[name] = f"config {locations.config_file}"
    for name, raw in (flags or {}).items():
        if raw is None:
            continue
        values[name] = _coerce(name, raw, types[name], f"flag --{name.replace('_', '-')}")
        sources[name] = "flag"
    return replace(Settings(), **values), sources
