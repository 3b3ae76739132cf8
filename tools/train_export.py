"""Export a trained model to GGUF for llama.cpp, check it, and register it with the copilot.

A LoRA adapter folder (from `sft`/`dapt --lora-rank N`) becomes a GGUF LoRA adapter (a few
MB) that llama.cpp applies to the base GGUF; a full model folder becomes an F16 GGUF, then
quantized (Q4_K_M, Q8_0, ...). Full exports take their vocabulary from the GGUF the model
came from (plus tokens the domain tokenizer added), and the export is checked: llama.cpp
must tokenize sample texts exactly as the training tokenizer did, and load and generate.

    python tools/train_export.py --model /tmp/sft/adapter --out adapters/opensta/lora/opensta-sft.gguf
    python tools/train_export.py --model /tmp/dapt/model --quantize Q4_K_M,Q8_0 --register
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from copilot.training.options import option, parse_args  # noqa: E402


@dataclass
class Config:
    model: str = option("", "Trained folder: a LoRA adapter (adapter_config.json) or a full model (config.json).")
    out: str = option("", "GGUF file to write; empty means <model>/../export/<name>.gguf.")
    base: str = option("", "Base the LoRA adapter applies to (transformers folder); empty: from the adapter's config.")
    outtype: str = option("f16", "Tensor type of the first GGUF: f16, bf16, f32 or q8_0.")
    quantize: str = option("Q4_K_M", "Comma-separated quantizations of a full model (Q4_K_M, Q8_0, ...); '' for none.")
    register: bool = option(False, "Write the result into the copilot's config.toml (model or lora).")
    check_texts: str = option("", "Text/JSONL file whose lines are tokenized by both sides; empty: the tool's example bank.")
    tool: str = option("opensta", "Tool whose example bank feeds the checks.")


def check_tokenization(hf_dir: Path, gguf: Path, texts: list[str]) -> dict:
    """Token ids from the training tokenizer and from llama.cpp must be the same."""
    from transformers import AutoTokenizer

    from copilot.training.gguf_files import llama_tokens

    tokenizer = AutoTokenizer.from_pretrained(str(hf_dir))
    ours = [tokenizer(t, add_special_tokens=False)["input_ids"] for t in texts]
    theirs = llama_tokens(gguf, texts)
    bad = [t for t, a, b in zip(texts, ours, theirs) if a != b]
    return {"texts": len(texts), "mismatched": len(bad), "examples": [b[:80] for b in bad[:3]]}


def smoke_generate(gguf: Path, lora: Path | None, prompt: str) -> dict:
    """Load in llama.cpp and decode a few tokens: the file is usable, and how fast."""
    from copilot.model.llama import LlamaModel

    model = LlamaModel(gguf, lora=lora, gpu_layers="0", threads=2, context=1024)
    done = model.complete(prompt, max_tokens=24)
    return {"load_seconds": round(model.load_seconds, 2), "tokens_per_second": round(done.tokens_per_second, 1),
            "sample": done.text[:120]}


def model_setting(base_gguf: Path, lineage: dict) -> str:
    """The `model` value for a LoRA's base: empty when it is the embedded default model."""
    from copilot.model.embedded import expected_sha256
    from copilot.training.runs import sha256_file

    digest = lineage.get("base_sha256") or (sha256_file(base_gguf) if base_gguf.is_file() else "")
    return "" if digest == expected_sha256() else str(base_gguf.resolve())


def sample_texts(config: Config) -> list[str]:
    import json

    from copilot import resources

    path = Path(config.check_texts) if config.check_texts else resources.data_dir("adapters") / config.tool / "examples.jsonl"
    if not path.is_file():
        return ["report_checks -path_delay min\n", "set x [get_ports clk]\nputs $x\n"]
    texts = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            try:
                record = json.loads(line)
                texts += [record.get("request", ""), record.get("script", "")]
            except json.JSONDecodeError:
                texts.append(line)
    return [t for t in texts if t][:400]


