"""Domain-adaptive pretraining: continue causal-LM training on the domain corpus.

Defaults follow ChipNeMo: AdamW (betas 0.9/0.95, weight decay 0.01), a small constant
learning rate (5e-6), full fine-tuning; --lora-rank N trains a LoRA adapter instead (the
paper found full tuning clearly better; both are measurable here: compare the held-out loss
in run.json). Pieces of corpus.jsonl are tokenized with BOS/EOS, concatenated and cut into
blocks of --block-size tokens; a share of blocks is held out to report loss before/after.
Checkpoints every --save-steps; running the same command again resumes from the newest.

    python tools/train_dapt.py --base /tmp/tok/model --corpus /tmp/corpus/corpus.jsonl \
        --out /tmp/dapt --threads 2 --max-steps 200
    accelerate launch --config_file tools/accelerate_fsdp.yaml tools/train_dapt.py --base ...
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from copilot.training.options import LoopConfig, option, parse_args  # noqa: E402


@dataclass
class Config(LoopConfig):
    base: str = option("default", "Base: 'default', a GGUF, or a transformers folder (e.g. the tokenizer step's model).")
    corpus: str = option("", "corpus.jsonl; empty means <data dir>/training/corpus/corpus.jsonl.")
    out: str = option("", "Output folder; empty means <data dir>/training/dapt.")
    block_size: int = option(256, "Tokens per training sequence.")
    val_share: float = option(0.02, "Share of blocks held out to measure loss before/after.")


def blocks(tokenizer, texts: list[str], size: int) -> list[list[int]]:
    """Concatenate BOS text EOS for every text and cut into blocks of `size` tokens."""
    stream: list[int] = []
    bos = [tokenizer.bos_token_id] if tokenizer.bos_token_id is not None else []
    eos = [tokenizer.eos_token_id] if tokenizer.eos_token_id is not None else []
    for text in texts:
        stream += bos + tokenizer(text, add_special_tokens=False)["input_ids"] + eos
    return [stream[i:i + size] for i in range(0, len(stream) - size + 1, size)]


def main(config: Config) -> dict:
    import json
    import random

    from copilot.context import AppContext
    from copilot.errors import TrainingError
    from copilot.training import trainer
    from copilot.training.base_model import read_lineage, resolve_base, write_lineage
    from copilot.training.runs import corpus_file, open_run

    app = AppContext.build()
    corpus = corpus_file(config.corpus, app.locations.training_dir)
    out, record = open_run("dapt", config, app.locations.training_dir)
    trainer.set_threads(config.threads)
    base, _ = resolve_base(config.base, app.locations, log=lambda s: print(s, file=sys.stderr))

    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(base))
    try:
        texts = [json.loads(line)["text"] for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError):
        raise TrainingError(f"{corpus} is not a corpus.jsonl of {{\"text\": ...}} lines; build it with "
                            "`copilot train corpus`.") from None
    random.Random(config.seed).shuffle(texts)
    data = blocks(tokenizer, texts, config.block_size)
    if len(data) < 2:
        raise TrainingError(f"the corpus {corpus} gives {len(data)} block(s) of {config.block_size} tokens; "
                            "add text or lower --block-size.")
    n_val = max(1, int(len(data) * config.val_share))
    rows = [{"input_ids": b, "labels": b} for b in data]
    val_rows, train_rows = rows[:n_val], rows[n_val:]
    model = trainer.load_model(base, config.lora_rank, config.lora_alpha, 0.05, config.gradient_checkpointing)
    record.inputs([corpus])
    record.metrics(blocks=len(rows), train_tokens=len(train_rows) * config.block_size,
                   val_tokens=len(val_rows) * config.block_size, base=str(base),
                   **trainer.trainable_summary(model))
    collator = trainer.PadCollator(tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0)
    before = trainer.held_out_loss(model, val_rows, collator)
    loop = trainer.loop_options(out, config)
    metrics = trainer.run(trainer.make_trainer(model, train_rows, collator, loop, record), out, config.resume)
    after = trainer.held_out_loss(model, val_rows, collator)
    if config.lora_rank > 0:
        model.save_pretrained(out / "adapter")
        model = model.merge_and_unload()  # later steps (sft, export) take a plain model folder
    model.save_pretrained(out / "model")
    tokenizer.save_pretrained(out / "model")
    write_lineage(out / "model", read_lineage(base), {"step": "dapt", "out": str(out / "model"),
                                                      "base": str(base), "run": str(out / "run.json")})
    metrics.update(held_out_loss_before=before, held_out_loss_after=after,
                   tokens_per_second=round(metrics["sequences_seen"] * config.block_size
                                           / max(1e-9, metrics["wall_seconds"]), 1),
                   output=str(out / "model"))
    record.metrics(**metrics)
    print(json.dumps(metrics, indent=2))
    return metrics


if __name__ == "__main__":
    main(parse_args(Config, description=__doc__))
