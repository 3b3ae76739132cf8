"""Add domain tokens to the base tokenizer and resize the model (ChipNeMo's recipe).

A BPE is trained on the domain part of the corpus; of its vocabulary, whole identifiers
(report_checks, path_delay, get_ports ...) that save tokens (the base tokenizer needs at
least two more, with and without a space before them), that occur often enough, and that
are rare in general text are added, most tokens saved first. Added
tokens never carry a leading space and are never sub-word pieces (`_check`): llama.cpp and
transformers both match added tokens anywhere in the text, so a piece would split words.
New input rows start as the mean of the pieces the base tokenizer used for the word, new
output rows at zero (with tied embeddings, the shared row takes the mean). The token-count
reduction on held-out domain text and on general text is reported.

    python tools/train_tokenizer.py --corpus /tmp/corpus/corpus.jsonl --out /tmp/tok
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from copilot.training.options import option, parse_args  # noqa: E402


@dataclass
class Config:
    base: str = option("default", "Base model: 'default', a GGUF file, or a transformers folder.")
    corpus: str = option("", "corpus.jsonl from `copilot train corpus`; empty means <data dir>/training/corpus/corpus.jsonl.")
    general: list[str] = option([], "General text files for the rarity test (default: the corpus's general part).")
    out: str = option("", "Output folder; empty means <data dir>/training/tokenizer.")
    bpe_vocab: int = option(8000, "Vocabulary size of the domain BPE that proposes tokens.")
    max_new: int = option(1000, "Most tokens to add.")
    min_count: int = option(5, "Times a word must occur in the domain text.")
    min_chars: int = option(4, "Shortest token to add.")
    whole_word_share: float = option(0.9, "Share of a word's occurrences that must be whole words (not inside longer ones).")
    max_general_per_million: float = option(2.0, "Most occurrences per million characters of general text.")
    holdout: float = option(0.1, "Share of domain pieces kept out of token selection to measure the reduction.")
    seed: int = option(0, "Random seed for the held-out split.")


IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_]*"


def bpe_words(texts: list[str], size: int) -> list[str]:
    """Whole-identifier entries of a BPE trained on `texts` (words split at spaces/punctuation)."""
    from tokenizers import Regex, Tokenizer, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE(unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Split(Regex(IDENTIFIER + r"|\d+|[^\sA-Za-z0-9_]"), "isolated")
    trainer = trainers.BpeTrainer(vocab_size=size, special_tokens=["[UNK]"], show_progress=False)
    tokenizer.train_from_iterator(texts, trainer)
    return list(tokenizer.get_vocab())


def select_tokens(config: Config, tokenizer, domain: list[str], general: list[str]) -> tuple[list[str], dict]:
    """The words to add, best first (most base tokens saved), with why others were dropped."""
    import re
    from collections import Counter

    ident = re.compile(rf"^{IDENTIFIER}$")
    words = Counter(re.findall(IDENTIFIER, "\n".join(domain)))
    inside = Counter()
    joined = "\n".join(domain)
    general_text = "\n".join(general)
    general_chars = max(1, len(general_text))
    stats = {"bpe_entries": 0, "not_identifier": 0, "too_rare": 0, "saves_no_token": 0,
             "sub_word": 0, "common_in_general": 0}
    scored = []
    for entry in bpe_words(domain, config.bpe_vocab):
        stats["bpe_entries"] += 1
        if not ident.match(entry) or len(entry) < config.min_chars:
            stats["not_identifier"] += 1
            continue
        if words[entry] < config.min_count:
            stats["too_rare"] += 1
            continue
        # An added token has no leading space, so after a space the space becomes a token of
        # its own: the word must save a token in both places.
        alone = len(tokenizer(entry, add_special_tokens=False)["input_ids"]) - 1
        spaced = len(tokenizer(" " + entry, add_special_tokens=False)["input_ids"]) - 2
        saving = min(alone, spaced)
        if saving < 1:
            stats["saves_no_token"] += 1
            continue
        inside[entry] = joined.count(entry) - words[entry]
        if words[entry] < config.whole_word_share * (words[entry] + inside[entry]):
            stats["sub_word"] += 1
            continue
        if general and len(re.findall(rf"(?<![A-Za-z0-9_]){re.escape(entry)}(?![A-Za-z0-9_])", general_text)) \
                * 1e6 / general_chars > config.max_general_per_million:
            stats["common_in_general"] += 1
            continue
        scored.append((saving * words[entry], entry))
    scored.sort(reverse=True)
    chosen = [entry for _, entry in scored[:config.max_new]]
    stats["chosen"] = len(chosen)
    return chosen, stats


def count_tokens(tokenizer, texts: list[str]) -> int:
    return sum(len(tokenizer(t, add_special_tokens=False)["input_ids"]) for t in texts)


def init_new_rows(model, old_tokenizer, new_tokens: list[str], first_id: int) -> str:
    """Input rows: mean of the base pieces' rows; output rows: zero (unless tied)."""
    import torch

    inputs = model.get_input_embeddings().weight
    outputs = model.get_output_embeddings().weight if model.get_output_embeddings() is not None else None
    tied = outputs is None or outputs.data_ptr() == inputs.data_ptr()
    with torch.no_grad():
        for offset, token in enumerate(new_tokens):
            pieces = old_tokenizer(token, add_special_tokens=False)["input_ids"]
            inputs[first_id + offset] = inputs[pieces].mean(dim=0)
            if not tied:
                outputs[first_id + offset] = 0.0
    return "tied: shared rows take the mean" if tied else "input mean, output zero"


