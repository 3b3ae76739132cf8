"""Doctor checks for team setups: the model server (backend 'openai') and a shared Chroma server."""

from __future__ import annotations

import importlib.metadata

from copilot.context import AppContext

GRAMMAR_FIX = ("use a llama.cpp server (llama_cpp.server or llama-server) or vLLM, or set "
               "remote_grammar to how your server takes GBNF")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def model_server(app: AppContext) -> list:
    """Which server answers, its version, the model used, one request's latency, and grammars."""
    from copilot.health import Check
    from copilot.model.openai_backend import build

    model = build(app)
    try:
        info = model.info
        mode = "chat endpoint" if model.is_chat else "completions"
        latency = model.ping()
        checks = [Check("model server", "ok",
                        f"{info.kind} {info.version} at {model.http.root}; model {model.name} ({mode}); "
                        f"1-token request {_ms(latency)}")]
        grammar = model.grammar_mode
        if grammar == "off":
            why = ("remote_grammar is 'off'" if app.settings.remote_grammar.strip().lower() == "off"
                   else f"a {info.kind} server takes no GBNF grammar")
            checks.append(Check("grammar", "warn" if app.settings.grammar else "ok",
                                f"{why}: decoding is unconstrained; the checks and repair loop still "
                                f"run locally", GRAMMAR_FIX, required=False))
        else:
            how = "`grammar` (GBNF)" if grammar == "llama" else "vLLM guided decoding"
            state = "on" if app.settings.grammar else "off (set grammar = true to use it)"
            note = "; chat models are not constrained (the grammar fits the few-shot prompt)" \
                if model.is_chat else ""
            checks.append(Check("grammar", "ok", f"server takes grammars as {how}; grammar {state}{note}",
                                required=False))
        return checks
    finally:
        model.close()


def chroma_server(app: AppContext):
    """The shared index: server version, one heartbeat's latency, and what the collection holds."""
    from copilot.docs.store import heartbeat, open_store
    from copilot.health import Check

    client_version = importlib.metadata.version("chromadb")
    url = app.settings.chroma_url
    version, seconds = heartbeat(app)
    where = f"Chroma {version} at {url} (client {client_version}); heartbeat {_ms(seconds)}"
    store = open_store(app)  # refuses a collection built with another embedding model
    if store is None or not store.entries():
        return Check("store", "warn", f"{where}; the shared index is empty",
                     f"copilot index --defaults --chroma-url {url}", required=False)
    return Check("store", "ok", f"{where}; {len(store.entries())} sources, embedding model {store.model}",
                 required=False)
