"""The training loop dapt and sft share: transformers' Trainer with resume, logging, advice.

Trainer is used (not a hand loop) so the same scripts run on one CPU, one GPU, or many
GPUs under `accelerate launch` with FSDP/DeepSpeed configs, and resume from checkpoints.
"""

from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from copilot.errors import TrainingError
from copilot.training.runs import RunRecord

LORA_TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


@dataclass
class LoopOptions:
    """The knobs both dapt and sft expose (each script maps its config onto these)."""

    out_dir: Path
    learning_rate: float
    epochs: float
    max_steps: int
    batch_size: int
    grad_accum: int
    weight_decay: float
    beta1: float
    beta2: float
    warmup_steps: int
    save_steps: int
    log_steps: int
    seed: int
    threads: int
    gradient_checkpointing: bool


def loop_options(out_dir: Path, config) -> LoopOptions:
    """The loop knobs from a script's Config (dapt and sft name them the same)."""
    import dataclasses

    return LoopOptions(out_dir, **{f.name: getattr(config, f.name)
                                   for f in dataclasses.fields(LoopOptions) if f.name != "out_dir"})


def set_threads(threads: int) -> None:
    """Pin torch's CPU threads (0 leaves torch's default); on shared machines use 1-2."""
    import torch

    if threads > 0:
        torch.set_num_threads(threads)


def _has_cuda() -> bool:
    import torch

    return torch.cuda.is_available()


def bf16_available() -> bool:
    """bf16 mixed precision on GPUs that have it; fp32 on CPU (bf16 autocast on an AVX-512 BF16 CPU saved only ~30% of a LoRA step here)."""
    import torch

    return _has_cuda() and torch.cuda.is_bf16_supported()


def load_model(folder: Path, lora_rank: int = 0, lora_alpha: int = 0, lora_dropout: float = 0.05,
               gradient_checkpointing: bool = False):
    """The causal LM in `folder`, fp32, optionally wrapped with a LoRA adapter on every linear layer."""
    from transformers import AutoModelForCausalLM

    try:
        model = AutoModelForCausalLM.from_pretrained(str(folder), dtype="float32")
    except (OSError, ValueError) as exc:
        raise TrainingError(f"cannot load the model in {folder}: {exc}") from None
    model.config.use_cache = False
    if gradient_checkpointing:
        model.gradient_checkpointing_enable()
    if lora_rank > 0:
        from peft import LoraConfig, get_peft_model

        if gradient_checkpointing:
            model.enable_input_require_grads()
        present = {name.rsplit(".", 1)[-1] for name, _ in model.named_modules()}
        config = LoraConfig(r=lora_rank, lora_alpha=lora_alpha or 2 * lora_rank,
                            lora_dropout=lora_dropout, task_type="CAUSAL_LM",
                            target_modules=[t for t in LORA_TARGETS if t in present])
        model = get_peft_model(model, config)
    return model


def trainable_summary(model) -> dict[str, int]:
    total = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return {"parameters": total, "trainable_parameters": trainable}


def last_checkpoint(out_dir: Path) -> Path | None:
    """The newest complete checkpoint-N folder in `out_dir` (one with trainer state)."""
    found = [p for p in Path(out_dir).glob("checkpoint-*")
             if (p / "trainer_state.json").is_file() and p.name.split("-")[-1].isdigit()]
    return max(found, key=lambda p: int(p.name.split("-")[-1]), default=None)


def answer_only_loss(model, inputs: dict, num_items_in_batch=None):
    """Cross-entropy on labelled tokens only, projecting only those positions to the vocabulary.

    The output layer (262k rows for Gemma) dominates the cost; a prompt of 600 tokens with an
    answer of 40 needs 40 rows of logits, not 600.
    """
    import torch
    import torch.nn.functional as F

    labels = inputs.pop("labels")
    targets = labels[:, 1:]
    keep = torch.zeros_like(labels, dtype=torch.bool)
    keep[:, :-1] = targets != -100
    logits = model(**inputs, logits_to_keep=keep).logits
    loss = F.cross_entropy(logits.float().reshape(-1, logits.shape[-1]), targets[targets != -100],
                           reduction="sum")
    count = num_items_in_batch if num_items_in_batch is not None else (targets != -100).sum()
    return loss / count


def _checkpointing_field() -> str:
    """Newer transformers call gradient checkpointing `activation_checkpointing` (the old name warns)."""
    from dataclasses import fields

    from transformers import TrainingArguments

    names = {f.name for f in fields(TrainingArguments)}
    return "activation_checkpointing" if "activation_checkpointing" in names else "gradient_checkpointing"