def main(config: Config) -> dict:
    import json
    import random

    from copilot.context import AppContext
    from copilot.errors import TrainingError
    from copilot.training.base_model import read_lineage, resolve_base, write_lineage
    from copilot.training.gguf_files import gguf_vocab
    from copilot.training.runs import corpus_file, open_run

    app = AppContext.build()
    corpus = corpus_file(config.corpus, app.locations.training_dir)
    out, record = open_run("tokenizer", config, app.locations.training_dir)
    rows = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    domain = [r["text"] for r in rows if r.get("kind") != "general"]
    general = [r["text"] for r in rows if r.get("kind") == "general"]
    for path in config.general:
        general.append(Path(path).read_text(encoding="utf-8", errors="replace"))
    if len(domain) < 10:
        raise TrainingError(f"the corpus {corpus} has {len(domain)} domain pieces; a domain tokenizer "
                            "needs at least 10 (add documentation or scripts to the corpus).")
    random.Random(config.seed).shuffle(domain)
    n_held = max(1, int(len(domain) * config.holdout))
    held, train = domain[:n_held], domain[n_held:]

    from transformers import AutoModelForCausalLM, AutoTokenizer

    base, base_gguf = resolve_base(config.base, app.locations, log=lambda s: print(s, file=sys.stderr))
    lineage = read_lineage(base)
    old = AutoTokenizer.from_pretrained(str(base))
    new = AutoTokenizer.from_pretrained(str(base))
    if base_gguf is not None and len(gguf_vocab(base_gguf)) + len(lineage.get("added_tokens", [])) != len(old):
        raise TrainingError(f"the tokenizer in {base} has {len(old)} tokens but its GGUF vocabulary has a "
                            "different count; new token ids would not line up on export.")
    chosen, stats = select_tokens(config, old, train, general)
    if not chosen:
        raise TrainingError(f"no domain token qualified ({stats}); lower --min-count or add more domain text.")
    from tokenizers import AddedToken

    first_id = len(old)
    new.add_tokens([AddedToken(t, normalized=False, special=False) for t in chosen])
    model = AutoModelForCausalLM.from_pretrained(str(base), dtype="float32")
    model.resize_token_embeddings(len(new))
    init = init_new_rows(model, old, chosen, first_id)
    model.save_pretrained(out / "model")
    new.save_pretrained(out / "model")
    write_lineage(out / "model", {**lineage, "added_tokens": lineage.get("added_tokens", []) + chosen},
                  {"step": "tokenizer", "out": str(out / "model"), "added": len(chosen), "run": str(out / "run.json")})
    (out / "added_tokens.txt").write_text("\n".join(chosen) + "\n", encoding="utf-8")

    def reduction(texts: list[str]) -> dict:
        before, after = count_tokens(old, texts), count_tokens(new, texts)
        return {"texts": len(texts), "tokens_before": before, "tokens_after": after,
                "reduction": round(1 - after / before, 4) if before else None}

    record.inputs([corpus] + [Path(p) for p in config.general])
    metrics = {"added": len(chosen), "selection": stats, "init": init, "first_new_id": first_id,
               "sample": chosen[:20], "domain_heldout": reduction(held),
               "general": reduction(general) if general else "no general text given",
               "output": str(out / "model")}
    record.metrics(**metrics)
    if (metrics["domain_heldout"]["reduction"] or 0) <= 0:
        print("warning: the added tokens do not shorten held-out domain text; raise --min-count or "
              "give more domain text before continuing with this tokenizer.", file=sys.stderr)
    print(json.dumps(metrics, indent=2))
    return metrics


if __name__ == "__main__":
    main(parse_args(Config, description=__doc__))
