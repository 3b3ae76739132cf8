"""GGUF in and out: export a trained folder or a LoRA adapter, quantize, read a vocabulary."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from copilot.errors import TrainingError
from copilot.training.llama_cpp_source import run_converter

QUANT_TYPES = {"Q4_K_M": 15, "Q5_K_M": 17, "Q6_K": 18, "Q8_0": 7, "F16": 1}


def gguf_vocab(path: Path) -> list[str]:
    """The token strings of a GGUF file."""
    import gguf

    try:
        reader = gguf.GGUFReader(str(path))
    except (ValueError, OSError) as exc:
        raise TrainingError(f"{path} is not a readable GGUF file ({exc}).") from None
    field = reader.fields.get("tokenizer.ggml.tokens")
    if field is None:
        raise TrainingError(f"{path} has no tokenizer vocabulary.")
    return list(field.contents())


def export_full(hf_dir: Path, out: Path, reference: Path, added: list[str], converters: Path,
                outtype: str = "f16", log=print) -> Path:
    """transformers folder -> GGUF, with the reference GGUF's vocabulary plus `added` tokens."""
    out.parent.mkdir(parents=True, exist_ok=True)
    began = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "vocab.json"
        spec.write_text(json.dumps({"reference": str(reference), "added": added}))
        run_converter(["-m", "copilot.training.convert_with_vocab", str(converters), str(spec), "--",
                       str(hf_dir), "--outfile", str(out), "--outtype", outtype], log=log)
    log(f"wrote {out} ({out.stat().st_size / 2**20:.1f} MB) in {time.monotonic() - began:.1f} s")
    return out


def export_lora(adapter_dir: Path, base_hf_dir: Path, out: Path, converters: Path,
                outtype: str = "f16", log=print) -> Path:
    """PEFT adapter folder -> GGUF LoRA adapter that llama.cpp applies to the base GGUF."""
    out.parent.mkdir(parents=True, exist_ok=True)
    began = time.monotonic()
    run_converter([str(converters / "convert_lora_to_gguf.py"), str(adapter_dir), "--base",
                   str(base_hf_dir), "--outfile", str(out), "--outtype", outtype], log=log)
    log(f"wrote {out} ({out.stat().st_size / 2**20:.1f} MB) in {time.monotonic() - began:.1f} s")
    return out


def quantize(src: Path, out: Path, kind: str, log=print) -> Path:
    """Quantize a GGUF with llama.cpp (Q4_K_M, Q8_0, ...)."""
    import llama_cpp

    if kind.upper() not in QUANT_TYPES:
        raise TrainingError(f"unknown quantization {kind!r}; use one of {', '.join(QUANT_TYPES)}.")
    began = time.monotonic()
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = QUANT_TYPES[kind.upper()]
    code = llama_cpp.llama_model_quantize(str(src).encode(), str(out).encode(), params)
    if code != 0 or not out.is_file():
        raise TrainingError(f"llama.cpp could not quantize {src} to {kind} (code {code}).")
    log(f"quantized to {kind}: {out} ({out.stat().st_size / 2**20:.1f} MB) in {time.monotonic() - began:.1f} s")
    return out


def llama_tokens(gguf: Path, texts: list[str]) -> list[list[int]]:
    """Token ids llama.cpp gives each text (vocabulary only, no weights loaded)."""
    import llama_cpp

    from copilot.model.llama import quiet_stderr

    with quiet_stderr():
        llm = llama_cpp.Llama(model_path=str(gguf), vocab_only=True, verbose=False)
    try:
        return [llm.tokenize(t.encode("utf-8"), add_bos=False, special=False) for t in texts]
    finally:
        llm.close()


