"""Decoding speed of the copilot's model wrapper against plain llama-cpp-python."""

from __future__ import annotations

import time


def plain_llama_speed(llm, prompt: str, max_tokens: int) -> dict:
    """tokens/s and time to first token of plain streaming llama-cpp-python on `prompt`."""
    began = time.monotonic()
    first = 0.0
    count = 0
    for _chunk in llm(prompt, max_tokens=max_tokens, temperature=0.0, top_k=1, stream=True):
        if not first:
            first = time.monotonic() - began
        count += 1
    total = time.monotonic() - began
    return {"tokens": count, "tokens_per_second": round((count - 1) / (total - first), 1) if count > 1 else 0.0,
            "first_token_seconds": round(first, 3)}


def copilot_speed(model, prompt: str, max_tokens: int, grammar: str | None = None) -> dict:
    """The same measurement through the copilot's LlamaModel.complete (optionally with a grammar)."""
    completion = model.complete(prompt, max_tokens=max_tokens, temperature=0.0, grammar=grammar)
    return {"tokens": completion.completion_tokens,
            "tokens_per_second": round(completion.tokens_per_second, 1),
            "first_token_seconds": round(completion.first_token_seconds, 3)}


def measure(model, prompt: str, grammar: str | None = None, max_tokens: int = 96, rounds: int = 3) -> dict:
    """Median over `rounds` of plain vs copilot decoding (and copilot + grammar when given)."""
    import statistics

    def median_of(runs: list[dict]) -> dict:
        return {k: statistics.median(r[k] for r in runs) for k in runs[0]}

    plain = median_of([plain_llama_speed(model.llm, prompt, max_tokens) for _ in range(rounds)])
    ours = median_of([copilot_speed(model, prompt, max_tokens) for _ in range(rounds)])
    out = {"threads": model.threads, "prompt_tokens": model.count_tokens(prompt),
           "plain": plain, "copilot": ours}
    if grammar:
        out["copilot_grammar"] = median_of([copilot_speed(model, prompt, max_tokens, grammar)
                                            for _ in range(rounds)])
    return out
