"""Instruction-tune the model on the tool's example bank (and optional Q&A / general data).

Each bank example becomes the exact prompt `copilot generate` would build for its request
(its nearest *other* examples, the design header, then `# Request: ...`); the loss is taken
on the answer only (the script and "# End"). LoRA by default (the shipped form: a few-MB
GGUF adapter); --lora-rank 0 for full fine-tuning.

    python tools/train_sft.py --base default --out /tmp/sft --threads 1 --epochs 1
    copilot train sft --base default --out /tmp/sft           # the same, through the CLI
    accelerate launch --config_file tools/accelerate_fsdp.yaml tools/train_sft.py --base ...
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from copilot.training.options import LoopConfig, option, parse_args  # noqa: E402


@dataclass
class Config(LoopConfig):
    base: str = option("default", "Base model: 'default' (embedded Gemma 3 270M), a GGUF file, or a transformers folder (e.g. a dapt output).")
    out: str = option("", "Output folder; empty means <data dir>/training/sft.")
    tool: str = option("opensta", "Tool whose example bank and prompt are used.")
    examples: str = option("", "Example bank JSONL; empty means adapters/<tool>/examples.jsonl.")
    setup: str = option("demo", "Design loaded while prompts are built (its header is part of the prompt), 'demo', a setup script, or '' for none.")
    dev_tasks: str = option("tests/eval/opensta_dev_tasks.jsonl", "Held-out dev tasks: bank examples equal to one are dropped.")
    explain: bool = option(True, "Also train explain-this-script pairs (script -> one-line summary).")
    qa: str = option("", "Grounded Q&A JSONL {question, answer, passages} to mix in.")
    general: str = option("", "General instruction JSONL {prompt, answer} to mix in.")
    examples_k: int = option(4, "Retrieved examples per prompt (as in generation).")
    max_length: int = option(1024, "Longest training sequence in tokens (prompts are cut from the left).")
    val_share: float = option(0.05, "Share of script pairs held out to measure answer loss before/after.")
    limit: int = option(0, "Use only the first N pairs (0: all); for smoke runs.")
    lora_rank: int = option(16, "LoRA rank on every linear layer; 0 for full fine-tuning.")
    lora_alpha: int = option(32, "LoRA alpha.")
    lora_dropout: float = option(0.05, "LoRA dropout.")
    learning_rate: float = option(2e-4, "Constant learning rate (use ~5e-6 for full fine-tuning).")
    epochs: float = option(2.0, "Passes over the pairs.")
    save_steps: int = option(25, "Checkpoint every N optimiser steps (resume picks the newest).")


def build_pairs(config: Config, app):
    """Script pairs (through the live Generator), explain, Q&A and general pairs."""
    from types import SimpleNamespace

    from copilot.commands.common import resolve_setup
    from copilot.errors import TrainingError
    from copilot.generate.examples import ExampleBank
    from copilot.generate.pipeline import Generator
    from copilot.generate.workbench import open_workbench
    from copilot.shells.profile import load_profile
    from copilot.training import sft_data

    profile = load_profile(config.tool)
    bank = ExampleBank.load(Path(config.examples)) if config.examples else ExampleBank.for_tool(profile.name)
    examples, dropped = sft_data.held_out_filter(bank.examples, Path(config.dev_tasks) if config.dev_tasks else None)
    if len(examples) < 8:
        raise TrainingError(f"the example bank has {len(examples)} usable examples; SFT needs at least 8 "
                            "(add verified request/script pairs to adapters/<tool>/examples.jsonl).")
    # With a setup, prompts carry the design header exactly as `copilot generate` shows it
    # (this starts the tool); without one, no tool is needed.
    bench = open_workbench(app, profile.name, resolve_setup(config.setup, profile)) if config.setup else None
    try:
        generator = Generator(None, bank, bench or SimpleNamespace(design=None), app.settings,
                              tool_title=profile.description, examples_k=config.examples_k)
        pairs = sft_data.script_pairs(bank, generator, examples)
    finally:
        if bench is not None:
            bench.close()
    if config.explain:
        pairs += sft_data.explain_pairs(bank, examples, profile.description)
    if config.qa:
        pairs += sft_data.qa_pairs(Path(config.qa))
    if config.general:
        pairs += sft_data.general_pairs(Path(config.general))
    return pairs, dropped


def main(config: Config) -> dict:
    import json
    import random

    from copilot import resources
    from copilot.context import AppContext
    from copilot.errors import TrainingError
    from copilot.training import trainer
    from copilot.training.base_model import read_lineage, resolve_base, write_lineage
    from copilot.training.runs import open_run, sha256_file, sha256_text
    from copilot.training.sft_data import tokenize_pair

    app = AppContext.build({"tool": config.tool})
    out, record = open_run("sft", config, app.locations.training_dir)
    trainer.set_threads(config.threads)
    base, base_gguf = resolve_base(config.base, app.locations, log=lambda s: print(s, file=sys.stderr))

    pairs, dropped = build_pairs(config, app)
    random.Random(config.seed).shuffle(pairs)
    if config.limit:
        pairs = pairs[:config.limit]
    with (out / "pairs.jsonl").open("w", encoding="utf-8") as handle:
        for pair in pairs:
            handle.write(json.dumps(pair.__dict__) + "\n")

    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(base))
    rows = [r for r in (tokenize_pair(tokenizer, p, config.max_length) for p in pairs) if r]
    if not rows:
        raise TrainingError("no training pair fits in --max-length; raise it.")
    scripts = [r for r, p in zip(rows, pairs) if p.kind == "script"]
    n_val = int(len(scripts) * config.val_share) if len(scripts) >= 20 else 0
    val_ids = {id(r) for r in scripts[:n_val]}
    train_rows = [r for r in rows if id(r) not in val_ids]
    val_rows = scripts[:n_val]

    model = trainer.load_model(base, config.lora_rank, config.lora_alpha, config.lora_dropout,
                               config.gradient_checkpointing)
    template = resources.data_file("prompts", "script_fewshot.j2")
    bank_file = Path(config.examples) if config.examples else resources.data_dir("adapters") / config.tool / "examples.jsonl"
    record.inputs([bank_file, template] + [Path(p) for p in (config.qa, config.general) if p])
    counts = {kind: sum(p.kind == kind for p in pairs) for kind in sorted({p.kind for p in pairs})}
    record.metrics(pairs=counts, dropped_as_dev=dropped, train_rows=len(train_rows), val_rows=len(val_rows),
                   train_tokens=sum(len(r["input_ids"]) for r in train_rows),
                   answer_tokens=sum(sum(1 for x in r["labels"] if x != -100) for r in train_rows),
                   template={"name": template.name, "sha256": sha256_file(template)},
                   base=str(base), base_gguf=str(base_gguf or ""),
                   pairs_sha256=sha256_text((out / "pairs.jsonl").read_text()),
                   **trainer.trainable_summary(model))
    collator = trainer.PadCollator(tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0)
    before = trainer.held_out_loss(model, val_rows, collator)
    loop = trainer.loop_options(out, config)
    run = trainer.make_trainer(model, train_rows, collator, loop, record, answer_only=True)
    metrics = trainer.run(run, out, resume=config.resume)
    after = trainer.held_out_loss(model, val_rows, collator)
    final = out / ("adapter" if config.lora_rank > 0 else "model")
    model.save_pretrained(final)
    tokenizer.save_pretrained(final)
    write_lineage(final, read_lineage(base), {"step": "sft", "out": str(final), "base": str(base),
                                              "run": str(out / "run.json")})
    metrics.update(held_out_answer_loss_before=before, held_out_answer_loss_after=after,
                   tokens_per_second=round(metrics["sequences_seen"] * record.data["metrics"]["train_tokens"]
                                           / len(train_rows) / max(1e-9, metrics["wall_seconds"]), 1),
                   output=str(final))
    record.metrics(**metrics)
    print(json.dumps(metrics, indent=2))
    return metrics


if __name__ == "__main__":
    main(parse_args(Config, description=__doc__))
