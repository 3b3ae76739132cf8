"""What kind of OpenAI-compatible server answers, and the request fields each kind takes.

llama-cpp-python's server, llama.cpp's `llama-server` and vLLM all speak /v1/completions and
/v1/chat/completions, but differ in their sampling extras and in how a grammar is passed:
llama.cpp servers take a GBNF `grammar`; vLLM takes guided decoding (`guided_grammar` before
0.11, `structured_outputs` after); a plain OpenAI endpoint takes none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from copilot.errors import BackendError, SettingsError
from copilot.model.openai_http import ServerHTTP

CHAT_NAME = re.compile(r"(instruct|chat|[-_]it\b|[-_]it[-_.])", re.IGNORECASE)
GRAMMAR_MODES = ("auto", "llama", "vllm", "off")
CHAT_MODES = ("auto", "yes", "no")


@dataclass
class ServerInfo:
    """The server's kind ('llama-cpp-python', 'llama-server', 'vllm', 'openai'), version and models."""

    kind: str
    version: str
    models: list[str]
    chat_template: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def flavor(self) -> str:
        """'llama' for both llama.cpp servers, else the kind."""
        return "llama" if self.kind in ("llama-cpp-python", "llama-server") else self.kind


def _try_json(http: ServerHTTP, path: str):
    try:
        return http.get_json(path)
    except BackendError:
        return None


def discover(http: ServerHTTP) -> ServerInfo:
    """List the server's models and work out its kind and version (a few small GETs)."""
    listing = http.get_json("models")
    rows = listing.get("data") if isinstance(listing, dict) else None
    if not isinstance(rows, list):
        raise BackendError(f"the server at {http.root} answered /v1/models without a model list; "
                           f"is base_url an OpenAI-compatible server?")
    models = [str(r.get("id")) for r in rows if isinstance(r, dict) and r.get("id")]
    owners = {str(r.get("owned_by", "")) for r in rows if isinstance(r, dict)}
    if "vllm" in owners:
        info = _try_json(http, "/version") or {}
        return ServerInfo("vllm", str(info.get("version", "?")), models)
    if "llamacpp" in owners:
        props = _try_json(http, "/props") or {}
        return ServerInfo("llama-server", str(props.get("build_info", "?")), models,
                          props.get("chat_template") or None)
    api = _try_json(http, "/openapi.json") or {}
    title = str((api.get("info") or {}).get("title", ""))
    if "llama.cpp Python" in title:
        return ServerInfo("llama-cpp-python", str(api["info"].get("version", "?")), models)
    return ServerInfo("openai", "?", models)


def pick_model(info: ServerInfo, wanted: str, root: str) -> str:
    """The model id to send: the one asked for (which the server must have) or its first."""
    if not info.models:
        raise BackendError(f"the model server at {root} lists no models (/v1/models is empty); "
                           f"check that it loaded one.")
    if not wanted:
        return info.models[0]
    if wanted not in info.models:
        raise BackendError(f"the model server at {root} has no model '{wanted}'; it serves: "
                           f"{', '.join(info.models)}. Set remote_model to one of them.")
    return wanted


def uses_chat(setting: str, info: ServerInfo, model: str) -> bool:
    """Whether requests go to /v1/chat/completions (messages) rather than /v1/completions."""
    mode = setting.strip().lower()
    if mode not in CHAT_MODES:
        raise SettingsError(f"remote_chat must be one of {', '.join(CHAT_MODES)}, got {setting!r}.")
    if mode != "auto":
        return mode == "yes"
    return bool(info.chat_template) or bool(CHAT_NAME.search(model.rsplit("/", 1)[-1]))


def grammar_mode(setting: str, info: ServerInfo) -> str:
    """'llama', 'vllm' or 'off': how (whether) a grammar reaches this server."""
    mode = setting.strip().lower()
    if mode not in GRAMMAR_MODES:
        raise SettingsError(f"remote_grammar must be one of {', '.join(GRAMMAR_MODES)}, got {setting!r}.")
    if mode != "auto":
        return mode
    return info.flavor if info.flavor in ("llama", "vllm") else "off"


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", text)[:2]) or (0,)


def grammar_fields(mode: str, grammar: str | None, version: str) -> dict:
    """The request fields that carry a GBNF grammar for this server ({} when off or none)."""
    if not grammar or mode == "off":
        return {}
    if mode == "llama":
        return {"grammar": grammar}
    # vLLM renamed guided_grammar to structured_outputs.grammar (removed the old name in 0.12)
    if _version(version) >= (0, 11):
        return {"structured_outputs": {"grammar": grammar}}
    return {"guided_grammar": grammar}


def sampling_fields(flavor: str, temperature: float) -> dict:
    """Sampling extras that make a server decode like the embedded backend (greedy at 0,
    no repetition penalty); a plain OpenAI endpoint gets only the standard fields."""
    if flavor == "llama":
        return {"top_k": 40 if temperature else 1, "top_p": 0.95, "repeat_penalty": 1.0}
    if flavor == "vllm":
        return {"top_k": 40 if temperature else 1, "top_p": 0.95, "repetition_penalty": 1.0}
    return {"top_p": 0.95}