def make_trainer(model, dataset, collator, options: LoopOptions, record: RunRecord,
                 answer_only: bool = False, eval_dataset=None):
    """A Trainer with ChipNeMo-style optimiser defaults and our logging callback."""
    from transformers import Trainer, TrainerCallback, TrainingArguments

    args = TrainingArguments(
        output_dir=str(options.out_dir), learning_rate=options.learning_rate,
        num_train_epochs=options.epochs, max_steps=options.max_steps if options.max_steps > 0 else -1,
        per_device_train_batch_size=options.batch_size, gradient_accumulation_steps=options.grad_accum,
        weight_decay=options.weight_decay, adam_beta1=options.beta1, adam_beta2=options.beta2,
        lr_scheduler_type="constant_with_warmup" if options.warmup_steps else "constant",
        warmup_steps=options.warmup_steps, save_steps=options.save_steps, save_total_limit=2,
        logging_steps=options.log_steps, logging_first_step=True, seed=options.seed,
        report_to=[], disable_tqdm=True, remove_unused_columns=False, dataloader_num_workers=0,
        eval_strategy="no", save_strategy="steps", bf16=bf16_available(),
        dataloader_pin_memory=_has_cuda(),
        **{_checkpointing_field(): options.gradient_checkpointing})

    class Progress(TrainerCallback):
        """One line per log step on stderr, and the same numbers in log.jsonl."""

        def __init__(self) -> None:
            self.began = time.monotonic()
            self.first_step = None

        def on_log(self, args, state, control, logs=None, **kwargs):
            logs = dict(logs or {})
            if self.first_step is None:
                self.first_step = state.global_step
            done = max(1, state.global_step - self.first_step)
            per_step = (time.monotonic() - self.began) / done
            left = (state.max_steps - state.global_step) * per_step
            record.log(step=state.global_step, max_steps=state.max_steps, **logs)
            if "loss" in logs:
                print(f"step {state.global_step}/{state.max_steps} loss {logs['loss']:.4f} "
                      f"{per_step:.2f} s/step, about {left / 60:.0f} min left", file=sys.stderr, flush=True)

    class AnswerOnlyTrainer(Trainer):
        def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
            if not answer_only:
                return super().compute_loss(model, inputs, return_outputs, num_items_in_batch)
            loss = answer_only_loss(model, inputs, num_items_in_batch)
            return (loss, None) if return_outputs else loss

    from transformers.trainer_callback import PrinterCallback

    built = AnswerOnlyTrainer(model=model, args=args, train_dataset=dataset, data_collator=collator,
                              eval_dataset=eval_dataset, callbacks=[Progress()])
    built.remove_callback(PrinterCallback)  # Progress prints a readable line instead
    return built


def run(trainer, out_dir: Path, resume: bool = True) -> dict[str, Any]:
    """Train, resuming from the newest checkpoint; on Ctrl-C save one so nothing is lost."""
    checkpoint = last_checkpoint(out_dir) if resume else None
    if checkpoint is not None:
        print(f"resuming from {checkpoint}", file=sys.stderr)
    began = time.monotonic()
    try:
        result = trainer.train(resume_from_checkpoint=str(checkpoint) if checkpoint else None)
    except KeyboardInterrupt:
        trainer._save_checkpoint(trainer.model, trial=None)
        raise TrainingError(
            f"interrupted at step {trainer.state.global_step}; a checkpoint was saved in {out_dir}: "
            "run the same command again to resume.") from None
    except RuntimeError as exc:
        if "out of memory" in str(exc).lower() or "can't allocate memory" in str(exc).lower():
            raise TrainingError(
                f"out of memory at step {trainer.state.global_step} ({str(exc)[:120]}); try a smaller "
                "--batch-size (with more --grad-accum), a shorter --block-size/--max-length, "
                "--gradient-checkpointing, or --lora-rank 16 instead of full fine-tuning. "
                "The last checkpoint is kept; the same command resumes from it.") from None
        raise
    seconds = time.monotonic() - began
    metrics = dict(result.metrics)
    metrics["wall_seconds"] = round(seconds, 1)
    metrics["optimizer_steps"] = trainer.state.global_step
    metrics["sequences_seen"] = trainer.state.global_step * trainer.args.gradient_accumulation_steps \
        * trainer.args.per_device_train_batch_size * max(1, trainer.args.world_size)
    losses = [h["loss"] for h in trainer.state.log_history if "loss" in h]
    if losses:
        metrics["first_loss"], metrics["last_loss"] = losses[0], losses[-1]
    return {k: (round(v, 5) if isinstance(v, float) and math.isfinite(v) else v) for k, v in metrics.items()}


class PadCollator:
    """Right-pad input_ids/labels of a batch; the attention mask marks real tokens."""

    def __init__(self, pad_id: int) -> None:
        self.pad_id = pad_id

    def __call__(self, rows: list[dict]) -> dict:
        import torch

        width = max(len(r["input_ids"]) for r in rows)
        ids = torch.full((len(rows), width), self.pad_id, dtype=torch.long)
        labels = torch.full((len(rows), width), -100, dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for i, row in enumerate(rows):
            n = len(row["input_ids"])
            ids[i, :n] = torch.tensor(row["input_ids"])
            labels[i, :n] = torch.tensor(row["labels"])
            mask[i, :n] = 1
        return {"input_ids": ids, "labels": labels, "attention_mask": mask}


def held_out_loss(model, rows: list[dict], collator) -> float | None:
    """Mean answer-token loss over `rows` without training (None when there are none)."""
    import torch

    if not rows:
        return None
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for row in rows:
            batch = collator([row])
            n = int((batch["labels"][:, 1:] != -100).sum())
            total += float(answer_only_loss(model, batch)) * n
            count += n
    model.train()
    return round(total / max(1, count), 5)