def main(config: Config) -> dict:
    import json

    from copilot.context import AppContext
    from copilot.errors import TrainingError
    from copilot.training import gguf_files
    from copilot.training.base_model import read_lineage
    from copilot.training.llama_cpp_source import converter_dir
    from copilot.training.register import set_config_values
    from copilot.training.runs import RunRecord, atomic_write_text, sha256_file

    app = AppContext.build()
    model_dir = Path(config.model).expanduser()
    is_lora = (model_dir / "adapter_config.json").is_file()
    if not is_lora and not (model_dir / "config.json").is_file():
        raise TrainingError(f"{model_dir} is neither a LoRA adapter folder (adapter_config.json) nor a "
                            "model folder (config.json); pass the 'adapter' or 'model' folder a "
                            "training run wrote.")
    out = Path(config.out) if config.out else model_dir.parent / "export" / f"{model_dir.parent.name}-{model_dir.name}.gguf"
    record = RunRecord(out.parent, "export", config)
    converters = converter_dir(app.locations.training_dir / "llama.cpp")
    lineage = read_lineage(model_dir)
    log = lambda line: print(line, file=sys.stderr)  # noqa: E731
    results: dict = {"kind": "lora" if is_lora else "full"}
    if is_lora:
        base = Path(config.base) if config.base else Path(
            json.loads((model_dir / "adapter_config.json").read_text())["base_model_name_or_path"])
        if not (base / "config.json").is_file():
            raise TrainingError(f"the adapter's base {base} is not a model folder; pass --base.")
        gguf_files.export_lora(model_dir, base, out, converters, outtype=config.outtype, log=log)
        base_gguf = Path(lineage.get("base_gguf") or read_lineage(base).get("base_gguf") or app.locations.default_model_file)
        results["base_gguf"] = str(base_gguf)
        results["smoke"] = smoke_generate(base_gguf, out, "# Request: report the worst setup path\n") if base_gguf.is_file() else None
        registered = {"lora": str(out.resolve()), "model": model_setting(base_gguf, lineage)}
    else:
        reference = Path(lineage.get("base_gguf", ""))
        if not reference.is_file():
            raise TrainingError(f"{model_dir} does not say which GGUF its vocabulary came from "
                                f"({model_dir / 'lineage.json'}); train from a GGUF base, or copy that file.")
        gguf_files.export_full(model_dir, out, reference, lineage.get("added_tokens", []), converters,
                               outtype=config.outtype, log=log)
        results["tokenization"] = check_tokenization(model_dir, out, sample_texts(config))
        if results["tokenization"]["mismatched"]:
            log(f"warning: llama.cpp tokenizes {results['tokenization']['mismatched']} of "
                f"{results['tokenization']['texts']} texts differently from the training tokenizer")
        final = out
        for kind in filter(None, (q.strip() for q in config.quantize.split(","))):
            final = gguf_files.quantize(out, out.with_name(f"{out.stem}-{kind.upper()}.gguf"), kind, log=log)
            results.setdefault("quantized", []).append(str(final))
        results["smoke"] = smoke_generate(final, None, "# Request: report the worst setup path\n")
        registered = {"model": str(final.resolve()), "lora": ""}
    training_run = next((Path(s["run"]) for s in reversed(lineage.get("steps", [])) if s.get("run")), None)
    provenance = {"file": out.name, "sha256": sha256_file(out), "bytes": out.stat().st_size,
                  "lineage": lineage, "export": results,
                  "training": json.loads(training_run.read_text()) if training_run and training_run.is_file() else None}
    atomic_write_text(out.with_suffix(".json"), json.dumps(provenance, indent=2, default=str) + "\n")
    if config.register:
        set_config_values(app.locations.config_file, registered)
        results["registered"] = {"config": str(app.locations.config_file), **registered}
    record.metrics(**results)
    print(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    main(parse_args(Config, description=__doc__))
