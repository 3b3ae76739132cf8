"""Turn a GGUF model into a transformers folder that can be trained (dequantized, fp32)."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

from copilot.errors import TrainingError
from copilot.training.runs import sha256_file

LINEAGE = "lineage.json"  # where a folder came from: base GGUF, added tokens, steps


def hf_folder_for(gguf: Path, cache_dir: Path) -> Path:
    """Where the transformers copy of `gguf` is cached (keyed by the file's content)."""
    return cache_dir / f"{gguf.stem}-{sha256_file(gguf)[:12]}"


def is_hf_folder(path: Path) -> bool:
    return path.is_dir() and (path / "config.json").is_file()


def _as_llama_cpp_reads_it(config) -> None:
    """Settings a GGUF does not carry, as llama.cpp assumes them: Gemma 3 scales queries by
    1/sqrt(head_dim) (by hidden/heads for the 62-layer 27B); transformers' GGUF loader
    otherwise takes its default query_pre_attn_scalar of 256, right only when head_dim is 256."""
    if getattr(config, "model_type", "") in ("gemma3", "gemma3_text") and hasattr(config, "query_pre_attn_scalar"):
        config.query_pre_attn_scalar = (config.hidden_size // config.num_attention_heads
                                        if config.num_hidden_layers == 62 else config.head_dim)


def hf_from_gguf(gguf: Path, out_dir: Path, log=print) -> Path:
    """Dequantize `gguf` into `out_dir` as safetensors plus tokenizer; reuse a finished copy.

    transformers keeps a GGUF quantizer attached to the model it loads, which makes
    save_pretrained and Trainer refuse it; removing it once and saving gives a folder every
    later step can load quickly.
    """
    gguf = Path(gguf)
    if (out_dir / LINEAGE).is_file():
        return out_dir
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    began = time.monotonic()
    log(f"dequantizing {gguf.name} into {out_dir} (once; about a minute for 270M parameters)")
    try:
        tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
        config = AutoConfig.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
        _as_llama_cpp_reads_it(config)
        model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name,
                                                     config=config, dtype="float32")
    except (ValueError, KeyError, NotImplementedError, RuntimeError, OSError) as exc:
        raise TrainingError(
            f"transformers cannot load or dequantize {gguf} ({type(exc).__name__}: {exc}); "
            "it reads F32/F16/BF16/Q8_0/Q4_K/Q6_K-style GGUFs of supported architectures: "
            "convert another quantization first, or pass a transformers folder as --base."
        ) from None
    if getattr(model, "hf_quantizer", None) is not None:
        model.hf_quantizer.remove_quantization_config(model)
    partial = out_dir.with_name(out_dir.name + f".{os.getpid()}.part")
    shutil.rmtree(partial, ignore_errors=True)
    model.save_pretrained(partial)
    tokenizer.save_pretrained(partial)
    record = {"base_gguf": str(gguf), "base_sha256": sha256_file(gguf), "added_tokens": [],
              "steps": [{"step": "from_gguf", "out": str(out_dir),
                         "parameters": sum(p.numel() for p in model.parameters()),
                         "seconds": round(time.monotonic() - began, 1)}]}
    write_lineage(partial, record)
    shutil.rmtree(out_dir, ignore_errors=True)
    os.replace(partial, out_dir)
    step = record["steps"][0]
    log(f"saved {step['parameters'] / 1e6:.1f}M parameters in {step['seconds']} s")
    return out_dir


def read_lineage(folder: Path) -> dict:
    """The lineage of a model folder; an unknown folder has no base GGUF and no added tokens."""
    path = Path(folder) / LINEAGE
    if path.is_file():
        return json.loads(path.read_text(encoding="utf-8"))
    return {"base_gguf": "", "added_tokens": [], "steps": []}


def write_lineage(folder: Path, lineage: dict, step: dict | None = None) -> None:
    """Save `lineage` into `folder`, with `step` appended to its history."""
    lineage = {**lineage, "steps": lineage.get("steps", []) + ([step] if step else [])}
    Path(folder).mkdir(parents=True, exist_ok=True)
    (Path(folder) / LINEAGE).write_text(json.dumps(lineage, indent=2) + "\n", encoding="utf-8")


def resolve_base(spec: str, locations, log=print) -> tuple[Path, Path | None]:
    """A trainable folder for `spec` and the GGUF whose vocabulary it has (None if unknown).

    `spec` is "default" (the embedded Gemma 3 270M), a GGUF file, or a transformers folder.
    """
    if spec in ("", "default"):
        from copilot.model.embedded import ensure_default_model

        gguf = ensure_default_model(locations.default_model_file)
    else:
        path = Path(spec).expanduser()
        if is_hf_folder(path):
            gguf = read_lineage(path).get("base_gguf")
            return path, Path(gguf) if gguf and Path(gguf).is_file() else None
        if path.is_dir():
            raise TrainingError(f"{path} is a folder without config.json; pass a GGUF file or a "
                                "transformers model folder as the base.")
        gguf = path
    if not gguf.is_file():
        raise TrainingError(f"base model {gguf} does not exist; pass --base PATH to a GGUF file "
                            "or a transformers folder, or 'default' for the embedded model.")
    return hf_from_gguf(gguf, hf_folder_for(gguf, locations.training_dir / "base"), log=log), gguf
